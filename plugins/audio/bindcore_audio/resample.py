"""Resampling to the model rate: torchaudio's sinc resampler (what ImageBind uses), FFT for awkward ratios."""

from __future__ import annotations

import math

import torch
import torchaudio

MAX_KERNEL = 1 << 20  # sinc kernel elements above which the FFT path is used (e.g. 11127 or 44056 Hz)


def resample(waveform: torch.Tensor, orig: int, new: int) -> torch.Tensor:
    """Resamples (C, T) float32 from ``orig`` Hz to ``new`` Hz.

    torchaudio.functional.resample (its defaults) whenever its kernel stays small, which covers the usual rates
    (8, 11.025, 22.05, 32, 44.1, 48, 96 kHz) bit for bit like ImageBind; coprime rates whose kernel would take
    gigabytes go through an FFT band-limited resampler instead.
    """
    if orig == new:
        return waveform
    g = math.gcd(orig, new)
    o, n = orig // g, new // g
    width = math.ceil(6 * o / (min(o, n) * 0.99))  # torchaudio's filter half-width (lowpass width 6, rolloff 0.99)
    if n * (o + 2 * width) <= MAX_KERNEL:
        return torchaudio.functional.resample(waveform, orig_freq=orig, new_freq=new)  # (C, T')
    return _fft_resample(waveform, o, n)


def _fft_resample(waveform: torch.Tensor, o: int, n: int) -> torch.Tensor:
    length = waveform.shape[-1]
    out_len = max(math.ceil(n * length / o), 1)  # same length rule as torchaudio
    spec = torch.fft.rfft(waveform.double(), dim=-1)  # (C, T//2+1)
    keep = min(spec.shape[-1], out_len // 2 + 1)
    out = spec.new_zeros(waveform.shape[:-1] + (out_len // 2 + 1,))  # (C, T'//2+1)
    out[..., :keep] = spec[..., :keep]
    return (torch.fft.irfft(out, n=out_len, dim=-1) * (out_len / length)).float()  # (C, T')
