"""Registers the IMU modality with bindcore."""

from __future__ import annotations

import numpy as np

from bindcore import ModalitySpec, hookimpl
from bindcore.specs import ForeignFormat

from bindcore_imu.config import ImuConfig
from bindcore_imu.encoder import build_stem
from bindcore_imu.preview import ACCEPTS, preview


def dummy_raw(cfg: ImuConfig) -> list:
    rng = np.random.default_rng(0)
    c, n = cfg.channels, cfg.length
    return [
        rng.standard_normal((c, n)).astype(np.float32),  # (C, T) exact length
        rng.standard_normal((n // 2, c)),  # (T, C) short: padded
        rng.standard_normal((c, n + n // 4)).astype(np.float32),  # (C, T) long: cropped
        rng.standard_normal((n * 2, c)).astype(np.float32),  # (T, C) long: cropped
    ]


def imagebind_settings(kw: dict) -> dict:
    """ImageBindModel arguments -> ImuConfig params (defaults: imagebind_huge; 6 x 2000 in windows of 8)."""
    from bindcore.compat.imagebind import trunk_settings

    return {**trunk_settings(kw, "imu", width=512, blocks=6, heads=8, drop_path=0.7),
            "channels": 6, "length": 2000, "window": 8, "head_dropout": 0.5, "bias_kv": True, "logit_scale": 5.0}


def imagebind_format() -> ForeignFormat:
    from bindcore.compat.imagebind import head_rules, stem_rules

    return ForeignFormat("imu", imagebind_settings, stem_rules("imu_stem") + head_rules(proj="3"))


def build_preprocessor(cfg: ImuConfig):
    from bindcore_imu.preprocess import ImuPreprocessor  # heavy decoders load on first use

    return ImuPreprocessor(cfg)


@hookimpl
def register_modalities(register):
    register(ModalitySpec(
        name="imu",
        Config=ImuConfig,
        build_preprocessor=build_preprocessor,
        build_stem=build_stem,
        dummy_raw=dummy_raw,
        summary="6-axis IMU recordings (.npy, .npz, .csv, arrays): windows of 8 steps through a transformer",
        item_ndim=2,
        foreign={"imagebind": imagebind_format()},
        accepts=ACCEPTS,
        preview=preview,
    ))
