"""Renders a scene as audio: one tone per object, sounded left to right."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from bindcore_shapeworld.config import ShapeWorldConfig
from bindcore_shapeworld.rng import noise
from bindcore_shapeworld.scene import Scene
from bindcore_shapeworld.vocab import LOUDNESS, PITCH_HZ, SHAPES

_TABLE_BITS = 11  # 2048-sample wavetables
_FRAC_BITS = 21  # uint32 fixed-point phase that wraps by itself: table index = phase >> _FRAC_BITS
_RMS = 0.7071  # every timbre is scaled to a sine's RMS, so loudness only follows size
_DETUNE_SEMITONES = 1.5
_MAX_DETUNE = 2.0 ** (_DETUNE_SEMITONES / 12)


def harmonic_amplitudes(shape: str, k: np.ndarray) -> np.ndarray:
    """Amplitude of harmonic k (1-based) of each timbre: circle sine, square odd 1/k, triangle odd 1/k^2
    (soft), star every 1/k (a sawtooth, bright)."""
    odd = (k % 2 == 1).astype(np.float64)
    if shape == "circle":
        return (k == 1).astype(np.float64)
    if shape == "square":
        return odd / k
    if shape == "triangle":
        return odd * (-1.0) ** ((k - 1) // 2) / k ** 2
    if shape == "star":
        return 1.0 / k
    raise ValueError(f"unknown shape {shape!r}")


@lru_cache(maxsize=4)
def wavetables(sample_rate: int) -> dict[tuple[str, str], np.ndarray]:
    """One cycle (2048,) float32 per (shape, colour), band-limited below Nyquist for the colour's highest pitch
    and scaled to a sine's RMS, so that loudness follows size only."""
    phase = np.arange(1 << _TABLE_BITS) / (1 << _TABLE_BITS)
    tables = {}
    for colour, pitch in PITCH_HZ.items():
        k = np.arange(1, max(1, int(sample_rate / 2 / (pitch * _MAX_DETUNE))) + 1)
        partials = np.sin(2 * np.pi * np.outer(k, phase))
        for shape in SHAPES:
            wave = harmonic_amplitudes(shape, k) @ partials
            tables[shape, colour] = (wave * (_RMS / np.sqrt(np.mean(wave ** 2)))).astype(np.float32)
    return tables


@lru_cache(maxsize=16)
def _slot(length: int, sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Sample counter (uint32) and tone envelope (silence, 15 ms attack, sustain, 80 ms release, silence)."""
    n = np.arange(length, dtype=np.uint32)
    t = np.arange(length) / sample_rate
    start, stop = 0.05 * length / sample_rate, 0.9 * length / sample_rate
    envelope = np.clip((t - start) / 0.015, 0, 1) * np.clip((stop - t) / 0.08, 0, 1)
    return n, envelope.astype(np.float32)


def render_audio(scene: Scene, rng: np.random.Generator, cfg: ShapeWorldConfig) -> tuple[np.ndarray, int]:
    """Returns (np.float32 waveform (T,), sample rate): shape = timbre, colour = pitch register (octaves),
    size = loudness; objects sound in left-to-right order, each in its own slot."""
    sr = cfg.sample_rate
    total = int(round(sr * cfg.audio_seconds))
    wave = noise(rng, total, cfg.noise.audio) if cfg.noise.audio else np.zeros(total, np.float32)
    ordered = sorted(scene.objects, key=lambda o: o.x)
    slot = total // len(ordered)
    counter, envelope = _slot(slot, sr)
    tables = wavetables(sr)
    u = rng.random(3 * len(ordered)).tolist()
    for k, obj in enumerate(ordered):
        freq = PITCH_HZ[obj.colour] * 2.0 ** ((2 * u[3 * k] - 1) * _DETUNE_SEMITONES / 12)
        step = np.uint32(round(freq / sr * 2.0 ** 32))
        phase = counter * step  # wraps modulo 2**32: one cycle
        phase += np.uint32(int(u[3 * k + 1] * 4294967295.0))
        phase >>= np.uint32(_FRAC_BITS)
        tone = (tables[obj.shape, obj.colour] * (LOUDNESS[obj.size] * (0.9 + 0.2 * u[3 * k + 2]))).take(phase)
        tone *= envelope
        wave[k * slot:(k + 1) * slot] += tone
    return wave, sr
