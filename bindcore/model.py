"""Modality (stem -> trunk -> head -> L2 normalise) and BindModel (a dict of batches in, a dict of embeddings out)."""

from __future__ import annotations

import contextlib
import warnings
from typing import Any, Mapping, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from bindcore.errors import BindcoreError, InputError
from bindcore.io.describe import describe
from bindcore.layers import build_logit_scale, build_token_head, build_trunk
from bindcore.meta_build import skip_init_on_meta
from bindcore.specs import ModalityConfig, ModalitySpec


class Modality(nn.Module):
    """One modality's encoder built from its spec and validated settings.

    Args:
        name: the instance name (the key in the model config and in batches).
        spec: the registered ModalitySpec.
        cfg: the validated settings (an instance of ``spec.Config``).
        embed_dim: size of the shared embedding space.
    """

    def __init__(self, name: str, spec: ModalitySpec, cfg: ModalityConfig, embed_dim: int):
        super().__init__()
        self.name, self.spec, self.cfg = name, spec, cfg
        self.stem = spec.build_stem(cfg)
        self.trunk = (spec.build_trunk or build_trunk)(cfg)
        self.head = (spec.build_head or build_token_head)(cfg, embed_dim)
        self.logit_scale = build_logit_scale(cfg)
        object.__setattr__(self, "_preprocessor", None)  # built on first use, never a submodule

    @property
    def preprocessor(self):
        """The raw -> tensor callable for one item (built lazily from the settings)."""
        if self._preprocessor is None:
            object.__setattr__(self, "_preprocessor", self.spec.build_preprocessor(self.cfg))
        return self._preprocessor

    def preprocess_one(self, raw: Any, item: str | None = None) -> torch.Tensor:
        """Preprocesses one raw item; any failure becomes an InputError naming the item."""
        try:
            out = self.preprocessor(raw)
        except InputError as exc:
            raise exc.with_item(item or describe(raw)) from None
        except BindcoreError:
            raise
        except Exception as exc:  # a library error inside a plugin still reaches the user as one line
            raise InputError(f"{type(exc).__name__}: {exc}", item or describe(raw)) from None
        if not isinstance(out, torch.Tensor):
            raise InputError(f"the '{self.name}' preprocessor returned {type(out).__name__}, not a tensor", item or describe(raw))
        if out.is_floating_point() and not torch.isfinite(out).all():
            raise InputError("preprocessing produced NaN or infinite values", item or describe(raw))
        return out

    def preprocess(self, items: Sequence[Any]) -> torch.Tensor:
        """Preprocesses a list of raw items into the batch tensor the encoder takes."""
        if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
            items = [items]
        if len(items) == 0:
            raise InputError(f"no '{self.name}' items were given", self.name)
        return torch.stack([self.preprocess_one(x) for x in items])

    def _split_clips(self, x: torch.Tensor) -> tuple[torch.Tensor, int]:
        if x.ndim == self.spec.item_ndim + 2:  # (B, S, ...) several clips per item
            return x.flatten(0, 1), x.shape[1]
        if x.ndim != self.spec.item_ndim + 1 and self.spec.item_ndim >= 0:
            raise InputError(f"expected a batch of rank {self.spec.item_ndim + 1} (or {self.spec.item_ndim + 2} with clips), "
                             f"got shape {tuple(x.shape)}", self.name)
        return x, 1

    @property
    def summary_tokens(self) -> int:
        """How many leading trunk tokens summarise the whole input (a CLS token) instead of one place in it."""
        return int(getattr(self.stem, "summary_tokens", 0))

    def encode_tokens(self, x: torch.Tensor, summary: bool = True) -> torch.Tensor:
        """Trunk tokens for a batch: (B, *item) -> (B, N, width); clips are flattened into the batch.

        Args:
            x: the preprocessed batch.
            summary: keep the summary tokens (see :attr:`summary_tokens`); False leaves the tokens of places
                (patches, frames, spans) only.
        """
        x, _ = self._split_clips(x)
        tokens = self.trunk(self.stem(x))  # (B*S, N, D)
        return tokens if summary else tokens[:, self.summary_tokens:]  # (B*S, N or N - summary, D)

    def project(self, x: torch.Tensor) -> torch.Tensor:
        """Un-normalised head outputs, one row per clip: (B*S, E)."""
        x, _ = self._split_clips(x)
        return self.head(self.trunk(self.stem(x)), x)  # (B*S, E)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Unit-norm embeddings (B, E); clip embeddings are averaged and renormalised."""
        flat, clips = self._split_clips(x)
        z = F.normalize(self.project(flat).float(), dim=-1)  # (B*S, E)
        if clips > 1:
            z = F.normalize(z.unflatten(0, (-1, clips)).mean(1), dim=-1)  # (B, E)
        return z


class BindModel(nn.Module):
    """Several modalities that embed into one space.

    Args:
        modalities: instance name -> Modality.
        embed_dim: size of the shared space.
        config: the resolved model configuration (saved with the weights).
    """

    def __init__(self, modalities: Mapping[str, Modality], embed_dim: int, config: dict[str, Any] | None = None):
        super().__init__()
        self.modalities = nn.ModuleDict(modalities)
        self.embed_dim = embed_dim
        self.config = config or {}

    @property
    def names(self) -> list[str]:
        """The modality instances this model holds."""
        return list(self.modalities)

    def modality(self, name: str) -> Modality:
        """Returns one modality, or raises a BindcoreError naming the ones held."""
        if name not in self.modalities:
            from bindcore.registry import did_you_mean

            raise BindcoreError(f"this model holds no modality '{name}'{did_you_mean(name, self.names)} "
                                f"(it holds: {', '.join(self.names)})")
        return self.modalities[name]

    def forward(self, batch: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """{name: (B, ...)} -> {name: (B, E) unit norm}, only for the keys given."""
        return {name: self.modality(name)(x) for name, x in batch.items()}

    def logit_scale(self, name: str) -> torch.Tensor:
        """The temperature multiplier of one modality (kept apart from its unit-norm embeddings)."""
        return self.modality(name).logit_scale()

    def preprocess(self, name: str, items: Sequence[Any]) -> torch.Tensor:
        """Raw items -> the batch tensor that modality's encoder takes."""
        return self.modality(name).preprocess(items)

    def encode_tokens(self, name: str, batch: torch.Tensor, summary: bool = True) -> torch.Tensor:
        """Trunk tokens (B, N, width) of one modality, for fusion and task heads; ``summary=False`` drops the
        leading tokens that summarise the whole input (CLS), keeping those of places only."""
        return self.modality(name).encode_tokens(batch, summary)

    def embed(self, inputs: Mapping[str, Sequence[Any]], **kwargs) -> dict[str, torch.Tensor]:
        """Embeds raw items of any modality; see :func:`bindcore.embedding.embed` for the options."""
        from bindcore.embedding import embed

        return embed(self, inputs, **kwargs)

    def compose(self, inputs: Mapping[str, Sequence[Any]], weights: Mapping[str, float] | None = None, **kwargs) -> torch.Tensor:
        """One unit-norm query from several inputs: normalise each, weighted sum, renormalise (E,)."""
        embeddings = self.embed(inputs, **kwargs)
        total = torch.zeros(self.embed_dim)
        for name, z in embeddings.items():
            total += (weights or {}).get(name, 1.0) * z.sum(0)  # (E,)
        return F.normalize(total, dim=0)

    def save(self, directory) -> None:
        """Writes a model directory (safetensors per modality + config + plugin versions)."""
        from bindcore.checkpoint import save_model

        save_model(self, directory)


def build_model(config: dict[str, Any] | str, *, modalities: list[str] | None = None, host=None, seed: int | None = None,
                device: str | torch.device | None = None) -> BindModel:
    """Builds a BindModel with fresh weights from a config mapping or a preset name.

    Args:
        config: a model config mapping, or a preset name / YAML path.
        modalities: build only these instances.
        host: the PluginHost (default: the process's).
        seed: seed the initialisation.
        device: "meta" builds without allocating (weights are loaded afterwards).
    """
    from bindcore.config import resolve_model_config
    from bindcore.plugin_host import default_host

    host = host or default_host()
    cfg, resolved = resolve_model_config(config, host, modalities)
    if seed is not None:
        torch.manual_seed(seed)
    with torch.device(device) if device is not None else contextlib.nullcontext(), \
            skip_init_on_meta() if str(device) == "meta" else contextlib.nullcontext():  # weights are loaded later
        mods = {name: Modality(name, spec, settings, cfg.embed_dim) for name, (spec, settings) in resolved.items()}
    full = {"embed_dim": cfg.embed_dim,
            "modalities": {name: {"type": spec.name, **settings.model_dump(mode="json")} for name, (spec, settings) in resolved.items()}}
    return BindModel(mods, cfg.embed_dim, full)


def warn_untrained(name: str) -> None:
    warnings.warn(f"'{name}' builds an architecture with random weights: its embeddings are untrained. "
                  "Train one with `bindcore train` or load a saved model directory.", UserWarning, stacklevel=3)
