"""Clip boundaries in sample indices (pytorchvideo's constant-clips layout)."""

from __future__ import annotations

from bindcore_audio.clips import clip_bounds


def test_imagebind_layout_3_5_s():
    # slack 1.5 s over 3 clips -> starts 0, 0.5, 1.0 s (pytorchvideo 0.1.5 divides by the clip count)
    assert clip_bounds(56000, 16000, 2.0, 3) == [(0, 32000), (8000, 40000), (16000, 48000)]


def test_imagebind_layout_exact_fractions():
    # 6 s: slack 4 s, starts at k * 4/3 s -> floor(21333.3) and floor(42666.6)
    assert clip_bounds(96000, 16000, 2.0, 3) == [(0, 32000), (21333, 53333), (42666, 74666)]


def test_span_end_reaches_the_end():
    assert clip_bounds(96000, 16000, 2.0, 3, span_end=True) == [(0, 32000), (32000, 64000), (64000, 96000)]


def test_short_signal_gives_identical_clips():
    assert clip_bounds(16000, 16000, 2.0, 3) == [(0, 32000)] * 3
    assert clip_bounds(1, 16000, 2.0, 3, span_end=True) == [(0, 32000)] * 3


def test_single_clip():
    assert clip_bounds(80000, 16000, 2.0, 1) == [(0, 32000)]
    assert clip_bounds(80000, 16000, 2.0, 1, span_end=True) == [(0, 32000)]
