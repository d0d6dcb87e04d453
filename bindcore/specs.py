"""Plain-data specs that plugins register: what a component is and how to build it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:  # torch is imported lazily so that `bindcore plugins` starts fast
    import argparse

    import torch
    from torch import nn

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class StrictModel(BaseModel):
    """A pydantic model that rejects unknown keys (every bindcore config derives from it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ModalityConfig(StrictModel):
    """The settings every modality shares: trunk, head and temperature.

    A plugin subclasses it and adds its preprocessing and stem settings. Defaults follow ImageBind.
    """

    width: int = Field(256, gt=0, description="trunk width (token dimension)")
    blocks: int = Field(4, ge=0, description="number of transformer blocks")
    heads: int = Field(4, gt=0, description="attention heads per block")
    mlp_ratio: float = Field(4.0, gt=0, description="MLP hidden width / width")
    drop_path: float = Field(0.0, ge=0, lt=1, description="stochastic depth at the last block (linear ramp)")
    bias_kv: bool = Field(False, description="learned extra key/value token per block (ImageBind's add_bias_kv)")
    pre_norm: bool = Field(False, description="LayerNorm on the tokens before the first block")
    causal: bool = Field(False, description="causal attention mask")
    norm_eps: float = Field(1e-6, gt=0, description="LayerNorm epsilon")
    checkpoint_activations: bool = Field(False, description="recompute block activations in backward to save memory")
    head_dropout: float = Field(0.0, ge=0, lt=1, description="dropout before the projection to the shared space")
    logit_scale: Optional[float] = Field(None, gt=0, description="temperature multiplier; None means 1 and fixed")
    logit_scale_learnable: bool = Field(False, description="learn the logit scale during training")
    logit_scale_max: float = Field(100.0, gt=0, description="upper clip of the logit scale")

    def model_post_init(self, _context: Any) -> None:
        if self.width % self.heads:
            raise ValueError(f"width {self.width} is not divisible by heads {self.heads}")


Preprocessor = Callable[[Any], "torch.Tensor"]


@dataclass(frozen=True)
class ForeignFormat:
    """How one modality appears in another project's checkpoint (read by `bindcore convert`).

    Attributes:
        name: the modality's name in that project (ImageBind calls images "vision").
        settings: that project's constructor keyword arguments -> this modality's Config params.
        rename: (regex, replacement) pairs from the foreign key (after the modality prefix) to ours,
            for the keys the converter's shared trunk rules do not cover (stem, head).
        drop: foreign keys (same form) that carry nothing to load, e.g. a stored causal mask.
    """

    name: str
    settings: Callable[[dict], dict]
    rename: tuple[tuple[str, str], ...] = ()
    drop: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModalitySpec:
    """How to turn one modality's raw inputs into embeddings.

    Attributes:
        name: registry name (lowercase snake case), also the default key in model configs.
        Config: the plugin's settings class, a ModalityConfig subclass.
        build_preprocessor: cfg -> callable(raw item) -> tensor of one item (never learnable).
        build_stem: cfg -> module mapping a batch (B, *item) to tokens (B, N, width), CLS and positions included.
        dummy_raw: cfg -> a list of raw example items for contract tests and smoke runs.
        summary: one line for `bindcore list modalities`.
        item_ndim: rank of one preprocessed item; an item of rank item_ndim + 1 holds several clips (S, ...)
            that are embedded separately and averaged.
        build_head: (cfg, embed_dim) -> module mapping (tokens (B, N, width), stem input) to (B, embed_dim);
            default: LayerNorm, first token, dropout, linear projection without bias.
        build_trunk: cfg -> module (B, N, width) -> (B, N, width); default: the shared transformer.
        foreign: format name ("imagebind") -> ForeignFormat, for converting other projects' checkpoints.
        accepts: file suffixes (lower case, with the dot) this modality reads, e.g. (".wav", ".flac"). A string
            item is then a file path and `bindcore serve` takes the modality as file uploads of these types only;
            empty: the modality reads no files.
        literal: a string item is the value itself (a caption), never a path; `bindcore serve` takes such items
            as JSON or form values. A modality with neither ``accepts`` nor ``literal`` is not served over HTTP,
            since the server cannot tell whether a client's string would be opened as a path.
        preview: raw item -> (MIME type, bytes) a person can look at or listen to (a PNG thumbnail or plot, a
            WAV clip); used by the search page. None: no preview.
    """

    name: str
    Config: type[ModalityConfig]
    build_preprocessor: Callable[[Any], Preprocessor]
    build_stem: Callable[[Any], "nn.Module"]
    dummy_raw: Callable[[Any], list]
    summary: str = ""
    item_ndim: int = 3
    build_head: Optional[Callable[[Any, int], "nn.Module"]] = None
    build_trunk: Optional[Callable[[Any], "nn.Module"]] = None
    foreign: Mapping[str, ForeignFormat] = field(default_factory=dict)
    accepts: tuple[str, ...] = ()
    literal: bool = False
    preview: Optional[Callable[[Any], tuple[str, bytes]]] = None


@dataclass(frozen=True)
class DatasetSpec:
    """A source of training or evaluation examples.

    Attributes:
        name: registry name used in run configs (`data.dataset.name`).
        Config: the dataset's settings class (a StrictModel).
        build: (cfg, split) -> a map-style dataset whose items are dicts {modality name: raw item, ...}.
        summary: one line for `bindcore list datasets`.
    """

    name: str
    Config: type[StrictModel]
    build: Callable[[Any, str], Any]
    summary: str = ""


@dataclass(frozen=True)
class FusionSpec:
    """A module that fuses several modalities' tokens or embeddings into one vector.

    Attributes:
        name: registry name.
        Config: the fusion's settings class (a StrictModel).
        build: (cfg, sizes) -> module; ``sizes`` maps each input name to its feature width. The module has
            ``out_dim`` and ``forward(features: {name: tensor}, masks: {name: (B, N) bool} | None) -> (B, out_dim)``.
        takes: what each input is: "pooled" (one vector (B, D), e.g. an embedding) or "tokens" ((B, N, D) trunk
            tokens, e.g. from ``BindModel.encode_tokens``).
        summary: one line for `bindcore list fusions`.
    """

    name: str
    Config: type[StrictModel]
    build: Callable[[Any, Mapping[str, int]], "nn.Module"]
    takes: str = "pooled"
    summary: str = ""


@dataclass(frozen=True)
class TaskHeadSpec:
    """A classification head (question answering, a probe, ...) trained on a BindModel's encoders.

    Attributes:
        name: registry name used in run configs (``stages[].head.name``).
        Config: the head's settings class (a StrictModel).
        build: (cfg, *, model, state, host) -> module with ``classes`` (list of class names),
            ``inputs(item) -> {modality: raw item}``, ``target(item) -> class index``,
            ``group(item) -> str`` (the evaluation group) and ``forward(model, batch) -> logits (B, classes)``;
            optionally ``losses(model, batch, targets) -> {name: loss}`` to train with other losses than
            the cross-entropy of ``forward`` (their mean is minimised).
        modalities: cfg -> the model modalities the head reads (checked against the model at config time);
            None: not checked before the head is built.
        prepare: (cfg, training dataset) -> JSON-able state built from the training data (e.g. the class
            vocabulary); saved with the weights and given to ``build`` again at load time. None: ``{}``.
        wrap: TaskModel -> what ``bindcore.load_task_model`` returns (e.g. an object with an ``answer``
            method). None: the TaskModel itself.
        summary: one line for `bindcore list task-heads`.
    """

    name: str
    Config: type[StrictModel]
    build: Callable[..., "nn.Module"]
    modalities: Optional[Callable[[Any], list[str]]] = None
    prepare: Optional[Callable[[Any, Any], dict]] = None
    wrap: Optional[Callable[[Any], Any]] = None
    summary: str = ""


@dataclass(frozen=True)
class CommandSpec:
    """An extra `bindcore <name>` subcommand.

    Attributes:
        name: the verb.
        help: one line for `bindcore --help`.
        add_arguments: called with the subcommand's argparse parser.
        run: called with the parsed namespace; returns the exit code.
    """

    name: str
    help: str
    add_arguments: Callable[["argparse.ArgumentParser"], None]
    run: Callable[["argparse.Namespace"], int]
    aliases: tuple[str, ...] = field(default=())
