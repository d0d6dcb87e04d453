"""The image plugin meets the modality contract and keeps ImageBind's defaults."""

from __future__ import annotations

import numpy as np
import pytest

from bindcore import ConfigError
from bindcore.config import validate
from bindcore.testing import check_modality, load_host

from bindcore_image.config import CLIP_MEAN, CLIP_STD, ImageConfig
from bindcore_image.preprocess import ImagePreprocessor


def test_contract():
    check_modality(load_host().modalities.get("image"))


def test_defaults_follow_imagebind():
    cfg = ImageConfig()
    assert (cfg.image_size, cfg.patch_size, cfg.frames, cfg.resample) == (224, 14, 2, "bicubic")
    assert (cfg.mean, cfg.std) == (CLIP_MEAN, CLIP_STD)
    with pytest.raises(ConfigError):
        validate(ImageConfig, {"image_size": 100})  # not a multiple of the patch size
    with pytest.raises(ConfigError):
        validate(ImageConfig, {"resample": "lanczos"})


def test_image_size_sets_the_output_side(normalised):
    x = ImagePreprocessor(ImageConfig(image_size=112))(np.full((30, 50, 3), 255, np.uint8))
    assert x.shape == (3, 112, 112)
    assert np.allclose(x, normalised((255, 255, 255)), atol=1e-6)


def test_conv_stem_meets_the_contract_and_keeps_the_token_grid():
    check_modality(load_host().modalities.get("image"), stem="conv", image_size=32, patch_size=8)
    with pytest.raises(ConfigError, match="power of two"):
        validate(ImageConfig, {"stem": "conv", "image_size": 48, "patch_size": 12})
    with pytest.raises(ConfigError, match="multiple of patch_size"):
        validate(ImageConfig, {"stem": "conv", "image_size": 50, "patch_size": 8})
