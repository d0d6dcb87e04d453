"""IMU datasets with activity names: `basic_motions` (sktime, UEA BasicMotions) and `watch_exercises` (seglearn)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

import numpy as np
from pydantic import Field

from bindcore.errors import ConfigError
from bindcore.specs import StrictModel

from bindcore_realdata.locate import import_module, module_file
from bindcore_realdata.prompts import EXERCISE_NAMES, MOTION_PROMPTS, exercise_prompts
from bindcore_realdata.splits import check_split


class _ImuTextDataset:
    """Shared item layout: {"imu": (6, T) float32, "text": caption, "_labels": {task: class}}."""

    task = ""

    def __init__(self, series: np.ndarray, classes: list[str], split: str, modalities: list[str], seed: int):
        self.series, self.classes, self.split, self.modalities, self.seed = series, classes, split, modalities, seed

    def __len__(self) -> int:
        return len(self.classes)

    def prompts(self, cls: str) -> list[str]:
        raise NotImplementedError

    def __getitem__(self, index: int) -> dict:
        index = int(index)
        if not 0 <= index < len(self):
            raise IndexError(f"{self.task}: index {index} out of range for {len(self)} items")
        cls = self.classes[index]
        item = {"_labels": {self.task: cls}, "_id": f"{self.split}-{index}"}
        if "imu" in self.modalities:
            item["imu"] = self.series[index]
        if "text" in self.modalities:
            prompts = self.prompts(cls)
            item["text"] = prompts[int(np.random.default_rng([self.seed, index]).integers(len(prompts)))]
        return item

    def zero_shot_tasks(self) -> dict[str, dict[str, list[str]]]:
        return {self.task: {c: self.prompts(c) for c in sorted(set(self.classes))}}


class BasicMotionsConfig(StrictModel):
    """BasicMotions: 40 + 40 smartwatch recordings (accelerometer + gyroscope, 100 steps at 10 Hz), 4 activities."""

    path: Optional[str] = Field(None, description="folder with BasicMotions_{TRAIN,TEST}.ts (default: sktime's)")
    modalities: list[Literal["imu", "text"]] = Field(default_factory=lambda: ["imu", "text"])
    seed: int = 0


class BasicMotionsDataset(_ImuTextDataset):
    """train / test as published (40 each; no val split). Items hold (6, 100) float32 series."""

    task = "activity"

    def __init__(self, cfg: BasicMotionsConfig, split: str = "train"):
        check_split("basic_motions", split, ("train", "test"))
        folder = module_file("basic_motions", "sktime", "datasets/data/BasicMotions", "sktime", cfg.path, "path")
        tsfile = import_module("basic_motions", "sktime.datasets", "sktime")
        x, y = tsfile.load_from_tsfile(str(Path(folder) / f"BasicMotions_{split.upper()}.ts"), return_data_type="numpy3D")
        super().__init__(x.astype(np.float32), [str(c).lower() for c in y], split, list(cfg.modalities), cfg.seed)

    def prompts(self, cls: str) -> list[str]:
        return list(MOTION_PROMPTS[cls])


class WatchExercisesConfig(StrictModel):
    """seglearn's smartwatch shoulder exercises: 140 recordings (50 Hz, 6 channels) of 10 subjects, 7 exercises."""

    path: Optional[str] = Field(None, description="watch_dataset.npy (default: seglearn's; a pickle: give only a file you trust)")
    window: int = Field(250, gt=0, description="samples per window (5 s at 50 Hz)")
    hop: int = Field(125, gt=0, description="samples between window starts")
    test_subjects: list[int] = Field(default_factory=lambda: [9, 10], description="subjects held out for test")
    val_subjects: list[int] = Field(default_factory=lambda: [8], description="subjects held out for validation")
    modalities: list[Literal["imu", "text"]] = Field(default_factory=lambda: ["imu", "text"])
    seed: int = 0


class WatchExercisesDataset(_ImuTextDataset):
    """Windows of the recordings, split by subject. Items hold (6, window) float32 series."""

    task = "exercise"

    def __init__(self, cfg: WatchExercisesConfig, split: str = "train"):
        check_split("watch_exercises", split)
        file = module_file("watch_exercises", "seglearn", "data/watch_dataset.npy", "seglearn", cfg.path, "path")
        data = np.load(file, allow_pickle=True).item()  # a pickled dict, as seglearn's load_watch() reads it: trusted files only
        held = {"test": set(cfg.test_subjects), "val": set(cfg.val_subjects)}
        series, classes = [], []
        for x, y, subject in zip(data["X"], data["y"], data["subject"]):
            in_split = subject in held[split] if split in held else not (subject in held["test"] | held["val"])
            if not in_split:
                continue
            x = np.asarray(x, np.float32).T  # (6, T)
            for start in range(0, max(1, x.shape[1] - cfg.window + 1), cfg.hop):
                series.append(x[:, start:start + cfg.window]); classes.append(EXERCISE_NAMES[data["y_labels"][y]])
        if not series:
            raise ConfigError(f"watch_exercises: split {split!r} holds no window (check the subjects and window)")
        super().__init__(series, classes, split, list(cfg.modalities), cfg.seed)

    def prompts(self, cls: str) -> list[str]:
        return exercise_prompts(cls)


def build_basic_motions(cfg: BasicMotionsConfig, split: str) -> BasicMotionsDataset:
    return BasicMotionsDataset(cfg, split)


def build_watch_exercises(cfg: WatchExercisesConfig, split: str) -> WatchExercisesDataset:
    return WatchExercisesDataset(cfg, split)
