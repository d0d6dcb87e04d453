"""Settings of the IMU modality (defaults follow ImageBind's IMU tower)."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field

from bindcore import ModalityConfig


class ImuConfig(ModalityConfig):
    """IMU preprocessing and stem settings on top of the shared trunk settings.

    A recording is (channels, T) or (T, channels): accelerometer xyz + gyroscope xyz in ImageBind.
    """

    channels: int = Field(6, gt=0, description="sensor channels")
    length: int = Field(2000, gt=0, description="time steps the model takes (ImageBind: 5 s at ~400 Hz)")
    window: int = Field(8, gt=0, description="time steps per token")
    stem_norm_eps: float = Field(1e-5, gt=0, description="epsilon of the stem LayerNorm (ImageBind: torch default)")
    source_rate: Optional[float] = Field(None, gt=0, description="sample rate of the input in Hz; None: no resampling")
    model_rate: float = Field(400.0, gt=0, description="sample rate the model expects in Hz (used with source_rate)")
    pad_mode: Literal["zero", "edge"] = Field("zero", description="fill of a short recording: zeros or the last value")
    crop: Literal["start", "center"] = Field("start", description="which part of a long recording is kept")
    max_nan_gap: Optional[int] = Field(10, ge=0, description="longest NaN run that is filled; None: any length")
    center: bool = Field(False, description="subtract each recording's own per-channel mean (removes gravity and "
                                           "sensor offsets; ImageBind does not)")
    mean: Optional[tuple[float, ...]] = Field(None, description="per-channel mean subtracted (None: none, as ImageBind)")
    std: Optional[tuple[float, ...]] = Field(None, description="per-channel std divided by (with mean)")
    npz_key: Optional[str] = Field(None, description="array to read from an .npz file (default: the first)")
    bias_kv: bool = True
    drop_path: float = Field(0.7, ge=0, lt=1, description="stochastic depth at the last block (linear ramp)")
    head_dropout: float = Field(0.5, ge=0, lt=1, description="dropout before the projection to the shared space")
    logit_scale: Optional[float] = Field(5.0, gt=0, description="fixed temperature multiplier (ImageBind: 5)")

    def model_post_init(self, context) -> None:
        super().model_post_init(context)
        if self.length % self.window:
            raise ValueError(f"length {self.length} is not a multiple of window {self.window}")
        if (self.mean is None) != (self.std is None):
            raise ValueError("give both mean and std, or neither")
        for name in ("mean", "std"):
            value = getattr(self, name)
            if value is not None and len(value) != self.channels:
                raise ValueError(f"{name} has {len(value)} values, expected one per channel ({self.channels})")
        if self.std is not None and min(self.std) <= 0:
            raise ValueError("std values must be positive")
