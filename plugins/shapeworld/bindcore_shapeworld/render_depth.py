"""Renders a scene as a depth map in metres: geometry only, no colour."""

from __future__ import annotations

import numpy as np

from bindcore_shapeworld.config import ShapeWorldConfig
from bindcore_shapeworld.geometry import coverage, pixel_centres
from bindcore_shapeworld.rng import noise
from bindcore_shapeworld.scene import Scene
from bindcore_shapeworld.vocab import WALL_M


def render_depth(scene: Scene, rng: np.random.Generator, cfg: ShapeWorldConfig) -> np.ndarray:
    """Returns np.float32 (H, W) distances in metres (a slightly tilted back wall at about 8 m)."""
    size = cfg.image_size
    grid = pixel_centres(size) - 0.5
    tilt_x, tilt_y = (1.2 * rng.random(2) - 0.6).tolist()
    depth = (tilt_y * grid)[:, None] + (WALL_M + tilt_x * grid)[None, :]
    for obj in scene.objects:
        rows, cols, cov = coverage(obj, size)
        patch = depth[rows, cols]
        np.copyto(patch, np.minimum(patch, np.float32(obj.depth_m)), where=cov >= 0.5)
    if cfg.noise.depth:
        depth *= 1.0 + noise(rng, depth.shape, cfg.noise.depth)
    return depth
