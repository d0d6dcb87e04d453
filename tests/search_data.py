"""A small mixed collection for the index, server and web tests: pictures, sounds, captions, a depth map, IMU."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

COLOURS = {"red": (220, 30, 30), "green": (30, 200, 40), "blue": (30, 40, 220), "yellow": (230, 220, 30),
           "white": (240, 240, 240), "black": (10, 10, 10)}


def write_image(path: Path, rgb, size: int = 40) -> Path:
    from PIL import Image

    yy, xx = np.mgrid[0:size, 0:size]
    arr = np.clip(np.array(rgb)[None, None] + ((xx + yy) % 7)[..., None] * 3, 0, 255).astype(np.uint8)  # (S, S, 3)
    Image.fromarray(arr).save(path)
    return path


def write_tone(path: Path, hz: float, seconds: float = 0.5, rate: int = 16000) -> Path:
    import soundfile

    t = np.arange(int(seconds * rate)) / rate
    soundfile.write(path, (0.4 * np.sin(2 * np.pi * hz * t)).astype(np.float32), rate)
    return path


def make_collection(directory: Path, *, images: int = 6, sounds: int = 4, captions: int = 4) -> Path:
    """Writes files and a manifest (relative paths) under ``directory``; returns the manifest path."""
    directory.mkdir(parents=True, exist_ok=True)
    rows = []
    names = list(COLOURS)
    for i in range(images):
        name = names[i % len(names)]
        write_image(directory / f"img{i}.png", COLOURS[name])
        rows.append({"id": f"img{i}", "image": f"img{i}.png", "label": name})
    for i in range(sounds):
        write_tone(directory / f"tone{i}.wav", 220 * (i + 1))
        rows.append({"id": f"tone{i}", "audio": f"tone{i}.wav", "label": f"{220 * (i + 1)} Hz"})
    for i in range(captions):
        rows.append({"id": f"cap{i}", "text": f"a {names[i % len(names)]} square"})
    np.save(directory / "depth0.npy", np.linspace(0.5, 4.0, 48 * 48, dtype=np.float32).reshape(48, 48))
    rows.append({"id": "depth0", "depth": "depth0.npy"})
    np.save(directory / "imu0.npy", np.random.default_rng(0).standard_normal((200, 6)).astype(np.float32))
    rows.append({"id": "imu0", "imu": "imu0.npy"})
    manifest = directory / "items.jsonl"
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return manifest


@pytest.fixture(scope="module")
def model():
    import bindcore

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return bindcore.load_model("tiny", seed=0)


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    return make_collection(tmp_path_factory.mktemp("collection"))
