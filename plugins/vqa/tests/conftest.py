"""A VQA run trained for a few steps on tiny encoders (shared by the tests of this folder)."""

from __future__ import annotations

import pytest

TINY_MODEL = {"embed_dim": 32, "modalities": {
    "image": {"width": 32, "blocks": 1, "heads": 2, "image_size": 32, "patch_size": 8},
    "text": {"width": 32, "blocks": 1, "heads": 2, "context_length": 16},
    "depth": {"width": 32, "blocks": 1, "heads": 2, "image_size": 32, "patch_size": 8},
}}


def run_config(out_dir, steps: int = 4, fusion="cross", **head) -> dict:
    fusions = {"cross": {"name": "cross_attention", "params": {"width": 32, "layers": 2, "heads": 2, "out_dim": 32}},
               "concat": {"name": "concat_mlp", "params": {"out_dim": 32, "hidden": 32}}, "none": None}
    return {
        "out_dir": str(out_dir), "seed": 0, "model": TINY_MODEL,
        "data": {"dataset": {"name": "shapeworld_qa", "params": {"image_size": 32, "sizes": {"train": 200, "test": 24}}},
                 "batch_size": 8},
        "stages": [{"name": "vqa", "recipe": "task", "steps": steps, "finetune": ["image", "text"],
                    "head": {"name": "vqa", "params": {"hidden": 32, "fusion": fusions[fusion], **head}}}],
        "trainer": {"log_every": 1, "checkpoint_every": 2},
        "eval": {"split": "test", "max_items": 24, "batch_size": 12},
    }


def write_config(path, data: dict) -> str:
    import yaml

    path.write_text(yaml.safe_dump(data))
    return str(path)


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory):
    """A run directory whose checkpoint holds a VQA head (4 steps of cross-attention)."""
    from bindcore.train.run import train

    tmp = tmp_path_factory.mktemp("vqa")
    return train(write_config(tmp / "run.yaml", run_config(tmp / "run")))


@pytest.fixture(scope="session")
def host():
    """Every installed plugin, strictly loaded."""
    from bindcore.plugin_host import PluginHost

    return PluginHost.load(strict=True)


@pytest.fixture
def make_config():
    """run_config(out_dir, steps=4, fusion="cross"|"concat"|"none", **head params) -> a run config dict."""
    return run_config


@pytest.fixture
def save_config():
    """write_config(path, data) -> the path of the written YAML."""
    return write_config
