"""Contract checks for modality plugins; plugin authors call these from their own tests.

Example (in a plugin's tests)::

    from bindcore.testing import check_modality, load_host
    def test_contract():
        check_modality(load_host().modalities.get("mymod"))
"""

from __future__ import annotations

from typing import Any

import pytest
import torch

from bindcore.errors import ConfigError
from bindcore.model import Modality
from bindcore.specs import ModalitySpec

SMALL = {"width": 32, "blocks": 2, "heads": 2}


def load_host():
    """A fresh PluginHost with every installed plugin (strict: a broken plugin fails the test)."""
    from bindcore.plugin_host import PluginHost

    return PluginHost.load(strict=True)


def small_config(spec: ModalitySpec, **overrides: Any):
    """The spec's Config with a tiny trunk (plus ``overrides``)."""
    return spec.Config.model_validate({**SMALL, **overrides})


def check_modality(spec: ModalitySpec, embed_dim: int = 16, **overrides: Any) -> None:
    """Runs every contract check on one modality spec.

    dummy input -> preprocess -> forward gives finite, unit-norm (B, E); backward reaches the stem;
    eval mode is deterministic; an unknown config key is rejected.
    """
    cfg = small_config(spec, **overrides)
    torch.manual_seed(0)
    modality = Modality(spec.name, spec, cfg, embed_dim)
    raws = spec.dummy_raw(cfg)
    assert isinstance(raws, list) and raws, "dummy_raw must return a non-empty list of raw items"
    batch = modality.preprocess(raws)
    assert batch.shape[0] == len(raws)
    assert batch.ndim in (spec.item_ndim + 1, spec.item_ndim + 2), f"batch rank {batch.ndim} vs item_ndim {spec.item_ndim}"

    modality.train()
    z = modality(batch)
    assert z.shape == (len(raws), embed_dim)
    assert torch.isfinite(z).all()
    assert torch.allclose(z.norm(dim=-1), torch.ones(len(raws)), atol=1e-4)
    z.sum().backward()
    grads = [p.grad for p in modality.stem.parameters() if p.requires_grad]
    assert grads and any(g is not None and g.abs().sum() > 0 for g in grads), "no gradient reached the stem"

    modality.eval()
    with torch.no_grad():
        assert torch.equal(modality(batch), modality(batch)), "eval mode is not deterministic"
    tokens = modality.encode_tokens(batch)
    assert tokens.ndim == 3 and tokens.shape[-1] == cfg.width
    places = modality.encode_tokens(batch, summary=False)  # what a task head attends to: no CLS
    assert places.shape[1] == tokens.shape[1] - modality.summary_tokens > 0
    assert torch.equal(places, tokens[:, modality.summary_tokens:])

    from bindcore.config import validate

    with pytest.raises(ConfigError, match="unknown key"):
        validate(spec.Config, {**SMALL, "no_such_setting": 1})
    assert float(modality.logit_scale().detach()) > 0
    if spec.preview is not None:
        mime, data = spec.preview(raws[0])
        assert isinstance(mime, str) and "/" in mime and isinstance(data, bytes) and data, "preview must give (MIME type, bytes)"
