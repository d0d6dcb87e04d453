"""The real datasets read the installed files: sizes, labels, splits, pairing, prompts and error messages."""

from __future__ import annotations

import numpy as np
import pytest

from bindcore.errors import ConfigError
from bindcore.testing import load_host

from bindcore_realdata.available import missing


def need(*sources: str):
    """Skip unless the data sources are installed; the reason names the packages and `make data`."""
    absent = missing(*sources)
    return pytest.mark.skipif(bool(absent), reason=f"data not installed: {', '.join(absent)} (run `make data`)")


ONE_VOICE = {"espeak_languages": ["en-us"], "espeak_variants": ["m1"], "espeak_speeds": [150], "espeak_pitches": [50]}


def build(name: str, split: str, **params):
    spec = load_host().datasets.get(name)
    return spec.build(spec.Config(**params), split)


def test_datasets_are_registered():
    names = load_host().datasets.names()
    assert {"digits", "fashion_mnist", "basic_motions", "watch_exercises", "middlebury"} <= set(names)


@need("opencv", "sklearn")
def test_digit_images_both_sources_split_by_class_without_overlap():
    from bindcore_realdata.digit_images import load_opencv_digits, load_sklearn_digits

    cells, labels = load_opencv_digits()
    assert cells.shape == (5000, 20, 20) and np.bincount(labels).tolist() == [500] * 10
    small, small_labels = load_sklearn_digits()
    assert small.shape == (1797, 8, 8) and small.max() == 255 and set(small_labels) == set(range(10))
    sizes = {s: len(build("digits", s, modalities=["image", "text"])) for s in ("train", "val", "test")}
    assert sum(sizes.values()) == 5000 + 1797 and sizes["test"] > sizes["val"] > 0
    test = build("digits", "test", modalities=["image", "text"])
    item = test[0]
    assert set(item) == {"image", "text", "_labels", "_id"}
    assert item["text"] in test.zero_shot_tasks()["digit"][item["_labels"]["digit"]]


@need("opencv", "sklearn", "asterisk")
def test_recorded_voices_are_the_test_audio_one_item_per_clip():
    ds = build("digits", "test", index_by="audio")
    voices = {ds[i]["_voice"] for i in range(len(ds))}
    assert len(ds) == 10 * len(voices) and {"en_US_f_Allison", "ru_RU_f_IvrvoiceRU"} <= voices
    for i in (0, 13, len(ds) - 1):
        item = ds[i]
        wave, rate = item["audio"]
        assert rate == 8000 and wave.dtype == np.float32 and 0.1 < len(wave) / rate < 2.0
        assert ds.clips[i].digit == ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                      "nine"].index(item["_labels"]["digit"])


@need("opencv", "sklearn", "espeak")
def test_training_speech_is_synthesised_once_and_paired_by_class(espeak_cache):
    ds = build("digits", "train", cache_dir=str(espeak_cache), **ONE_VOICE)
    files = sorted(espeak_cache.glob("*.wav"))
    assert [f.name for f in files] == [f"en-us+m1_s150_p50_{k}.wav" for k in range(10)]
    stamps = [f.stat().st_mtime_ns for f in files]
    build("digits", "train", cache_dir=str(espeak_cache), **ONE_VOICE)
    assert [f.stat().st_mtime_ns for f in files] == stamps  # reused, not synthesised again
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    for i in range(0, len(ds), 397):
        item = ds[i]
        spoken = int(item["_clip"].rsplit("_", 1)[1].split(".")[0])
        assert words[spoken] == item["_labels"]["digit"] == words[int(ds.labels[i])]
        assert item["audio"][1] == 8000 and np.isfinite(item["audio"][0]).all()
    assert np.array_equal(ds[5]["audio"][0], ds[5]["audio"][0])  # augmentation is a pure function of the item


@need("fashion")
def test_fashion_mnist_sizes_and_captions():
    train, val, test = (build("fashion_mnist", s) for s in ("train", "val", "test"))
    assert (len(train), len(val), len(test)) == (55000, 5000, 10000)
    item = test[0]
    assert item["image"].shape == (28, 28) and item["image"].dtype == np.uint8
    assert item["text"] in test.zero_shot_tasks()["clothing"][item["_labels"]["clothing"]]
    assert len(test.zero_shot_tasks()["clothing"]) == 10


@need("sktime")
def test_basic_motions_train_and_test():
    train, test = build("basic_motions", "train"), build("basic_motions", "test")
    assert len(train) == len(test) == 40
    assert test[0]["imu"].shape == (6, 100)
    assert set(test.zero_shot_tasks()["activity"]) == {"standing", "walking", "running", "badminton"}
    with pytest.raises(ConfigError, match="unknown split 'val'"):
        build("basic_motions", "val")


@need("seglearn")
def test_watch_exercise_windows_split_by_subject():
    sizes = {s: len(build("watch_exercises", s)) for s in ("train", "val", "test")}
    assert all(n > 0 for n in sizes.values())
    item = build("watch_exercises", "test")[0]
    assert item["imu"].shape == (6, 250) and len(build("watch_exercises", "test").zero_shot_tasks()["exercise"]) == 7


@need("skimage")
def test_middlebury_crops_are_aligned_and_train_test_do_not_overlap():
    train, test = build("middlebury", "train", crops={"train": 64, "test": 32}), build("middlebury", "test", crops={"train": 64, "test": 32})
    assert len(train) == 64 and len(test) == 32
    item = train[0]
    assert item["image"].shape == (96, 96, 3) and item["depth"].shape == (96, 96)
    assert np.isfinite(item["depth"]).mean() >= 0.5
    width = 741
    assert max(x for _, _, x in train.boxes) + 96 <= int(width * 0.7) <= min(x for _, _, x in test.boxes)


@need("sklearn")
def test_missing_files_say_what_to_install(tmp_path):
    with pytest.raises(ConfigError, match=r"make data.*apt-get install opencv-doc.*params.opencv_digits"):
        build("digits", "train", images="opencv", opencv_digits=str(tmp_path / "none.png"), modalities=["image"])
    with pytest.raises(ConfigError, match=r"apt-get install dataset-fashion-mnist"):
        build("fashion_mnist", "test", path=str(tmp_path))
    with pytest.raises(ConfigError, match=r"asterisk-core-sounds"):
        build("digits", "test", images="sklearn", recordings_dir=str(tmp_path / "sounds"))
