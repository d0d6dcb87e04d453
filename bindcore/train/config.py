"""The run configuration of `bindcore train`: model, data, stages, trainer and evaluation settings."""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import Field

from bindcore.config import resolve_model_config, validate
from bindcore.errors import BindcoreError, ConfigError
from bindcore.specs import StrictModel

RECIPES = ("contrastive", "bind")


class ComponentRef(StrictModel):
    """A registered component by name, with its own settings (checked by its plugin's Config)."""

    name: str
    params: dict[str, Any] = Field(default_factory=dict)


class DataConfig(StrictModel):
    """Where training pairs come from and how they are batched."""

    dataset: ComponentRef
    split: str = "train"
    batch_size: int = Field(32, gt=0, description="pairs per step for each (anchor, X) pair")
    num_workers: int = Field(0, ge=0, description="DataLoader workers that decode and preprocess")


class OptimConfig(StrictModel):
    """AdamW with a cosine schedule after a linear warm-up."""

    lr: float = Field(1e-3, gt=0)
    weight_decay: float = Field(0.05, ge=0)
    betas: tuple[float, float] = (0.9, 0.98)
    eps: float = Field(1e-6, gt=0)
    warmup_steps: int = Field(0, ge=0)
    min_lr_ratio: float = Field(0.0, ge=0, le=1, description="final lr / peak lr")


class StageConfig(StrictModel):
    """One stage; each starts from the previous stage's weights.

    Attributes:
        recipe: "contrastive" trains anchor and partners together (CLIP style); "bind" freezes the anchor
            and trains each partner against it with pairwise InfoNCE (ImageBind style).
        anchor: the anchor modality.
        modalities: the partners X, each paired with the anchor.
        steps: optimiser steps.
        data: overrides the run's data settings for this stage.
    """

    name: str
    recipe: Literal["contrastive", "bind"]
    anchor: str
    modalities: list[str] = Field(min_length=1)
    steps: int = Field(gt=0)
    optim: OptimConfig = OptimConfig()
    data: Optional[DataConfig] = None


class TrainerConfig(StrictModel):
    """The loop's settings."""

    precision: Literal["fp32", "bf16"] = "fp32"
    grad_clip: Optional[float] = Field(1.0, gt=0, description="max global gradient norm (None: no clipping)")
    grad_accum: int = Field(1, ge=1, description="micro-batches per optimiser step")
    log_every: int = Field(10, ge=1)
    checkpoint_every: int = Field(100, ge=1)
    device: str = "cpu"
    progress: Optional[bool] = Field(None, description="tqdm bar (default: when stderr is a terminal)")


class EvalConfig(StrictModel):
    """What `bindcore eval` (and the end of a run) measures.

    Attributes:
        dataset: the evaluation data (default: the run's dataset).
        split: which split to evaluate.
        max_items: cap on evaluated items.
        prompts: the modality that embeds class prompts for zero-shot classification (e.g. a text modality).
        modalities: modalities to evaluate (default: every modality of the model).
    """

    dataset: Optional[ComponentRef] = None
    split: str = "test"
    max_items: int = Field(1000, gt=0)
    batch_size: int = Field(64, gt=0)
    prompts: Optional[str] = None
    modalities: Optional[list[str]] = None
    compose: list[list[str]] = Field(default_factory=list, description="modality pairs for composed-query retrieval")


class RunConfig(StrictModel):
    """A whole run: ``bindcore train CONFIG [a.b=c ...]``."""

    out_dir: str
    seed: int = 0
    model: Union[str, dict[str, Any]]
    data: DataConfig
    stages: list[StageConfig] = Field(min_length=1)
    trainer: TrainerConfig = TrainerConfig()
    eval: Optional[EvalConfig] = None


def resolve_run_config(data: dict[str, Any], host) -> RunConfig:
    """Phase 1 (structure) and phase 2 (every component's settings, by its plugin) validation.

    Raises:
        ConfigError: naming the dotted path of each problem.
    """
    cfg = validate(RunConfig, data)
    model_cfg, resolved = resolve_model_config(cfg.model, host, where="model")
    names = set(resolved)
    refs = [("data.dataset", cfg.data.dataset)]
    for i, stage in enumerate(cfg.stages):
        where = f"stages.{i}"
        for m in [stage.anchor, *stage.modalities]:
            if m not in names:
                raise ConfigError(f"{where}: the model has no modality '{m}' (it has: {', '.join(sorted(names))})")
        if stage.anchor in stage.modalities:
            raise ConfigError(f"{where}.modalities: '{stage.anchor}' is the anchor; list only its partners")
        if stage.data:
            refs.append((f"{where}.data.dataset", stage.data.dataset))
    if cfg.eval and cfg.eval.dataset:
        refs.append(("eval.dataset", cfg.eval.dataset))
    if cfg.eval and cfg.eval.prompts and cfg.eval.prompts not in names:
        raise ConfigError(f"eval.prompts: the model has no modality '{cfg.eval.prompts}'")
    for where, ref in refs:
        resolve_dataset(ref, host, where)
    return cfg


def resolve_dataset(ref: ComponentRef, host, where: str = "dataset"):
    """(DatasetSpec, validated settings) for a dataset reference."""
    try:
        spec = host.datasets.get(ref.name)
    except BindcoreError as exc:
        raise ConfigError(f"{where}.name: {exc}") from None
    return spec, validate(spec.Config, ref.params, f"{where}.params")
