"""Anti-aliased shape coverage on a pixel grid, shared by the image, depth and thermal renderers."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from bindcore_shapeworld.scene import SceneObject

_TRIANGLE_NORMALS = np.array([[0.0, -1.0], [np.cos(np.pi / 6), 0.5], [-np.cos(np.pi / 6), 0.5]])  # (x, y-up)
_TRIANGLE_INRADIUS = 0.55
_SQUARE_HALF = 0.8
_STAR_INNER, _STAR_OUTER = 0.45, 1.1


@lru_cache(maxsize=8)
def pixel_centres(size: int) -> np.ndarray:
    """Pixel centres along one axis as fractions of the side, shape (size,)."""
    return (np.arange(size, dtype=np.float32) + 0.5) / size


@lru_cache(maxsize=8)
def smooth_basis(size: int, knots: int = 6) -> np.ndarray:
    """Linear interpolation weights (size, knots) that upsample a coarse grid to ``size`` pixels."""
    pos = pixel_centres(size) * (knots - 1)
    low = np.clip(np.floor(pos).astype(int), 0, knots - 2)
    frac = pos - low
    weights = np.zeros((size, knots), np.float32)
    weights[np.arange(size), low] = 1 - frac
    weights[np.arange(size), low + 1] = frac
    return weights


def smooth_noise(rng: np.random.Generator, size: int, channels: int) -> np.ndarray:
    """A smooth random field (channels, size, size) with values of about unit scale."""
    basis = smooth_basis(size)
    coarse = (rng.random((channels, basis.shape[1], basis.shape[1]), dtype=np.float32) - 0.5) * 3.4
    return basis @ coarse @ basis.T


def inside(shape: str, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Signed inside-ness in units of the radius (> 0 inside) at local coordinates u (right), v (down)."""
    if shape == "circle":
        return 1.0 - np.sqrt(u * u + v * v)
    if shape == "square":
        return _SQUARE_HALF - np.maximum(np.abs(u), np.abs(v))
    if shape == "triangle":
        up = -v + 0.1  # centre the visual mass
        proj = np.stack([n[0] * u + n[1] * up for n in _TRIANGLE_NORMALS])
        return _TRIANGLE_INRADIUS - proj.max(axis=0)
    if shape == "star":
        r = np.sqrt(u * u + v * v)
        phase = (np.arctan2(u, -v) * (5 / (2 * np.pi))) % 1.0  # 0 at the top point
        edge = _STAR_INNER + (_STAR_OUTER - _STAR_INNER) * np.abs(1.0 - 2.0 * phase)
        return (edge - r) * 0.6
    raise ValueError(f"unknown shape {shape!r}")


@lru_cache(maxsize=8)
def edge_index(size: int, pad: int) -> np.ndarray:
    """Indices that pad an axis of ``size`` by ``pad`` on both sides, repeating the edges."""
    return np.clip(np.arange(-pad, size + pad), 0, size - 1)


def edge_pad(img: np.ndarray, pad_y: int, pad_x: int) -> np.ndarray:
    """Pads the last two axes of ``img`` by repeating its edges (cheaper than np.pad on small arrays)."""
    if pad_y:
        img = img.take(edge_index(img.shape[-2], pad_y), axis=-2)
    if pad_x:
        img = img.take(edge_index(img.shape[-1], pad_x), axis=-1)
    return img


@lru_cache(maxsize=16)
def coverage(obj: SceneObject, size: int) -> tuple[slice, slice, np.ndarray]:
    """Fraction of each pixel covered by ``obj`` inside its bounding box (cached: image, depth and thermal
    of one item share it; the array is read-only).

    Returns:
        (rows, cols, cov): the box as slices of the (size, size) grid and cov (rows, cols) in [0, 1].
    """
    r_px = obj.radius * size
    reach = 1.2 * r_px + 1.0
    cx, cy = obj.x * size, obj.y * size
    r0, r1 = max(0, int(cy - reach)), min(size, int(np.ceil(cy + reach)))
    c0, c1 = max(0, int(cx - reach)), min(size, int(np.ceil(cx + reach)))
    grid = pixel_centres(size)
    dx = (grid[c0:c1] - obj.x)[None, :] / obj.radius
    dy = (grid[r0:r1] - obj.y)[:, None] / obj.radius
    cos, sin = np.cos(obj.angle), np.sin(obj.angle)
    u, v = cos * dx + sin * dy, cos * dy - sin * dx
    cov = np.clip(inside(obj.shape, u, v) * r_px + 0.5, 0.0, 1.0).astype(np.float32)
    cov.flags.writeable = False
    return slice(r0, r1), slice(c0, c1), cov
