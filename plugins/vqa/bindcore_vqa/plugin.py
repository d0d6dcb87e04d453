"""Registers the VQA task head and the `bindcore vqa` command (torch loads when a head is built)."""

from __future__ import annotations

from bindcore import CommandSpec, TaskHeadSpec, hookimpl

from bindcore_vqa.config import VQAConfig


def _build(cfg, *, model, state, host):
    from bindcore_vqa.head import build

    return build(cfg, model=model, state=state, host=host)


def _prepare(cfg, dataset):
    from bindcore_vqa.vocabulary import build_vocabulary

    return build_vocabulary(cfg, dataset)


def _wrap(task):
    from bindcore_vqa.answer import wrap

    return wrap(task)


def _modalities(cfg: VQAConfig) -> list[str]:
    return [cfg.question] + ([cfg.visual] if cfg.fusion is not None else [])


def _add_arguments(p):
    from bindcore_vqa.command import add_arguments

    add_arguments(p)


def _run(args):
    from bindcore_vqa.command import run

    return run(args)


@hookimpl
def register_task_heads(register):
    register(TaskHeadSpec(
        name="vqa",
        Config=VQAConfig,
        build=_build,
        modalities=_modalities,
        prepare=_prepare,
        wrap=_wrap,
        summary="visual question answering: question tokens attend to a visual modality's tokens, answers by class",
    ))


@hookimpl
def register_commands(register):
    from bindcore_vqa.command import HELP

    register(CommandSpec("vqa", HELP, _add_arguments, _run))
