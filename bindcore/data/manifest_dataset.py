"""The `manifest` dataset: a JSONL/CSV manifest as a map-style dataset of raw items."""

from __future__ import annotations

from pydantic import Field

from bindcore.data.manifest import read_manifest
from bindcore.specs import StrictModel


class ManifestConfig(StrictModel):
    """Settings of the manifest dataset.

    Attributes:
        path: the manifest file.
        modalities: columns to read (default: every non-reserved column).
        split_column: rows whose ``split`` equals the requested split are kept; rows without one belong to "train".
    """

    path: str
    modalities: list[str] | None = None
    split_column: bool = Field(True, description="filter rows by their `split` value")


class ManifestDataset:
    """A list of {modality: raw item} dicts read from a manifest, with ``label`` and ``id`` kept alongside."""

    def __init__(self, cfg: ManifestConfig, split: str = "train"):
        rows = list(read_manifest(cfg.path, modalities=cfg.modalities))
        if cfg.split_column:
            rows = [r for r in rows if (r.split or "train") == split]
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> dict:
        row = self.rows[index]
        return {**row.items, "_id": row.id, "_line": row.line, "_label": row.label}


def build_manifest_dataset(cfg: ManifestConfig, split: str) -> ManifestDataset:
    return ManifestDataset(cfg, split)
