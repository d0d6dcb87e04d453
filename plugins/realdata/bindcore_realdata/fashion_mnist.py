"""The `fashion_mnist` dataset: Zalando's 70,000 28x28 clothing images (Debian dataset-fashion-mnist) with captions."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field

from bindcore.specs import StrictModel

from bindcore_realdata.locate import FASHION_MNIST, require_file
from bindcore_realdata.prompts import FASHION_CLASSES, fashion_prompts
from bindcore_realdata.splits import check_split

TASK = "clothing"


class FashionMnistConfig(StrictModel):
    """Settings: where the IDX files are, how many training images become validation, which modalities."""

    path: str = Field(str(FASHION_MNIST), description="folder holding {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz")
    val_size: int = Field(5000, ge=0, lt=60000, description="the last training images, kept for validation")
    modalities: list[Literal["image", "text"]] = Field(default_factory=lambda: ["image", "text"])
    seed: int = Field(0, description="caption choice")


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (gzip) as a uint8 array: (N, 28, 28) images or (N,) labels."""
    data = gzip.open(path).read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


class FashionMnistDataset:
    """train: the first 60,000 - val_size training images; val: the rest; test: the 10,000 test images.

    Items: {"image": (28, 28) uint8, "text": a caption, "_labels": {"clothing": class}}; offers zero_shot_tasks.
    """

    def __init__(self, cfg: FashionMnistConfig, split: str = "train"):
        self.cfg, self.split = cfg, check_split("fashion_mnist", split)
        prefix = "t10k" if split == "test" else "train"
        files = [require_file(Path(cfg.path) / f"{prefix}-{kind}-ubyte.gz", "fashion_mnist", f"{prefix}-{kind}-ubyte.gz",
                              "dataset-fashion-mnist", "path") for kind in ("images-idx3", "labels-idx1")]
        self.images, self.labels = read_idx(files[0]), read_idx(files[1]).astype(np.int64)
        if split != "test":
            cut = len(self.labels) - cfg.val_size
            part = slice(0, cut) if split == "train" else slice(cut, None)
            self.images, self.labels = self.images[part], self.labels[part]

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> dict:
        index = int(index)
        if not 0 <= index < len(self):
            raise IndexError(f"fashion_mnist {self.split}: index {index} out of range for {len(self)} items")
        cls = FASHION_CLASSES[self.labels[index]]
        item = {"_labels": {TASK: cls}, "_id": f"{self.split}-{index}"}
        if "image" in self.cfg.modalities:
            item["image"] = self.images[index]
        if "text" in self.cfg.modalities:
            prompts = fashion_prompts(cls)
            item["text"] = prompts[int(np.random.default_rng([self.cfg.seed, index]).integers(len(prompts)))]
        return item

    def zero_shot_tasks(self) -> dict[str, dict[str, list[str]]]:
        return {TASK: {c: fashion_prompts(c) for c in FASHION_CLASSES}}


def build(cfg: FashionMnistConfig, split: str) -> FashionMnistDataset:
    return FashionMnistDataset(cfg, split)
