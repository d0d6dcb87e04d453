"""A WAV clip of one raw recording (at most 30 s, 16-bit), which every browser plays."""

from __future__ import annotations

from typing import Any

from bindcore.io import read_waveform
from bindcore.io.preview import wav_clip

ACCEPTS = (".wav", ".flac", ".ogg")


def preview(raw: Any) -> tuple[str, bytes]:
    """(``audio/wav``, bytes) of a path, bytes or (array, sample_rate) pair."""
    samples, rate = read_waveform(raw)  # (C, T)
    return wav_clip(samples, rate)
