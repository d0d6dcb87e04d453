"""The bindcore modality contract, registration and config of the audio plugin."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from bindcore import ConfigError
from bindcore.config import validate
from bindcore.testing import check_modality, load_host, small_config

from bindcore_audio.config import AudioConfig
from bindcore_audio.encoder import build_stem


@pytest.fixture(scope="module")
def spec():
    return load_host().modalities.get("audio")


def test_contract(spec):
    check_modality(spec)


def test_registered_layout(spec):
    assert spec.item_ndim == 3 and spec.Config is AudioConfig
    batch = spec.build_preprocessor(AudioConfig())((np.zeros(16000, np.float32), 16000))
    assert batch.shape == (3, 1, 128, 204) and batch.dtype == torch.float32


def test_imagebind_defaults():
    cfg = AudioConfig()
    assert (cfg.sample_rate, cfg.clip_duration, cfg.clips_per_item) == (16000, 2.0, 3)
    assert (cfg.num_mel_bins, cfg.target_length, cfg.frame_length_ms, cfg.frame_shift_ms) == (128, 204, 25.0, 10.0)
    assert (cfg.mean, cfg.std, cfg.patch_size, cfg.patch_stride) == (-4.268, 9.138, 16, 10)
    assert cfg.stem_norm and cfg.bias_kv and cfg.drop_path == 0.1
    assert cfg.logit_scale == 20.0 and not cfg.logit_scale_learnable
    assert cfg.exact_imagebind_clip_mean and not cfg.clips_span_end
    assert cfg.grid == (12, 19)


@pytest.mark.parametrize("overrides, tokens", [({}, 1 + 12 * 19), ({"num_mel_bins": 64, "target_length": 100}, 1 + 5 * 9)])
def test_stem_tokens_follow_the_grid(spec, overrides, tokens):
    cfg = small_config(spec, **overrides)
    stem = build_stem(cfg)
    x = torch.zeros(2, 1, cfg.num_mel_bins, cfg.target_length)  # (B, 1, mel, L)
    assert stem(x).shape == (2, tokens, cfg.width)
    assert isinstance(stem.norm, torch.nn.LayerNorm)


def test_small_preset_end_to_end(spec):
    cfg = small_config(spec, num_mel_bins=64, target_length=100, clips_per_item=1)
    batch = spec.build_preprocessor(cfg)((0.1 * np.random.default_rng(0).standard_normal(24000), 24000))
    assert batch.shape == (1, 1, 64, 100)


@pytest.mark.parametrize("bad", [{"patch_size": 300}, {"frame_length_ms": 0.01}, {"clips_per_item": 0}, {"std": 0}])
def test_invalid_settings_rejected(bad):
    with pytest.raises(ConfigError):
        validate(AudioConfig, bad)
