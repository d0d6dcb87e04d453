"""Bit-level agreement with the official ImageBind audio loader (shared fixture, skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from bindcore_audio.config import AudioConfig
from bindcore_audio.preprocess import AudioPreprocessor

REPO_ROOT = Path(__file__).resolve().parents[3]
FIXTURE = REPO_ROOT.parent / "shared" / "fixtures" / "imagebind"
WAVS = ["tone_44k_stereo_3.5s.wav", "tone_16k_mono_1s.wav", "tone_8k_mono_6s.wav"]


@pytest.fixture(scope="module")
def golden() -> torch.Tensor:
    path = FIXTURE / "inputs.safetensors"
    if not path.is_file() or not all((FIXTURE / "raw" / w).is_file() for w in WAVS):
        pytest.skip(f"ImageBind fixture not found at {FIXTURE} (expected ../shared beside the repo root)")
    from safetensors.torch import load_file

    return load_file(str(path))["audio"]  # (3, 3, 1, 128, 204)


def test_matches_official_loader(golden):
    pre = AudioPreprocessor(AudioConfig())
    out = torch.stack([pre(str(FIXTURE / "raw" / w)) for w in WAVS])  # (3, 3, 1, 128, 204)
    assert out.shape == golden.shape == (3, 3, 1, 128, 204)
    diff = (out - golden).abs().max().item()
    assert diff <= 1e-4, f"max abs difference {diff}"


def test_bytes_input_matches_path(golden):
    pre = AudioPreprocessor(AudioConfig())
    data = (FIXTURE / "raw" / WAVS[0]).read_bytes()
    assert torch.allclose(pre(data), golden[0], atol=1e-4)


def test_copy_mode_agrees_on_a_short_mono_file(golden):
    pre = AudioPreprocessor(AudioConfig(exact_imagebind_clip_mean=False))
    out = pre(str(FIXTURE / "raw" / WAVS[1]))  # 1 s mono: every clip is the whole file, centred once
    assert torch.allclose(out, golden[1], atol=1e-4)
