"""Shared fixtures: a fresh PluginHost per test (never a global one) with the toy plugin added."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
IMAGEBIND_FIXTURE = REPO.parent / "shared" / "fixtures" / "imagebind"


@pytest.fixture
def toy_host():
    """Only the core's built-in plugin plus the toy modality (no installed plugins)."""
    from bindcore.plugin_host import PluginHost
    from tests.fakes import toy

    return PluginHost.load(autoload=False, extra=[("toy", toy)], strict=True)


@pytest.fixture(scope="session")
def host():
    """Every installed plugin, strictly loaded."""
    from bindcore.plugin_host import PluginHost

    return PluginHost.load(strict=True)


@pytest.fixture
def toy_model(toy_host):
    from bindcore.model import build_model

    return build_model({"embed_dim": 8, "modalities": {"toy": {"width": 16, "blocks": 2, "heads": 2}}}, host=toy_host, seed=0)
