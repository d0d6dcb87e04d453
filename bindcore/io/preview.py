"""Small previews people can look at or listen to: PNG thumbnails, colour-mapped maps, line plots, WAV clips.

Plugins call these from their ``ModalitySpec.preview`` callables; each returns ``(MIME type, bytes)``.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np

from bindcore.errors import InputError

if TYPE_CHECKING:
    from PIL import Image

THUMBNAIL = 160  # longest side of a preview picture, in pixels
PNG = "image/png"
WAV = "audio/wav"


def png_thumbnail(image: "Image.Image", size: int = THUMBNAIL) -> tuple[str, bytes]:
    """A PIL image shrunk to fit ``size`` x ``size`` (aspect kept), as PNG."""
    image = image.copy()
    if image.mode not in ("L", "RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    image.thumbnail((size, size))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return PNG, out.getvalue()


def colormap_png(values: np.ndarray, cmap: str = "viridis", size: int = THUMBNAIL) -> tuple[str, bytes]:
    """A 2-D array (H, W) scaled to its 1st..99th percentile, colour-mapped and shrunk, as PNG.

    Non-finite samples are drawn black.
    """
    import matplotlib
    from PIL import Image

    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2 or arr.size == 0:
        raise InputError(f"a map preview needs a non-empty (H, W) array, got shape {arr.shape}")
    finite = np.isfinite(arr)
    lo, hi = np.percentile(arr[finite], [1, 99]) if finite.any() else (0.0, 1.0)
    scaled = np.clip((arr - lo) / (hi - lo if hi > lo else 1.0), 0, 1)  # (H, W)
    rgba = matplotlib.colormaps[cmap](np.where(finite, scaled, 0.0))  # (H, W, 4)
    rgba[~finite] = (0, 0, 0, 1)
    return png_thumbnail(Image.fromarray((rgba[..., :3] * 255).astype(np.uint8)), size)


def line_plot_png(series: np.ndarray, labels: list[str] | None = None, rate: float | None = None,
                  size: tuple[float, float] = (3.2, 1.6)) -> tuple[str, bytes]:
    """A small line plot of channels (C, T) over time, as PNG (Agg backend, no pyplot state).

    Args:
        series: (C, T) samples.
        labels: one legend entry per channel (none when omitted).
        rate: samples per second for a time axis in seconds (sample numbers when omitted).
        size: figure size in inches at 100 dpi.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    arr = np.asarray(series, dtype=np.float64)
    if arr.ndim != 2 or arr.size == 0:
        raise InputError(f"a line plot needs a non-empty (C, T) array, got shape {arr.shape}")
    fig = Figure(figsize=size, dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.08, 0.14, 0.9, 0.82))
    t = np.arange(arr.shape[1]) / (rate or 1.0)
    for i, row in enumerate(arr):
        ax.plot(t, row, linewidth=0.7, label=labels[i] if labels and i < len(labels) else None)
    ax.tick_params(labelsize=6)
    if labels:
        ax.legend(fontsize=5, ncol=min(len(labels), 6), loc="upper right", frameon=False)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return PNG, out.getvalue()


def wav_clip(samples: np.ndarray, rate: int, max_seconds: float = 30.0) -> tuple[str, bytes]:
    """Samples (C, T) in [-1, 1] as a 16-bit WAV file of at most ``max_seconds`` (what every browser plays)."""
    import soundfile as sf

    arr = np.asarray(samples, dtype=np.float32)
    arr = arr[None] if arr.ndim == 1 else arr  # (C, T)
    arr = arr[:2, : int(max_seconds * rate)]
    out = io.BytesIO()
    sf.write(out, np.clip(arr.T, -1, 1), int(rate), format="WAV", subtype="PCM_16")
    return WAV, out.getvalue()
