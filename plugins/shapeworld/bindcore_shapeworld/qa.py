"""ShapeWorld QA: questions and answers read off each scene graph, with the scene rendered as the visual side.

Item i of a split has question type ``question_types[i % k]``, so every type is equally frequent. Its scene is
the first scene from index i on that can answer that type; in val and test (with ``test_holdout_only``) it must
also show a held-out (shape, colour) pair, and the question names that object when it can: the test split asks
about attribute combinations that no training scene contains.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
from pydantic import Field

from bindcore.errors import ConfigError

from bindcore_shapeworld.config import ShapeWorldConfig
from bindcore_shapeworld.dataset import SPLITS, ShapeWorldDataset
from bindcore_shapeworld.qa_questions import ALL_TYPES, QUESTION_TYPES, Question, all_pairs, ask
from bindcore_shapeworld.scene import Scene, is_holdout

MAX_PROBES = 1000  # scenes tried for one item before giving up (only a config that excludes a type runs out)


class ShapeWorldQAConfig(ShapeWorldConfig):
    """ShapeWorld settings plus the question settings.

    Attributes:
        modalities: the renderings each item carries (the visual side: image by default; depth, thermal, audio).
        motion_blur: off by default here (no question asks about the camera motion).
        question_types: the types asked, each equally often (QUESTION_TYPES; "position" on request).
        test_holdout_only: val and test scenes always show a held-out (shape, colour) pair.
    """

    modalities: Optional[list[str]] = Field(default_factory=lambda: ["image"])
    motion_blur: bool = Field(False, description="no question asks about the camera motion, so pictures are sharp")
    question_types: list[str] = Field(default_factory=lambda: list(QUESTION_TYPES), min_length=1)
    test_holdout_only: bool = True

    def model_post_init(self, context) -> None:
        super().model_post_init(context)
        for kind in self.question_types:
            if kind not in ALL_TYPES:
                raise ValueError(f"unknown question type {kind!r}; choose from {list(ALL_TYPES)}")
        if "relation" in self.question_types and self.two_object_prob == 0:
            raise ValueError("relation questions need two-object scenes: raise two_object_prob above 0")


class ShapeWorldQA:
    """One split of ShapeWorld QA; item i is a pure function of (seed, split, i).

    Each item is {rendering: raw item, "question": str, "answer": str, "_type": question type, "_id",
    "_labels", "_objects", "_holdout"}.
    """

    def __init__(self, cfg: ShapeWorldQAConfig, split: str = "train"):
        self.world = ShapeWorldDataset(cfg, split)
        self.cfg, self.split = cfg, split
        self.train = split == "train"
        held = {tuple(p) for p in cfg.holdout}
        self.prefer = set() if self.train else held
        self.allowed_pairs = [p for p in all_pairs() if not (self.train and p in held)]

    def __len__(self) -> int:
        return len(self.world)

    def _rng(self, index: int, probe: int) -> np.random.Generator:
        return np.random.default_rng([self.cfg.seed, SPLITS.index(self.split), index, probe, 0x5157])

    def question(self, index: int) -> tuple[int, Scene, str, Question]:
        """(scene index, scene, question type, (question, answer)) of item ``index``, without rendering."""
        kind = self.cfg.question_types[index % len(self.cfg.question_types)]
        for probe in range(MAX_PROBES):
            j = index + probe
            scene = self.world.scene(j)
            if self.prefer and self.cfg.test_holdout_only and not is_holdout(scene, self.cfg.holdout):
                continue
            qa = ask(scene, kind, self._rng(index, probe), allowed_pairs=self.allowed_pairs, prefer=self.prefer)
            if qa is not None:
                return j, scene, kind, qa
        raise ConfigError(f"shapeworld_qa: no scene from index {index} on can answer a {kind!r} question; "
                          "check two_object_prob and holdout")

    def answers(self) -> list[str]:
        """Every item's answer, without rendering (for building an answer vocabulary)."""
        return [self.question(i)[3][1] for i in range(len(self))]

    def __getitem__(self, index: int) -> dict:
        index = int(index)
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"shapeworld_qa {self.split}: index {index} out of range for {len(self)} items")
        j, scene, kind, (question, answer) = self.question(index)
        item = {m: self.world.render(scene, j, m) for m in self.world.modalities}
        item.update({"question": question, "answer": answer, "_type": kind, "_id": f"{self.split}-{index}",
                     "_labels": scene.labels(), "_objects": scene.object_dicts(),
                     "_holdout": is_holdout(scene, self.cfg.holdout)})
        return item


def build(cfg: ShapeWorldQAConfig, split: str) -> ShapeWorldQA:
    """DatasetSpec.build: the ``split`` of ShapeWorld QA."""
    return ShapeWorldQA(cfg, split)
