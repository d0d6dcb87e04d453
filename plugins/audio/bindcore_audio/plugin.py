"""Registers the audio modality with bindcore."""

from __future__ import annotations

import numpy as np

from bindcore import ModalitySpec, hookimpl
from bindcore.specs import ForeignFormat

from bindcore_audio.config import AudioConfig
from bindcore_audio.encoder import build_stem
from bindcore_audio.preview import ACCEPTS, preview


def dummy_raw(cfg: AudioConfig) -> list:
    """(array, sample_rate) items of different lengths, rates and channel counts."""
    rng = np.random.default_rng(0)
    t = np.arange(48000) / 16000
    return [
        (0.1 * rng.standard_normal(4000).astype(np.float32), 8000),  # 0.5 s of noise at 8 kHz
        ((0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 16000),  # 3 s tone at 16 kHz
        (0.1 * rng.standard_normal((2, 22050)).astype(np.float32), 22050),  # 1 s stereo noise at 22.05 kHz
    ]


def imagebind_settings(kw: dict) -> dict:
    """ImageBindModel arguments -> AudioConfig params (defaults: imagebind_huge)."""
    from bindcore.compat.imagebind import trunk_settings

    return {**trunk_settings(kw, "audio", width=768, blocks=12, heads=12, drop_path=0.1),
            "patch_size": kw.get("audio_kernel_size", 16), "patch_stride": kw.get("audio_stride", 10),
            "num_mel_bins": kw.get("audio_num_mel_bins", 128), "target_length": kw.get("audio_target_len", 204),
            "bias_kv": True, "logit_scale": 20.0}


def imagebind_format() -> ForeignFormat:
    from bindcore.compat.imagebind import head_rules, stem_rules

    return ForeignFormat("audio", imagebind_settings, stem_rules("rgbt_stem") + head_rules())


def build_preprocessor(cfg: AudioConfig):
    from bindcore_audio.preprocess import AudioPreprocessor  # heavy decoders load on first use

    return AudioPreprocessor(cfg)


@hookimpl
def register_modalities(register):
    register(ModalitySpec(
        name="audio",
        Config=AudioConfig,
        build_preprocessor=build_preprocessor,
        build_stem=build_stem,
        dummy_raw=dummy_raw,
        summary="sound (WAV, FLAC, OGG, arrays): 16 kHz, 2 s clips, Kaldi log-mel, ViT with overlapping patches",
        item_ndim=3,
        foreign={"imagebind": imagebind_format()},
        accepts=ACCEPTS,
        preview=preview,
    ))
