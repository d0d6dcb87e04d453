"""Symmetric InfoNCE over paired embeddings, with negatives gathered from every rank (with gradients)."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def gather_with_grad(x: torch.Tensor) -> torch.Tensor:
    """Concatenates ``x`` from every rank along dim 0; gradients flow back to each rank's own rows."""
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return x
    from torch.distributed.nn.functional import all_gather

    return torch.cat(all_gather(x), dim=0)  # (W*B, E)


def info_nce(a: torch.Tensor, b: torch.Tensor, scale: torch.Tensor | float) -> torch.Tensor:
    """Symmetric InfoNCE of paired unit-norm embeddings (row i of ``a`` matches row i of ``b``).

    Under torch.distributed each rank scores its own rows against every rank's rows (open_clip's
    "local loss"), so the mean over ranks equals the single-process loss on the global batch.

    Args:
        a: (B, E) anchor embeddings.
        b: (B, E) partner embeddings.
        scale: the logit scale (inverse temperature).

    Returns:
        () the mean of the a->b and b->a cross-entropies.
    """
    import torch.distributed as dist

    all_a, all_b = gather_with_grad(a), gather_with_grad(b)  # (W*B, E)
    rank = dist.get_rank() if dist.is_available() and dist.is_initialized() else 0
    labels = torch.arange(a.shape[0], device=a.device) + rank * a.shape[0]  # (B,)
    logits_ab = scale * a @ all_b.T  # (B, W*B)
    logits_ba = scale * b @ all_a.T  # (B, W*B)
    return (F.cross_entropy(logits_ab.float(), labels) + F.cross_entropy(logits_ba.float(), labels)) / 2
