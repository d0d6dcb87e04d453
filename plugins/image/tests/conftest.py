"""Shared fixtures of the image plugin tests: one preprocessor and the CLIP-normalised value of a colour."""

from __future__ import annotations

import pytest
import torch

from bindcore_image.config import CLIP_MEAN, CLIP_STD, ImageConfig
from bindcore_image.preprocess import ImagePreprocessor


@pytest.fixture(scope="session")
def pre() -> ImagePreprocessor:
    return ImagePreprocessor(ImageConfig())


@pytest.fixture(scope="session")
def normalised():
    """(r, g, b) in 0..255 -> the (3, 1, 1) tensor a uniform picture of that colour becomes."""

    def value(rgb) -> torch.Tensor:
        x = torch.tensor(rgb, dtype=torch.float32) / 255
        return ((x - torch.tensor(CLIP_MEAN)) / torch.tensor(CLIP_STD)).view(3, 1, 1)

    return value
