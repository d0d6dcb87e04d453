"""Every YAML under configs/ (recursively) loads and validates with the installed plugins."""

from __future__ import annotations

from pathlib import Path

import pytest

CONFIGS = sorted((Path(__file__).resolve().parents[1] / "configs").rglob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_config_validates(path, host):
    from bindcore.config import load_yaml

    data = load_yaml(path)
    if path.parent.name == "models":
        from bindcore.model import build_model

        model = build_model(data, host=host, device="meta")
        assert model.names
    else:
        from bindcore.train.config import resolve_run_config

        resolve_run_config(data, host)


def test_every_config_opens_with_its_command():
    for path in CONFIGS:
        first = path.read_text().splitlines()[0]
        assert first.startswith("#"), f"{path} should open with a comment giving the command that uses it"
