"""One clip of samples -> one normalised Kaldi log-mel image (the AST recipe ImageBind uses)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torchaudio.compliance import kaldi

from bindcore_audio.config import AudioConfig


def log_mel(clip: torch.Tensor, cfg: AudioConfig) -> torch.Tensor:
    """Kaldi fbank of a mono clip, padded or cropped to ``target_length`` frames and normalised.

    Args:
        clip: (T,) float32 samples at ``cfg.sample_rate``, already mean-subtracted. A clip shorter than one
            window is zero-padded to one window (the reference crashes there).
        cfg: the audio settings.

    Returns:
        (1, num_mel_bins, target_length) float32.
    """
    if clip.shape[0] < cfg.window_samples:
        clip = F.pad(clip, (0, cfg.window_samples - clip.shape[0]))  # (W,)
    fbank = kaldi.fbank(
        clip[None], htk_compat=True, sample_frequency=cfg.sample_rate, use_energy=False, window_type="hanning",
        num_mel_bins=cfg.num_mel_bins, dither=0.0, frame_length=cfg.frame_length_ms, frame_shift=cfg.frame_shift_ms,
    ).T  # (mel, frames)
    gap = cfg.target_length - fbank.shape[1]
    fbank = F.pad(fbank, (0, gap)) if gap > 0 else fbank[:, :cfg.target_length]  # (mel, L)
    return ((fbank - cfg.mean) / cfg.std)[None]  # (1, mel, L)
