"""The `middlebury` dataset: Middlebury stereo scenes (image + ground-truth disparity) cut into aligned crops."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

import numpy as np
from pydantic import Field

from bindcore.specs import StrictModel

from bindcore_realdata.locate import OPENCV_DATA, module_file, require_file
from bindcore_realdata.splits import check_split

SCENES = ("motorcycle", "aloe")


class MiddleburyConfig(StrictModel):
    """Settings: scenes, crop size and counts, and where the files are.

    Crops of the train split start in the left ``train_fraction`` of each scene's columns, those of val and
    test in the rest, so train and test crops never overlap.
    """

    scenes: list[Literal["motorcycle", "aloe"]] = Field(default_factory=lambda: ["motorcycle"],
                                                        description="motorcycle: scikit-image; aloe: opencv-doc")
    crop: int = Field(96, ge=8, description="side of a square crop in pixels")
    crops: dict[str, int] = Field(default_factory=lambda: {"train": 2048, "val": 128, "test": 256},
                                  description="crops per split")
    train_fraction: float = Field(0.7, gt=0, lt=1)
    min_valid: float = Field(0.5, gt=0, le=1, description="least fraction of known disparity in a crop")
    motorcycle_dir: Optional[str] = Field(None, description="folder with motorcycle_left.png and motorcycle_disp.npz "
                                                            "(default: scikit-image's data folder)")
    aloe_dir: str = Field(str(OPENCV_DATA), description="folder with aloeL.jpg and aloeGT.png (opencv-doc)")
    modalities: list[Literal["image", "depth"]] = Field(default_factory=lambda: ["image", "depth"])
    seed: int = 0


def load_scene(name: str, cfg: MiddleburyConfig) -> tuple[np.ndarray, np.ndarray]:
    """(RGB (H, W, 3) uint8, disparity (H, W) float32 with NaN where unknown) of one scene."""
    from PIL import Image

    if name == "motorcycle":
        folder = module_file("middlebury", "skimage", "data", "scikit-image", cfg.motorcycle_dir, "motorcycle_dir")
        image = np.asarray(Image.open(Path(folder) / "motorcycle_left.png").convert("RGB"))
        with np.load(Path(folder) / "motorcycle_disp.npz") as npz:
            disparity = npz[npz.files[0]].astype(np.float32)  # inf = unknown
    else:
        folder = Path(cfg.aloe_dir)
        image = np.asarray(Image.open(require_file(folder / "aloeL.jpg", "middlebury", "aloeL.jpg", "opencv-doc",
                                                   "aloe_dir")).convert("RGB"))
        disparity = np.asarray(Image.open(require_file(folder / "aloeGT.png", "middlebury", "aloeGT.png", "opencv-doc",
                                                       "aloe_dir")).convert("L")).astype(np.float32)  # 0 = unknown
        disparity[disparity == 0] = np.nan
    disparity[~np.isfinite(disparity)] = np.nan
    return image, disparity


class MiddleburyDataset:
    """Aligned (image crop, disparity crop) pairs; items {"image": (S, S, 3) uint8, "depth": (S, S) float32}.

    Unknown disparity is NaN (the depth plugin treats it as invalid). No zero-shot task: evaluate retrieval.
    """

    def __init__(self, cfg: MiddleburyConfig, split: str = "train"):
        self.cfg, self.split = cfg, check_split("middlebury", split)
        self.scenes = [load_scene(name, cfg) for name in cfg.scenes]
        rng = np.random.default_rng([cfg.seed, ("train", "val", "test").index(split)])
        self.boxes: list[tuple[int, int, int]] = []
        want, tries = cfg.crops.get(split, 0), 0
        while len(self.boxes) < want and tries < want * 50:
            tries += 1
            s = int(rng.integers(len(self.scenes)))
            image, disparity = self.scenes[s]
            h, w = disparity.shape
            cut = int(w * cfg.train_fraction)
            lo, hi = (0, cut - cfg.crop) if split == "train" else (cut, w - cfg.crop)
            if hi <= lo or h < cfg.crop:
                continue
            y, x = int(rng.integers(0, h - cfg.crop + 1)), int(rng.integers(lo, hi + 1))
            if np.isfinite(disparity[y:y + cfg.crop, x:x + cfg.crop]).mean() >= cfg.min_valid:
                self.boxes.append((s, y, x))

    def __len__(self) -> int:
        return len(self.boxes)

    def __getitem__(self, index: int) -> dict:
        s, y, x = self.boxes[int(index)]
        image, disparity = self.scenes[s]
        c = self.cfg.crop
        item = {"_id": f"{self.cfg.scenes[s]}-{y}-{x}", "_scene": self.cfg.scenes[s]}
        if "image" in self.cfg.modalities:
            item["image"] = np.ascontiguousarray(image[y:y + c, x:x + c])
        if "depth" in self.cfg.modalities:
            item["depth"] = np.ascontiguousarray(disparity[y:y + c, x:x + c])
        return item


def build(cfg: MiddleburyConfig, split: str) -> MiddleburyDataset:
    return MiddleburyDataset(cfg, split)
