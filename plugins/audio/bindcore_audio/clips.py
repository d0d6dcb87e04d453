"""Where the clips of one waveform start and end, in sample indices (ImageBind's constant-clips layout)."""

from __future__ import annotations

from fractions import Fraction


def clip_bounds(num_samples: int, sample_rate: int, clip_duration: float, clips: int,
                span_end: bool = False) -> list[tuple[int, int]]:
    """Sample ranges [start, end) of ``clips`` clips laid out like pytorchvideo's ConstantClipsPerVideoSampler.

    Clip k starts at ``k * slack / clips`` seconds (pytorchvideo 0.1.5, the release ImageBind's fixture used) or,
    with ``span_end``, at ``k * slack / (clips - 1)``, where slack = max(duration - clip_duration, 0). Times are
    exact fractions; only the duration goes through a float, as upstream computes it. Ends may lie past the
    signal (a short file gives shorter clips); when slack is 0 every clip is the whole signal.

    Args:
        num_samples: length of the (resampled) signal.
        sample_rate: its rate in Hz.
        clip_duration: seconds per clip.
        clips: how many clips.
        span_end: spread the starts up to the last possible one.

    Returns:
        ``clips`` pairs (start, end) of sample indices, end exclusive and possibly > num_samples.
    """
    length = Fraction(clip_duration)
    duration = num_samples / sample_rate  # float seconds, as the reference computes it
    slack = Fraction(max(duration - float(length), 0.0))
    step = slack / (max(clips - 1, 1) if span_end else clips)
    bounds = []
    for k in range(clips):
        start = step * k
        bounds.append((int(start * sample_rate), int((start + length) * sample_rate)))
    return bounds
