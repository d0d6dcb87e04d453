"""Renders a scene as a thermal image: silhouettes whose heat follows the colour, without hue."""

from __future__ import annotations

import numpy as np

from bindcore_shapeworld.config import ShapeWorldConfig
from bindcore_shapeworld.geometry import coverage, edge_pad, pixel_centres, smooth_noise
from bindcore_shapeworld.rng import noise
from bindcore_shapeworld.scene import Scene
from bindcore_shapeworld.vocab import THERMAL, THERMAL_AMBIENT


def box3(img: np.ndarray) -> np.ndarray:
    """3x3 box blur with repeated edges (thermal optics are soft)."""
    p = edge_pad(img, 1, 1)
    rows = p[:-2] + p[1:-1] + p[2:]
    out = rows[:, :-2] + rows[:, 1:-1]
    out += rows[:, 2:]
    out *= 1.0 / 9.0
    return out


def render_thermal(scene: Scene, rng: np.random.Generator, cfg: ShapeWorldConfig) -> np.ndarray:
    """Returns np.uint8 (H, W) intensities: red hot, yellow warm, ambient background, green cool, blue cold."""
    size = cfg.image_size
    u = rng.random(1 + len(scene.objects)).tolist()
    heat = 12.0 * smooth_noise(rng, size, 1)[0]
    heat += THERMAL_AMBIENT + (30.0 * u[0] - 15.0) * (pixel_centres(size) - 0.5)[:, None]
    for k, obj in enumerate(sorted(scene.objects, key=lambda o: -o.depth_m)):
        rows, cols, cov = coverage(obj, size)
        patch = heat[rows, cols]
        patch += cov * (THERMAL[obj.colour] + 16.0 * u[1 + k] - 8.0 - patch)  # a view: paints into heat
    heat = box3(heat)
    if cfg.noise.thermal:
        heat += noise(rng, heat.shape, cfg.noise.thermal)
    heat += 0.5
    return np.clip(heat, 0, 255).astype(np.uint8)
