"""PluginHost with fake distributions: broken import, bad hook name, duplicates, blocking, strict mode."""

from __future__ import annotations

import importlib.metadata as md
import sys
import textwrap

import pytest

from bindcore.errors import PluginError
from bindcore.plugin_host import PluginHost

TOY_PLUGIN = """
from bindcore import hookimpl
from tests.fakes.toy import SPEC
import dataclasses

@hookimpl
def register_modalities(register):
    register(dataclasses.replace(SPEC, name="{name}"))
"""


@pytest.fixture
def fake_eps(tmp_path, monkeypatch):
    """Writes plugin modules to tmp_path and exposes them as entry points of the `bindcore` group."""
    monkeypatch.syspath_prepend(str(tmp_path))
    eps = []

    def add(name: str, source: str):
        module = f"fakeplug_{name}"
        (tmp_path / f"{module}.py").write_text(textwrap.dedent(source))
        sys.modules.pop(module, None)
        eps.append(md.EntryPoint(name=name, value=module, group="bindcore"))

    monkeypatch.setattr(md, "entry_points", lambda group=None: [e for e in eps if e.group == group])
    monkeypatch.delenv("BINDCORE_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("BINDCORE_STRICT_PLUGINS", raising=False)
    return add


def test_good_plugin_registers(fake_eps):
    fake_eps("good", TOY_PLUGIN.format(name="alpha"))
    host = PluginHost.load()
    assert host.modalities.names() == ["alpha"]
    info = host.plugins["good"]
    assert info.status == "ok" and info.hooks == ["register_modalities"]
    assert host.modalities.source("alpha") == "good"


def test_broken_import_is_recorded_and_skipped(fake_eps):
    fake_eps("broken", "raise ImportError('Don\\'t hide me')")
    fake_eps("good", TOY_PLUGIN.format(name="alpha"))
    with pytest.warns(RuntimeWarning, match="broken.*BINDCORE_DISABLE_PLUGINS=broken"):
        host = PluginHost.load()
    assert host.plugins["broken"].status == "failed" and "hide me" in host.plugins["broken"].error
    assert host.modalities.names() == ["alpha"]


def test_strict_mode_raises(fake_eps, monkeypatch):
    fake_eps("broken", "raise RuntimeError('boom')")
    monkeypatch.setenv("BINDCORE_STRICT_PLUGINS", "1")
    with pytest.raises(PluginError, match="boom"):
        PluginHost.load()


def test_misspelt_hook_fails_that_plugin(fake_eps):
    fake_eps("typo", """
        from bindcore import hookimpl
        @hookimpl
        def register_modalitys(register):
            pass
    """)
    with pytest.warns(RuntimeWarning, match="typo"):
        host = PluginHost.load()
    assert host.plugins["typo"].status == "failed" and "unknown hook" in host.plugins["typo"].error


def test_invalid_spec_fails_that_plugin_and_rolls_back(fake_eps):
    fake_eps("bad", """
        from bindcore import hookimpl, DatasetSpec, StrictModel
        from tests.fakes.toy import SPEC
        @hookimpl
        def register_modalities(register):
            register(SPEC)
            register("not a spec")
    """)
    with pytest.warns(RuntimeWarning, match="expected a ModalitySpec"):
        host = PluginHost.load()
    assert host.modalities.names() == []


def test_duplicate_name_names_both_plugins(fake_eps):
    fake_eps("first", TOY_PLUGIN.format(name="same"))
    fake_eps("second", TOY_PLUGIN.format(name="same"))
    with pytest.warns(RuntimeWarning, match="'first' and 'second'"):
        host = PluginHost.load()
    assert host.plugins["second"].status == "failed"
    assert host.modalities.source("same") == "first"


def test_block_list_from_environment(fake_eps, monkeypatch):
    fake_eps("good", TOY_PLUGIN.format(name="alpha"))
    monkeypatch.setenv("BINDCORE_DISABLE_PLUGINS", "good")
    host = PluginHost.load()
    assert host.plugins["good"].status == "blocked" and host.modalities.names() == []


def test_allow_list(fake_eps):
    fake_eps("a", TOY_PLUGIN.format(name="alpha"))
    fake_eps("b", TOY_PLUGIN.format(name="beta"))
    host = PluginHost.load(allow=["b"])
    assert host.modalities.names() == ["beta"] and host.plugins["a"].status == "blocked"


def test_builtin_registers_manifest_dataset(fake_eps):
    host = PluginHost.load()
    assert "manifest" in host.datasets
    assert all(not p.builtin for p in host.list_plugins())
    assert any(p.builtin for p in host.list_plugins(include_builtin=True))


def test_hosts_are_independent(toy_host):
    other = PluginHost.load(autoload=False)
    assert "toy" in toy_host.modalities and "toy" not in other.modalities
