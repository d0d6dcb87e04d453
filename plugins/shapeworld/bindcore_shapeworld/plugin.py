"""Registers the ShapeWorld datasets with bindcore."""

from __future__ import annotations

from bindcore import DatasetSpec, hookimpl

from bindcore_shapeworld import qa
from bindcore_shapeworld.config import ShapeWorldConfig
from bindcore_shapeworld.dataset import build


@hookimpl
def register_datasets(register):
    register(DatasetSpec(
        name="shapeworld",
        Config=ShapeWorldConfig,
        build=build,
        summary="procedural shapes rendered on the fly as image, text, depth, thermal, audio and IMU (no files)",
    ))
    register(DatasetSpec(
        name="shapeworld_qa",
        Config=qa.ShapeWorldQAConfig,
        build=qa.build,
        summary="questions about ShapeWorld scenes (colour, shape, size, count, existence, relation) with answers",
    ))
