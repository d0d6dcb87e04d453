"""Meta tests: the plugin guide covers every hook, spec field and switch, and every hook is tested."""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path

import pytest

from bindcore import hookspecs
from bindcore.specs import ForeignFormat, ModalitySpec

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "plugins.md"
HOOKS = sorted(name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
               if hasattr(fn, f"{hookspecs.PROJECT}_spec"))


def guide() -> str:
    return GUIDE.read_text()


def test_hookspecs_are_found():
    assert "register_modalities" in HOOKS and len(HOOKS) >= 5, HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_section_in_the_guide(hook):
    headings = [line for line in guide().splitlines() if line.startswith("#")]
    assert any(hook in h for h in headings), f"docs/plugins.md has no section (heading) naming {hook}"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_tested(hook):
    files = list((REPO / "tests").rglob("test_*.py")) + list((REPO / "plugins").glob("*/tests/**/test_*.py"))
    using = [f for f in files if f.name != Path(__file__).name and hook in f.read_text()]
    assert using, f"no test under tests/ or plugins/*/tests names or calls {hook} (add one to tests/test_hooks.py)"


@pytest.mark.parametrize("cls", [ModalitySpec, ForeignFormat], ids=lambda c: c.__name__)
def test_every_spec_field_is_documented(cls):
    missing = [f.name for f in dataclasses.fields(cls) if f"`{f.name}`" not in guide()]
    assert not missing, f"docs/plugins.md does not describe {cls.__name__} fields {missing}"


def test_every_plugin_switch_is_documented():
    source = (REPO / "bindcore" / "plugin_host.py").read_text()
    switches = set(re.findall(r"BINDCORE_[A-Z_]+", source))
    assert switches and not [s for s in switches if s not in guide()], switches


def test_excerpts_match_their_files():
    """A code block after ``<!-- excerpt: PATH -->`` must appear verbatim in PATH."""
    excerpts = re.findall(r"<!-- excerpt: (\S+) -->\n```\w*\n(.*?)```", guide(), re.S)
    assert len(excerpts) >= 5
    for path, code in excerpts:
        assert code in (REPO / path).read_text(), f"an excerpt of {path} in docs/plugins.md is out of date:\n{code}"


def test_referenced_example_files_exist():
    paths = set(re.findall(r"docs/examples/[\w./-]*[\w/]", guide()))
    assert paths and not [p for p in paths if not (REPO / p).exists()], paths
