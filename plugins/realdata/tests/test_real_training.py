"""A small version of the real-data results on the real files (CI runs it: `make data` then `make test`)."""

from __future__ import annotations

import json

import pytest
import yaml

from bindcore_realdata.available import missing

pytestmark = pytest.mark.slow

TEXT = {"tower": "minilm", "width": 64, "blocks": 0, "heads": 2}
TRAINER = {"log_every": 10, "checkpoint_every": 1000, "progress": False}


def needs(*sources: str):
    absent = missing(*sources)
    return pytest.mark.skipif(bool(absent), reason=f"data not installed: {', '.join(absent)} (run `make data`)")


def run(tmp_path, config: dict) -> dict:
    from bindcore.train.run import train

    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump({"out_dir": str(tmp_path / "out"), "seed": 0, **config}))
    out = train(str(path))
    return json.loads((out / "eval.json").read_text())


@needs("fashion", "minilm")
def test_fashion_mnist_image_to_text_beats_chance_after_a_short_run(tmp_path):
    result = run(tmp_path, {
        "model": {"embed_dim": 64, "modalities": {"image": {"width": 64, "blocks": 2, "heads": 2, "image_size": 28,
                                                            "patch_size": 7}, "text": TEXT}},
        "data": {"dataset": {"name": "fashion_mnist", "params": {}}, "batch_size": 32},
        "stages": [{"name": "anchor", "recipe": "contrastive", "anchor": "image", "modalities": ["text"], "steps": 60,
                    "optim": {"lr": 2.0e-3, "warmup_steps": 6}}],
        "trainer": TRAINER,
        "eval": {"split": "test", "max_items": 300, "prompts": "text"},
    })
    assert result["items"] == 300
    assert result["zero_shot"]["image"]["clothing"] > 0.3  # chance 0.1; the full run reaches about 0.8


@needs("opencv", "sklearn", "asterisk", "espeak", "minilm")
def test_digits_speech_binds_to_images_and_is_evaluated_on_the_recorded_voices(tmp_path):
    digits = {"cache_dir": str(tmp_path / "espeak"), "espeak_languages": ["en-us", "es", "fr-fr", "it", "ru"],
              "espeak_variants": ["m1"], "espeak_speeds": [150], "espeak_pitches": [50]}
    result = run(tmp_path, {
        "model": {"embed_dim": 64, "modalities": {
            "image": {"width": 64, "blocks": 2, "heads": 2, "image_size": 24, "patch_size": 6},
            "text": TEXT,
            "audio": {"width": 64, "blocks": 1, "heads": 2, "num_mel_bins": 64, "target_length": 100,
                      "clip_duration": 1.0, "clips_per_item": 1, "patch_stride": 16, "drop_path": 0.0}}},
        "data": {"dataset": {"name": "digits", "params": digits}, "batch_size": 32},
        "stages": [{"name": "anchor", "recipe": "contrastive", "anchor": "image", "modalities": ["text"], "steps": 60,
                    "optim": {"lr": 2.0e-3, "warmup_steps": 6}},
                   {"name": "bind", "recipe": "bind", "anchor": "image", "modalities": ["audio"], "steps": 10}],
        "trainer": TRAINER,
        "eval": {"dataset": {"name": "digits", "params": {**digits, "index_by": "audio"}}, "split": "test",
                 "prompts": "text"},
    })
    assert result["items"] >= 50 and result["items"] % 10 == 0  # every recorded voice, ten digits each
    accuracy = result["zero_shot"]
    assert set(accuracy) == {"image", "audio"} and 0.0 <= accuracy["audio"]["digit"] <= 1.0
    assert accuracy["image"]["digit"] > 0.2  # chance 0.1; the image-text anchor learns digits quickly
