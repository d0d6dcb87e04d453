"""Real accelerometer + gyroscope recordings (sktime's BasicMotions: 6 channels, 100 steps at 10 Hz)."""

import pytest
import torch

from bindcore.model import Modality
from bindcore.testing import load_host, small_config


def test_basic_motions_embed():
    datasets = pytest.importorskip("sktime.datasets")
    x, _ = datasets.load_basic_motions(return_type="numpy3D")  # (N, 6, 100)
    spec = load_host().modalities.get("imu")
    modality = Modality("imu", spec, small_config(spec, source_rate=10.0), 16).eval()
    batch = modality.preprocess([x[0], x[1].T, x[2]])  # (3, 6, 2000)
    assert batch.shape == (3, 6, 2000)
    with torch.no_grad():
        z = modality(batch)  # (3, 16)
    assert torch.isfinite(z).all() and torch.allclose(z.norm(dim=-1), torch.ones(3), atol=1e-4)
