"""A cheap fingerprint of a modality's weights, so that an index is never extended or queried with another model."""

from __future__ import annotations

import hashlib


def modality_fingerprint(modality) -> str:
    """sha256 (16 hex digits) over each tensor's name, shape, first 64 values and sum.

    Reads every weight once (a sum), so it distinguishes two trainings of one architecture and costs about
    as much as one pass over the weights.
    """
    import torch

    digest = hashlib.sha256()
    with torch.no_grad():
        for name, tensor in sorted(modality.state_dict().items()):
            flat = tensor.detach().reshape(-1).float().cpu()  # (numel,)
            digest.update(name.encode())
            digest.update(str(tuple(tensor.shape)).encode())
            digest.update(flat[:64].numpy().tobytes())
            digest.update(f"{float(flat.double().sum()):.6e}".encode())
    return digest.hexdigest()[:16]


def model_fingerprints(model) -> dict[str, str]:
    """{modality instance: fingerprint} of every modality ``model`` holds."""
    return {name: modality_fingerprint(model.modality(name)) for name in model.names}
