"""The `digits` dataset: handwritten digit images, spoken digits and captions, paired by class."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

import numpy as np
from pydantic import Field

from bindcore.errors import ConfigError
from bindcore.specs import StrictModel

from bindcore_realdata.digit_images import load_opencv_digits, load_sklearn_digits
from bindcore_realdata.locate import ASTERISK_SOUNDS
from bindcore_realdata.prompts import DIGIT_WORDS, digit_prompts
from bindcore_realdata.speech import EspeakVoice, augment, read_clip, recorded_clips, synthesise
from bindcore_realdata.splits import check_split, stratified_split

MODALITIES = ("image", "audio", "text")
TASK = "digit"


class DigitsConfig(StrictModel):
    """Settings of the digits dataset.

    Pairs are formed by class: item i holds an image, a caption and (optionally) a spoken clip of the same digit.
    ``index_by: image`` makes one item per image; ``index_by: audio`` one item per clip (with a random image and
    caption of its class), which is how the recorded voices are evaluated clip by clip. Training and
    validation speech is synthesised with espeak-ng; the test split speaks with the real recorded voices only.
    """

    modalities: list[Literal["image", "audio", "text"]] = Field(default_factory=lambda: list(MODALITIES))
    images: Literal["opencv", "sklearn", "both"] = Field("both", description="which handwritten digit source(s)")
    index_by: Literal["image", "audio"] = "image"
    val_fraction: float = Field(0.1, ge=0, lt=1)
    test_fraction: float = Field(0.2, gt=0, lt=1)
    seed: int = Field(0, description="pairing and augmentation randomness (the split itself is fixed)")
    opencv_digits: Optional[str] = Field(None, description="digits.png (default: opencv-doc's)")
    sklearn_digits: Optional[str] = Field(None, description="digits.csv.gz (default: scikit-learn's)")
    recordings_dir: str = Field(str(ASTERISK_SOUNDS), description="Asterisk sounds folder: <voice>/digits/0..9.wav")
    voices: Optional[list[str]] = Field(None, description="recorded voices of the test split (default: all installed)")
    cache_dir: str = Field("~/.cache/bindcore/realdata/espeak", description="where synthetic speech is kept")
    espeak_languages: list[str] = Field(default_factory=lambda: ["en-us", "en-gb", "es", "es-419", "fr-fr", "fr-be", "it", "ru"])
    espeak_variants: list[str] = Field(default_factory=lambda: ["m1", "m3", "m7", "f1", "f2", "f4", "klatt", "klatt4"])
    espeak_speeds: list[int] = Field(default_factory=lambda: [130, 175])
    espeak_pitches: list[int] = Field(default_factory=lambda: [30, 70])
    augment: bool = Field(True, description="gain, pause and noise on synthetic training speech")

    def espeak_voices(self) -> list[EspeakVoice]:
        return [EspeakVoice(lang, var, s, p) for lang in self.espeak_languages for var in self.espeak_variants
                for s in self.espeak_speeds for p in self.espeak_pitches]


class DigitsDataset:
    """One split of the digits dataset; see :class:`DigitsConfig`.

    Items: {"image": (H, W) uint8, "text": str, "audio": (wave (T,) float32, 8000), "_labels": {"digit": word},
    "_voice": speaker, "_clip": path, "_id": str}. Offers the evaluation protocol: ``zero_shot_tasks`` (the ten digits in
    several phrasings) and ``tasks_by_modality``.
    """

    def __init__(self, cfg: DigitsConfig, split: str = "train"):
        self.cfg, self.split = cfg, check_split("digits", split)
        self.modalities = list(cfg.modalities)
        self.images, self.labels = self._images()
        self.by_class = [np.flatnonzero(self.labels == k) for k in range(10)]
        self.clips = self._clips() if "audio" in self.modalities or cfg.index_by == "audio" else []
        self.clips_by_class = [[i for i, c in enumerate(self.clips) if c.digit == k] for k in range(10)]
        self._wave_cache: dict[int, np.ndarray] = {}

    def _images(self) -> tuple[np.ndarray, np.ndarray]:
        images, labels = [], []
        if self.cfg.images in ("opencv", "both"):
            x, y = load_opencv_digits(self.cfg.opencv_digits)
            keep = stratified_split(y, self.split, self.cfg.val_fraction, self.cfg.test_fraction)
            images += list(x[keep]); labels.append(y[keep])
        if self.cfg.images in ("sklearn", "both"):
            x, y = load_sklearn_digits(self.cfg.sklearn_digits)
            keep = stratified_split(y, self.split, self.cfg.val_fraction, self.cfg.test_fraction)
            images += list(x[keep]); labels.append(y[keep])
        labels = np.concatenate(labels)
        if len(labels) == 0:
            raise ConfigError(f"digits: split {self.split!r} holds no image (val_fraction is 0?)")
        return images, labels

    def _clips(self):
        if self.split == "test":
            return recorded_clips(Path(self.cfg.recordings_dir).expanduser(), self.cfg.voices)
        voices = self.cfg.espeak_voices()
        if len(voices) >= 10:  # every tenth synthetic voice is kept for validation
            voices = voices[::10] if self.split == "val" else [v for i, v in enumerate(voices) if i % 10]
        chosen = voices
        return synthesise(chosen, Path(self.cfg.cache_dir))

    def __len__(self) -> int:
        return len(self.clips) if self.cfg.index_by == "audio" else len(self.labels)

    def _rng(self, index: int) -> np.random.Generator:
        return np.random.default_rng([self.cfg.seed, ("train", "val", "test").index(self.split), index])

    def _wave(self, i: int) -> np.ndarray:
        if i not in self._wave_cache:
            self._wave_cache[i] = read_clip(self.clips[i].path)
        return self._wave_cache[i]

    def __getitem__(self, index: int) -> dict:
        index = int(index)
        if not 0 <= index < len(self):
            raise IndexError(f"digits {self.split}: index {index} out of range for {len(self)} items")
        rng = self._rng(index)
        if self.cfg.index_by == "audio":
            clip_index = index
            digit = self.clips[index].digit
            image_index = int(rng.choice(self.by_class[digit]))
        else:
            image_index = index
            digit = int(self.labels[index])
            clip_index = int(rng.choice(self.clips_by_class[digit])) if self.clips else None
        item: dict = {"_labels": {TASK: DIGIT_WORDS[digit]}, "_id": f"{self.split}-{index}"}
        if "image" in self.modalities:
            item["image"] = self.images[image_index]
        if "text" in self.modalities:
            prompts = digit_prompts(digit)
            item["text"] = prompts[int(rng.integers(len(prompts)))]
        if clip_index is not None and "audio" in self.modalities:
            wave = self._wave(clip_index)
            if self.split != "test" and self.cfg.augment:
                wave = augment(wave, rng)
            item["audio"] = (wave, 8000)
            item["_voice"] = self.clips[clip_index].voice
            item["_clip"] = str(self.clips[clip_index].path)
        return item

    def zero_shot_tasks(self) -> dict[str, dict[str, list[str]]]:
        """Evaluation protocol: {"digit": {word: [phrasings]}}."""
        return {TASK: {DIGIT_WORDS[k]: digit_prompts(k) for k in range(10)}}

    @property
    def tasks_by_modality(self) -> dict[str, list[str]]:
        return {m: [TASK] for m in self.modalities}


def build(cfg: DigitsConfig, split: str) -> DigitsDataset:
    return DigitsDataset(cfg, split)
