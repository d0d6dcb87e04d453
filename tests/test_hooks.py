"""One test per hook in bindcore/hookspecs.py, each through a fake plugin handed to PluginHost.load(extra=...)."""

from __future__ import annotations

import types

import pytest
import torch
from torch import nn

from bindcore import CommandSpec, DatasetSpec, FusionSpec, StrictModel, TaskHeadSpec, hookimpl
from bindcore.plugin_host import PluginHost


def fake_plugin(**hooks) -> types.SimpleNamespace:
    """A plugin object whose attributes are the given hook functions, marked with @hookimpl."""
    return types.SimpleNamespace(**{name: hookimpl(fn) for name, fn in hooks.items()})


def load(name: str, plugin, strict: bool = True) -> PluginHost:
    return PluginHost.load(autoload=False, extra=[(name, plugin)], strict=strict)


class Empty(StrictModel):
    """No settings."""


class MeanFusion(nn.Module):
    def forward(self, embeddings):
        return sum(embeddings) / len(embeddings)


def test_register_modalities_records_the_source():
    from tests.fakes import toy

    host = load("toyplug", toy)
    assert host.modalities.names() == ["toy"]
    assert host.modalities.source("toy") == "toyplug"
    assert host.plugins["toyplug"].hooks == ["register_modalities"]


def test_register_datasets_builds_items_keyed_by_modality():
    def register_datasets(register):
        register(DatasetSpec("pairs", Empty, lambda cfg, split: [{"toy": [1.0, 2.0]}] * 3, summary="three pairs"))

    host = load("data", fake_plugin(register_datasets=register_datasets))
    spec = host.datasets.get("pairs")
    assert len(spec.build(Empty(), "train")) == 3 and spec.summary == "three pairs"
    assert host.plugins["data"].hooks == ["register_datasets"]


def test_register_fusions():
    def register_fusions(register):
        register(FusionSpec("mean", Empty, lambda cfg: MeanFusion(), summary="average of embeddings"))

    host = load("fuse", fake_plugin(register_fusions=register_fusions))
    fusion = host.fusions.get("mean").build(Empty())
    assert torch.equal(fusion([torch.ones(2, 4), torch.zeros(2, 4)]), torch.full((2, 4), 0.5))
    assert host.fusions.source("mean") == "fuse"


def test_register_task_heads():
    def register_task_heads(register):
        register(TaskHeadSpec("probe", Empty, lambda cfg, embed_dim=8: nn.Linear(embed_dim, 3)))

    host = load("heads", fake_plugin(register_task_heads=register_task_heads))
    head = host.task_heads.get("probe").build(Empty(), embed_dim=4)
    assert head.in_features == 4 and host.plugins["heads"].hooks == ["register_task_heads"]


def test_register_commands_runs_through_the_cli_parser(capsys):
    from bindcore.cli.main import build_parser

    def run(args) -> int:
        print(f"hello {args.who}")
        return 7

    def register_commands(register):
        register(CommandSpec("hello", "say hello", lambda p: p.add_argument("who"), run, aliases=("hi",)))

    host = load("greeter", fake_plugin(register_commands=register_commands))
    parser = build_parser(host)
    for verb in ("hello", "hi"):
        args = parser.parse_args([verb, "world"])
        assert args._run(args) == 7
        assert capsys.readouterr().out == "hello world\n"


def test_register_commands_clash_with_core_command_is_ignored():
    from bindcore.cli.main import build_parser

    def register_commands(register):
        register(CommandSpec("embed", "shadows the core", lambda p: None, lambda args: 0))

    host = load("shadow", fake_plugin(register_commands=register_commands))
    with pytest.warns(RuntimeWarning, match="clashes with a core command"):
        parser = build_parser(host)
    args = parser.parse_args(["embed", "--model", "m", "-o", "x.npz"])
    assert args._run.__module__ == "bindcore.cli.embed_cmd"


@pytest.mark.parametrize("hook", ["register_fusions", "register_task_heads", "register_commands"])
def test_wrong_spec_type_fails_only_that_plugin(hook):
    def register(register):
        register(DatasetSpec("oops", Empty, lambda cfg, split: []))

    with pytest.warns(RuntimeWarning, match="'wrong'.*expected a"):
        host = load("wrong", fake_plugin(**{hook: register}), strict=False)
    info = host.plugins["wrong"]
    assert info.status == "failed" and "DatasetSpec" in info.error
    assert "oops" not in host.datasets and not host.pm.has_plugin("wrong")
