"""Waveform decoding with soundfile (WAV, FLAC, OGG) or from (array, sample_rate) pairs."""

from __future__ import annotations

import io
import os
from typing import Any

import numpy as np

from bindcore.errors import InputError


def read_waveform(raw: Any) -> tuple[np.ndarray, int]:
    """Decodes ``raw`` to float32 samples in [-1, 1], channels first.

    Args:
        raw: a path or bytes of a WAV/FLAC/OGG file, or an ``(array, sample_rate)`` pair whose array
            is (T,) or (C, T).

    Returns:
        (samples (C, T) float32, sample rate in Hz)

    Raises:
        InputError: unreadable file, bad shape, empty signal, non-finite values or bad sample rate.
    """
    if isinstance(raw, tuple) and len(raw) == 2:
        samples, rate = raw
        samples = np.asarray(samples.detach().cpu().numpy() if hasattr(samples, "detach") else samples, dtype=np.float32)
        if samples.ndim == 1:
            samples = samples[None]
        if samples.ndim != 2:
            raise InputError(f"expected samples of shape (T,) or (C, T), got {samples.shape}")
    elif isinstance(raw, (str, os.PathLike, bytes, bytearray)):
        import soundfile as sf

        if not isinstance(raw, (bytes, bytearray)) and not os.path.isfile(raw):
            raise InputError("file not found")
        try:
            data, rate = sf.read(io.BytesIO(raw) if isinstance(raw, (bytes, bytearray)) else raw, dtype="float32", always_2d=True)
        except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as exc:
            raise InputError(f"cannot decode the audio ({exc}); supported: WAV, FLAC, OGG") from None
        samples = np.ascontiguousarray(data.T)  # (C, T)
    else:
        raise InputError(f"unsupported input type {type(raw).__name__}: give a path, bytes or (array, sample_rate)")
    if not isinstance(rate, (int, np.integer)) or rate <= 0:
        raise InputError(f"invalid sample rate {rate!r}")
    if samples.shape[-1] == 0 or samples.shape[0] == 0:
        raise InputError("the audio is empty")
    if not np.isfinite(samples).all():
        raise InputError("the audio holds NaN or infinite samples")
    return samples, int(rate)
