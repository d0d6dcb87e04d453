"""The run configuration of `bindcore train`: model, data, stages, trainer and evaluation settings."""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import Field

from bindcore.config import resolve_model_config, validate
from bindcore.errors import BindcoreError, ConfigError
from bindcore.specs import StrictModel

RECIPES = ("contrastive", "bind", "task")


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
            and trains each partner against it with pairwise InfoNCE (ImageBind style); "task" trains a
            registered task head with cross-entropy on the model's encoders.
        anchor: the anchor modality (contrastive, bind).
        modalities: the partners X, each paired with the anchor (contrastive, bind).
        steps: optimiser steps.
        data: overrides the run's data settings for this stage.
        head: the task head and its settings (task).
        finetune: the encoders that train along with the head (task); the others stay frozen.
    """

    name: str
    recipe: Literal["contrastive", "bind", "task"]
    anchor: Optional[str] = None
    modalities: list[str] = Field(default_factory=list)
    steps: int = Field(gt=0)
    optim: OptimConfig = OptimConfig()
    data: Optional[DataConfig] = None
    head: Optional[ComponentRef] = None
    finetune: list[str] = Field(default_factory=list)


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
        probe_dataset: data for the compositional probe (default: the evaluation data), e.g. the same world
            with two objects in every scene when the zero-shot data has one.
    """

    dataset: Optional[ComponentRef] = None
    probe_dataset: Optional[ComponentRef] = None
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
    init_from: Optional[str] = Field(None, description="a run or model directory whose weights start the model")
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
        if stage.recipe == "task":
            resolve_task_stage(stage, host, names, where)
            if stage.data:
                refs.append((f"{where}.data.dataset", stage.data.dataset))
            continue
        if stage.anchor is None or not stage.modalities:
            raise ConfigError(f"{where}: the {stage.recipe} recipe needs an anchor and at least one partner in modalities")
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


def resolve_task_stage(stage: StageConfig, host, names: set[str], where: str):
    """(TaskHeadSpec, validated settings) of a task stage; its modalities and finetune must be the model's."""
    if stage.head is None:
        raise ConfigError(f"{where}.head: the task recipe needs a head, e.g. head: {{name: NAME, params: {{...}}}} "
                          f"(registered: {', '.join(host.task_heads.names()) or 'none; install a task head plugin'})")
    try:
        spec = host.task_heads.get(stage.head.name)
    except BindcoreError as exc:
        raise ConfigError(f"{where}.head.name: {exc}") from None
    settings = validate(spec.Config, stage.head.params, f"{where}.head.params")
    used = spec.modalities(settings) if spec.modalities else []
    for m in [*used, *stage.finetune]:
        if m not in names:
            raise ConfigError(f"{where}: the model has no modality '{m}' for the task head '{spec.name}' "
                              f"(it has: {', '.join(sorted(names))})")
    return spec, settings


def resolve_dataset(ref: ComponentRef, host, where: str = "dataset"):
    """(DatasetSpec, validated settings) for a dataset reference."""
    try:
        spec = host.datasets.get(ref.name)
    except BindcoreError as exc:
        raise ConfigError(f"{where}.name: {exc}") from None
    return spec, validate(spec.Config, ref.params, f"{where}.params")
