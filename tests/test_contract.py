"""The contract suite over every installed modality plugin (bindcore.testing, shipped for plugin authors)."""

from __future__ import annotations

import pytest

from bindcore.plugin_host import PluginHost
from bindcore.testing import check_modality

MODALITIES = PluginHost.load(strict=True).modalities.names()


@pytest.mark.parametrize("name", MODALITIES)
def test_modality_contract(host, name):
    check_modality(host.modalities.get(name))


def test_toy_contract(toy_host):
    check_modality(toy_host.modalities.get("toy"))
