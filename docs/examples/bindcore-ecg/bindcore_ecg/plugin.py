"""Registers the ECG modality: one lead, resampled, cut in windows of ``window`` samples, a transformer."""

import functools

import numpy as np
from pydantic import Field

from bindcore import ModalityConfig, ModalitySpec, hookimpl


class EcgConfig(ModalityConfig):
    """ECG preprocessing and stem settings on top of the shared trunk settings."""

    source_rate: float = Field(500.0, gt=0, description="sample rate of the input in Hz")
    model_rate: float = Field(250.0, gt=0, description="sample rate the model takes in Hz")
    length: int = Field(2500, gt=0, description="samples the model takes (10 s at 250 Hz)")
    window: int = Field(25, gt=0, description="samples per token")
    logit_scale: float | None = Field(5.0, gt=0, description="fixed temperature multiplier")

    def model_post_init(self, context) -> None:
        super().model_post_init(context)
        if self.length % self.window:
            raise ValueError(f"length {self.length} is not a multiple of window {self.window}")


def build_preprocessor(cfg: EcgConfig):
    from bindcore_ecg.preprocess import preprocess  # loaded on first use, not when plugins are listed

    return functools.partial(preprocess, cfg=cfg)  # picklable, for DataLoader workers


def build_stem(cfg: EcgConfig):
    from bindcore.layers import TokenStem, WindowPatchify  # torch loads only when a model is built

    patchify = WindowPatchify(1, cfg.width, cfg.window)  # (B, 1, L) -> (B, L / window, width)
    return TokenStem(patchify, cfg.length // cfg.window, cfg.width, norm=True, eps=cfg.norm_eps)


def dummy_raw(cfg: EcgConfig) -> list:
    t = np.arange(int(4 * cfg.source_rate)) / cfg.source_rate  # 4 s: padded
    noise = np.random.default_rng(0).standard_normal(int(30 * cfg.source_rate))  # 30 s: cut
    return [np.sin(2 * np.pi * 1.2 * t), noise.astype(np.float32)]


@hookimpl
def register_modalities(register):
    register(ModalitySpec(
        name="ecg",
        Config=EcgConfig,
        build_preprocessor=build_preprocessor,
        build_stem=build_stem,
        dummy_raw=dummy_raw,
        summary="single-lead ECG (.npy, .csv, arrays (T,)): windows of samples through a transformer",
        item_ndim=2,  # one item is (1, length): channels, time
    ))
