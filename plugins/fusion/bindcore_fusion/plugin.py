"""Registers the fusion modules with bindcore (torch loads when one is built, not when the plugin loads)."""

from __future__ import annotations

import importlib

from bindcore import FusionSpec, hookimpl

from bindcore_fusion.config import ConcatMLPConfig, CrossAttentionConfig, GatedConfig


def _builder(module: str):
    def build(cfg, sizes):
        return importlib.import_module(f"bindcore_fusion.{module}").build(cfg, sizes)

    return build


@hookimpl
def register_fusions(register):
    register(FusionSpec("concat_mlp", ConcatMLPConfig, _builder("concat_mlp"),
                        summary="late fusion: concatenated pooled vectors through an MLP"))
    register(FusionSpec("gated", GatedConfig, _builder("gated"),
                        summary="learned per-modality gates over projected pooled vectors; any input may be missing"))
    register(FusionSpec("cross_attention", CrossAttentionConfig, _builder("cross_attention"), takes="tokens",
                        summary="one modality's tokens attend to another's (pre-norm blocks, SDPA)"))
