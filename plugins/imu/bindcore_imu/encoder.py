"""The IMU stem: windows of ``window`` steps, linear projection, LayerNorm, CLS token, learned positions."""

from __future__ import annotations

from bindcore.layers import TokenStem, WindowPatchify

from bindcore_imu.config import ImuConfig


def build_stem(cfg: ImuConfig) -> TokenStem:
    patchify = WindowPatchify(cfg.channels, cfg.width, cfg.window)
    return TokenStem(patchify, cfg.length // cfg.window, cfg.width, norm=True, eps=cfg.stem_norm_eps)
