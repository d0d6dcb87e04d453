"""The ShapeWorld dataset: a map-style view of one split; item i is a pure function of (seed, split, i)."""

from __future__ import annotations

import numpy as np

from bindcore.errors import ConfigError

from bindcore_shapeworld.captions import caption, caption_with_swap
from bindcore_shapeworld.composition import composed_retrieval
from bindcore_shapeworld.config import ShapeWorldConfig
from bindcore_shapeworld.render_audio import render_audio
from bindcore_shapeworld.render_depth import render_depth
from bindcore_shapeworld.render_image import render_image
from bindcore_shapeworld.render_imu import render_imu
from bindcore_shapeworld.render_thermal import render_thermal
from bindcore_shapeworld.rng import StreamPool
from bindcore_shapeworld.scene import Scene, is_holdout, sample_scene
from bindcore_shapeworld.tasks import TASKS_BY_MODALITY, zero_shot_tasks

SPLITS = ("train", "val", "test")
STREAMS = ("scene", "image", "text", "depth", "thermal", "audio", "imu")  # one generator each
RENDERERS = {
    "image": render_image,
    "depth": render_depth,
    "thermal": render_thermal,
    "audio": render_audio,
    "imu": render_imu,
}


class ShapeWorldDataset:
    """One split of ShapeWorld, generated on the fly.

    Each item is {modality: raw item, "_labels": {...}, "_objects": [...], "_id": "split-i", "_holdout": bool}.
    Every rendering has its own generator seeded by (seed, split, i, stream), so choosing fewer modalities never
    changes the others. It offers bindcore's evaluation protocol (``bindcore.evaluate.protocol``):
    ``zero_shot_tasks``, ``tasks_by_modality``, ``caption_with_swap`` and ``composed_retrieval``.
    """

    def __init__(self, cfg: ShapeWorldConfig, split: str = "train"):
        if split not in SPLITS:
            raise ConfigError(f"shapeworld: unknown split {split!r}; choose from {list(SPLITS)}")
        self.cfg, self.split = cfg, split
        self.length = getattr(cfg.sizes, split)
        self.modalities = cfg.active_modalities
        self._pool = StreamPool(len(STREAMS))

    def __len__(self) -> int:
        return self.length

    @property
    def split_index(self) -> int:
        """The split's number in the random streams."""
        return SPLITS.index(self.split)

    def rng(self, index: int, stream: str) -> np.random.Generator:
        """The generator of one stream of item ``index``, reset; reused by the next call for that stream."""
        return self._pool.get(self.cfg.seed, SPLITS.index(self.split), index, STREAMS.index(stream))

    def scene(self, index: int) -> Scene:
        """The latent scene of item ``index``."""
        return sample_scene(self.rng(index, "scene"), train=self.split == "train", holdout=self.cfg.holdout,
                            two_object_prob=self.cfg.two_object_prob)

    def render(self, scene: Scene, index: int, modality: str):
        """Renders ``scene`` as one modality with the generator of item ``index``."""
        rng = self.rng(index, modality)
        if modality == "text":
            return caption(scene, rng, held_out=self.cfg.text_holdout and self.split != "train")
        return RENDERERS[modality](scene, rng, self.cfg)

    def __getitem__(self, index: int) -> dict:
        index = int(index)
        if index < 0:
            index += self.length
        if not 0 <= index < self.length:
            raise IndexError(f"shapeworld {self.split}: index {index} out of range for {self.length} items")
        scene = self.scene(index)
        item = {m: self.render(scene, index, m) for m in self.modalities}
        item.update({"_labels": scene.labels(), "_objects": scene.object_dicts(), "_id": f"{self.split}-{index}",
                     "_holdout": is_holdout(scene, self.cfg.holdout)})
        return item

    def zero_shot_tasks(self) -> dict[str, dict[str, list[str]]]:
        """Evaluation protocol: {task: {class: [prompts]}} (see :func:`bindcore_shapeworld.tasks.zero_shot_tasks`)."""
        return zero_shot_tasks()

    @property
    def tasks_by_modality(self) -> dict[str, list[str]]:
        """Evaluation protocol: the label keys each active rendering really encodes."""
        return {m: list(TASKS_BY_MODALITY[m]) for m in self.modalities}

    def caption_with_swap(self, item: dict, attribute: str | None = None) -> tuple[str, str]:
        """Evaluation protocol: (true caption, attributes swapped); see :func:`~bindcore_shapeworld.caption_with_swap`."""
        return caption_with_swap(item, attribute)

    def composed_retrieval(self, modalities, max_gallery: int):
        """Evaluation protocol: object A + object B -> two-object scenes holding both; see :mod:`~bindcore_shapeworld.composition`."""
        return composed_retrieval(self, modalities, max_gallery)


def build(cfg: ShapeWorldConfig, split: str) -> ShapeWorldDataset:
    """DatasetSpec.build: the ``split`` of ShapeWorld."""
    return ShapeWorldDataset(cfg, split)
