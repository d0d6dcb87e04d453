"""Deterministic train/val/test partitions of a labelled collection."""

from __future__ import annotations

import numpy as np

from bindcore.errors import ConfigError

SPLITS = ("train", "val", "test")


def check_split(dataset: str, split: str, available=SPLITS) -> str:
    if split not in available:
        raise ConfigError(f"{dataset}: unknown split {split!r}; choose from {list(available)}")
    return split


def stratified_split(labels: np.ndarray, split: str, val_fraction: float, test_fraction: float, seed: int = 0) -> np.ndarray:
    """Indices of ``split``: per class, a fixed shuffle cut into test, val and train parts (same for every run)."""
    rng = np.random.default_rng(seed)
    out = []
    for cls in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == cls))
        n_test, n_val = int(round(len(idx) * test_fraction)), int(round(len(idx) * val_fraction))
        parts = {"test": idx[:n_test], "val": idx[n_test:n_test + n_val], "train": idx[n_test + n_val:]}
        out.append(parts[split])
    return np.sort(np.concatenate(out))
