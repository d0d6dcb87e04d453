"""Raw audio -> (S, 1, mel, frames): 16 kHz, S clips, per-clip mean removal, Kaldi log-mel, normalisation."""

from __future__ import annotations

from typing import Any

import torch

from bindcore import InputError
from bindcore.io import read_waveform

from bindcore_audio.clips import clip_bounds
from bindcore_audio.config import AudioConfig
from bindcore_audio.features import log_mel
from bindcore_audio.resample import resample


class AudioPreprocessor:
    """Callable turning one raw clip source into (S, 1, num_mel_bins, target_length) float32.

    Accepts a path or bytes of a WAV/FLAC/OGG file, or an ``(array, sample_rate)`` pair with a (T,) or
    (C, T) array (more channels than samples is taken for a transposed array and refused). Reproduces
    ImageBind's ``load_and_transform_audio_data`` (see AudioConfig for the switches): only channel 0 reaches
    the fbank, but in exact mode each clip is centred on its mean over all channels, as upstream does.

    Args:
        cfg: the audio settings.
    """

    def __init__(self, cfg: AudioConfig):
        self.cfg = cfg

    def __call__(self, raw: Any) -> torch.Tensor:
        cfg = self.cfg
        samples, rate = read_waveform(raw)  # (C, T)
        if isinstance(raw, tuple) and samples.shape[0] > samples.shape[1]:  # most likely (T, C) by mistake
            raise InputError(f"got {samples.shape[0]} channels of {samples.shape[1]} samples; "
                             "give samples as (T,) or channels first (C, T), e.g. array.T")
        if not cfg.exact_imagebind_clip_mean:
            samples = samples[:1]  # (1, T) the other channels cannot matter
        wave = torch.tensor(samples)  # (C, T) a copy: the in-place steps below must not touch the caller's array
        wave = resample(wave, rate, cfg.sample_rate)  # (C, T')
        clips = []
        for start, end in clip_bounds(wave.shape[1], cfg.sample_rate, cfg.clip_duration, cfg.clips_per_item,
                                      cfg.clips_span_end):
            clip = wave[:, start:end]  # (C, n) a view
            if clip.numel():
                if cfg.exact_imagebind_clip_mean:
                    clip -= clip.mean()  # in place on the waveform: later overlapping clips see it (ImageBind)
                else:
                    clip = clip - clip.mean()  # (1, n) a centred copy
            clips.append(log_mel(clip[0], cfg))  # (1, mel, L)
        out = torch.stack(clips)  # (S, 1, mel, L)
        if not torch.isfinite(out).all():
            raise InputError("the log-mel features overflowed: samples should lie in [-1, 1]")
        return out
