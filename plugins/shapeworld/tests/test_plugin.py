"""Registration through bindcore, config validation and a speed smoke test."""

from __future__ import annotations

import time

import pytest

from bindcore import ConfigError, PluginHost
from bindcore.config import validate

import bindcore_shapeworld.plugin as plugin
from bindcore_shapeworld import ShapeWorldConfig, ShapeWorldDataset
from bindcore_shapeworld.vocab import MODALITIES


def test_registers_dataset():
    host = PluginHost.load(autoload=False, extra=[("shapeworld", plugin)], strict=True)
    spec = host.datasets.get("shapeworld")
    assert spec.Config is ShapeWorldConfig and spec.summary
    ds = spec.build(validate(spec.Config, {"sizes": {"val": 3}}), "val")
    assert isinstance(ds, ShapeWorldDataset) and len(ds) == 3


def test_entry_point_is_installed():
    host = PluginHost.load(allow=["shapeworld"], strict=True)
    assert "shapeworld" in host.datasets


@pytest.mark.parametrize("data, message", [
    ({"seed": 0, "image_sise": 32}, "image_sise: unknown key"),
    ({"noise": {"imgae": 0.1}}, "noise.imgae: unknown key"),
    ({"sizes": {"dev": 3}}, "sizes.dev: unknown key"),
    ({"modalities": ["image", "smell"]}, "unknown modality"),
    ({"holdout": [["star", "purple"]]}, "holdout pair"),
    ({"image_size": 4}, "image_size"),
])
def test_bad_config_is_rejected(data, message):
    with pytest.raises(ConfigError, match=message):
        validate(ShapeWorldConfig, data, where="data.datasets.0")


def test_speed_smoke():
    """Prints items/s per modality on this machine (no assertion on wall time)."""
    n = 300
    lines = []
    for modalities in [None] + [[m] for m in MODALITIES]:
        ds = ShapeWorldDataset(ShapeWorldConfig(modalities=modalities), "train")
        ds[0]
        start = time.process_time()
        for i in range(n):
            ds[i]
        seconds = (time.process_time() - start) / n
        lines.append(f"{'all' if modalities is None else modalities[0]:8s} {1 / seconds:8.0f} items/s "
                     f"{seconds * 1e3:6.3f} ms/item")
    print("\nshapeworld speed (CPU time, one process):\n" + "\n".join(lines))
