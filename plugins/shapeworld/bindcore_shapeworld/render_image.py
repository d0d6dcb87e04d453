"""Renders a scene as an RGB image: textured objects on a noisy background, blurred along the camera motion."""

from __future__ import annotations

import numpy as np

from bindcore_shapeworld.config import ShapeWorldConfig
from bindcore_shapeworld.geometry import coverage, edge_pad, pixel_centres, smooth_noise
from bindcore_shapeworld.rng import noise
from bindcore_shapeworld.scene import Scene
from bindcore_shapeworld.vocab import RGB

_FAR_HAZE = 0.25  # far objects lose this share of their colour to the background grey
_FAR_DIM = 0.85
_STREAK = 0.3  # length of the motion streak at full speed, as a fraction of the image side
_SHAKE = 0.08  # reach of the shaken copies


def shift_average(img: np.ndarray, offsets: list[tuple[int, int]]) -> np.ndarray:
    """Blends copies of planar ``img`` (C, H, W) shifted by (dy, dx) offsets, repeating the edges.

    Offsets run from the start to the end of the exposure. Half the light goes to the last copy and half is
    spread evenly over the path (a faint streak behind a sharp image, as with rear-curtain flash), so the blur
    shows the direction of motion, not only its axis, and the shape stays recognisable.
    """
    py, px = max(abs(dy) for dy, _ in offsets), max(abs(dx) for _, dx in offsets)
    if py == px == 0:
        return img
    h, w = img.shape[1:]
    padded = edge_pad(img, py, px)
    out = np.zeros_like(img)
    weights = np.full(len(offsets), 0.5 / len(offsets), np.float32)
    weights[-1] += 0.5
    for (dy, dx), weight in zip(offsets, weights):
        out += weight * padded[:, py + dy:py + dy + h, px + dx:px + dx + w]
    return out


def blur_offsets(scene: Scene, rng: np.random.Generator, size: int) -> list[tuple[int, int]]:
    """Pixel offsets of the scene from the start to the end of the exposure, for the camera motion.

    Panning left moves the picture right; tilting up moves it down.
    """
    length = max(2, int(round(scene.speed * _STREAK * size)))
    steps = list(range(-(length // 2), length - length // 2))
    if scene.motion in ("pan left", "pan right"):
        return [(0, -s if scene.motion == "pan left" else s) for s in steps]
    if scene.motion in ("tilt up", "tilt down"):
        return [(-s if scene.motion == "tilt up" else s, 0) for s in steps]
    if scene.motion == "shake":
        reach = max(1, int(round(_SHAKE * size)))
        jitter = rng.integers(-reach, reach + 1, (3, 2)).tolist()
        return [(0, 0)] + [(dy, dx) for dy, dx in jitter]
    return [(0, 0)]


def render_image(scene: Scene, rng: np.random.Generator, cfg: ShapeWorldConfig) -> np.ndarray:
    """Returns the scene as np.uint8 (H, W, 3) RGB."""
    size, levels = cfg.image_size, cfg.noise
    u = rng.random(5 + 4 * len(scene.objects)).tolist()
    grey = 0.35 + 0.25 * u[0]
    grid = pixel_centres(size)
    field = smooth_noise(rng, size, 3)  # mostly brightness, a little chroma, so it never looks like an object
    img = levels.background * (field[:1] + 0.25 * field)
    img += (0.2 * u[1] - 0.1) * (grid - 0.5)[:, None]  # vertical light gradient
    img += (grey + 0.06 * (np.array(u[2:5], np.float32) - 0.5))[:, None, None]
    ordered = sorted(scene.objects, key=lambda o: -o.depth_m)  # far first, near paints over
    for k, obj in enumerate(ordered):
        rows, cols, cov = coverage(obj, size)
        jitter = u[5 + 4 * k:9 + 4 * k]
        colour = np.asarray(RGB[obj.colour], np.float32) * (0.88 + 0.17 * jitter[0])
        colour += 0.06 * (np.asarray(jitter[1:4], np.float32) - 0.5)
        if obj.distance == "far":
            colour = _FAR_DIM * ((1 - _FAR_HAZE) * colour + _FAR_HAZE * grey)
        shade = noise(rng, cov.shape, levels.texture) if levels.texture else np.zeros(cov.shape, np.float32)
        shade += 1.0 - 0.12 * (grid[rows] - obj.y)[:, None] / obj.radius  # lit from above
        patch = img[:, rows, cols]
        patch += cov * (colour[:, None, None] * shade - patch)  # a view: paints into img
    if cfg.motion_blur:
        img = shift_average(img, blur_offsets(scene, rng, size))
    if levels.image:
        img += noise(rng, img.shape, levels.image)
    img *= 255.0
    img += 0.5
    np.clip(img, 0.0, 255.0, out=img)
    return np.ascontiguousarray(img.astype(np.uint8).transpose(1, 2, 0))
