"""The core's own plugin: registers the generic `manifest` dataset (it names no modality)."""

from __future__ import annotations

from bindcore.hookspecs import hookimpl
from bindcore.specs import DatasetSpec


@hookimpl
def register_datasets(register):
    from bindcore.data.manifest_dataset import ManifestConfig, build_manifest_dataset

    register(DatasetSpec(name="manifest", Config=ManifestConfig, build=build_manifest_dataset,
                         summary="your own data: a JSONL or CSV file whose columns are modality names"))
