"""Settings of the audio modality (defaults follow ImageBind's audio tower and loader)."""

from __future__ import annotations

from typing import Optional

from pydantic import Field

from bindcore import ModalityConfig


class AudioConfig(ModalityConfig):
    """Waveform -> log-mel clip settings and the patch stem, on top of the shared trunk settings."""

    sample_rate: int = Field(16000, gt=0, description="rate (Hz) every input is resampled to")
    clip_duration: float = Field(2.0, gt=0, description="seconds per clip")
    clips_per_item: int = Field(3, ge=1, description="clips taken from each input, embedded separately and averaged")
    clips_span_end: bool = Field(
        False, description="False: clip k starts at k*(D-c)/S, as ImageBind with pytorchvideo 0.1.5 (the last clip "
                           "stops short of the end); True: starts spread evenly over [0, D-c] (newer pytorchvideo)")
    exact_imagebind_clip_mean: bool = Field(
        True, description="mean-subtract each clip in place over all channels, so overlapping clips see earlier "
                          "subtractions (ImageBind's quirk); False: each clip is a copy of channel 0 minus its own mean")
    num_mel_bins: int = Field(128, gt=0, description="mel filterbank channels")
    target_length: int = Field(204, gt=0, description="frames per clip after right zero-padding or cropping")
    frame_length_ms: float = Field(25.0, gt=0, description="fbank window length in milliseconds")
    frame_shift_ms: float = Field(10.0, gt=0, description="fbank hop in milliseconds")
    mean: float = Field(-4.268, description="log-mel normalisation mean")
    std: float = Field(9.138, gt=0, description="log-mel normalisation standard deviation")
    patch_size: int = Field(16, gt=0, description="Conv2d patch kernel over (mel, frames)")
    patch_stride: int = Field(10, gt=0, description="Conv2d patch stride (overlapping patches)")
    stem_norm: bool = Field(True, description="LayerNorm after the patch conv (ImageBind's audio stem has one)")
    stem_norm_eps: float = Field(1e-5, gt=0, description="epsilon of the stem LayerNorm (ImageBind: torch default)")
    bias_kv: bool = True
    drop_path: float = Field(0.1, ge=0, lt=1)
    logit_scale: Optional[float] = Field(20.0, gt=0)

    def model_post_init(self, context) -> None:
        super().model_post_init(context)
        if self.patch_size > self.num_mel_bins or self.patch_size > self.target_length:
            raise ValueError(f"patch_size {self.patch_size} exceeds num_mel_bins {self.num_mel_bins} "
                             f"or target_length {self.target_length}")
        if self.window_samples < 2:
            raise ValueError(f"frame_length_ms {self.frame_length_ms} gives under 2 samples at {self.sample_rate} Hz")
        if self.frame_shift_samples < 1:
            raise ValueError(f"frame_shift_ms {self.frame_shift_ms} gives no samples at {self.sample_rate} Hz")

    @property
    def window_samples(self) -> int:
        """Samples in one fbank window (Kaldi's rounding)."""
        return int(self.sample_rate * self.frame_length_ms * 0.001)

    @property
    def frame_shift_samples(self) -> int:
        """Samples between fbank frames (Kaldi's rounding)."""
        return int(self.sample_rate * self.frame_shift_ms * 0.001)

    @property
    def grid(self) -> tuple[int, int]:
        """Patch grid (mel rows, frame columns) of one clip: 12 x 19 with the defaults."""
        rows = (self.num_mel_bins - self.patch_size) // self.patch_stride + 1
        cols = (self.target_length - self.patch_size) // self.patch_stride + 1
        return rows, cols
