"""Waveform decoding with soundfile (WAV, FLAC, OGG) or from (array, sample_rate) pairs."""

from __future__ import annotations

import io
import os
from typing import Any

import numpy as np

from bindcore.errors import InputError
from bindcore.io.tensors import is_tensor, tensor_to_numpy


def read_waveform(raw: Any) -> tuple[np.ndarray, int]:
    """Decodes ``raw`` to float32 samples in [-1, 1], channels first.

    Args:
        raw: a path or bytes of a WAV/FLAC/OGG file, or an ``(array, sample_rate)`` pair whose array
            is (T,) or (C, T). Integer samples are scaled to [-1, 1] as PCM (int16 / 32768, int32 / 2**31,
            uint8 (x - 128) / 128); floats are taken as they are. The rate is an integer or a whole float.

    Returns:
        (samples (C, T) float32, sample rate in Hz)

    Raises:
        InputError: unreadable file, bad shape, empty signal, non-finite values or bad sample rate.
    """
    if isinstance(raw, tuple) and len(raw) == 2:
        samples, rate = _pcm_to_float(raw[0]), _whole_rate(raw[1])
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
        samples, rate = np.ascontiguousarray(data.T), _whole_rate(rate)  # (C, T)
    else:
        raise InputError(f"unsupported input type {type(raw).__name__}: give a path, bytes or (array, sample_rate)")
    if samples.shape[-1] == 0 or samples.shape[0] == 0:
        raise InputError("the audio is empty")
    if not np.isfinite(samples).all():
        raise InputError("the audio holds NaN or infinite samples")
    return samples, rate


def _pcm_to_float(samples: Any) -> np.ndarray:
    """Array or tensor -> float32; signed integers / 2**(bits-1), unsigned centred first."""
    try:
        arr = tensor_to_numpy(samples) if is_tensor(samples) else np.asarray(samples)
    except (TypeError, ValueError) as exc:  # ragged lists and the like
        raise InputError(f"the samples are not a numeric array ({exc})") from None
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise InputError(f"expected real numeric samples, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.integer):
        half = 2.0 ** (8 * arr.dtype.itemsize - 1)  # int16: 32768, uint8: 128
        offset = half if np.issubdtype(arr.dtype, np.unsignedinteger) else 0.0
        return ((arr.astype(np.float64) - offset) / half).astype(np.float32)
    return arr.astype(np.float32)


def _whole_rate(rate: Any) -> int:
    """A positive integer rate, or a float one that is a whole number (16000.0), as int."""
    whole = isinstance(rate, (int, np.integer)) or (isinstance(rate, (float, np.floating)) and float(rate).is_integer())
    if isinstance(rate, (bool, np.bool_)) or not whole or rate <= 0:
        raise InputError(f"invalid sample rate {rate!r}: give a positive whole number of Hz")
    return int(rate)
