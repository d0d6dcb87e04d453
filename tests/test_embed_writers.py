"""`bindcore embed` outputs are streamed: every format reads back exactly, and the writer holds no rows in memory."""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest
import torch

from bindcore.cli.embed_writers import EmbeddingWriter, OutputError
from bindcore.embedding import EmbedBatch


def batches(n_batches: int, size: int = 4, dim: int = 6, modality: str = "a", seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    for b in range(n_batches):
        ids = [f"{modality}/item {b * size + i}" for i in range(size)]
        yield EmbedBatch(modality, list(range(size)), ids, torch.randn(size, dim, generator=gen))


def expected(n_batches: int, modality: str = "a", seed: int = 0):
    rows = list(batches(n_batches, modality=modality, seed=seed))
    return torch.cat([b.embeddings for b in rows]).numpy(), [i for b in rows for i in b.ids]


def write(path, parts: dict[str, int]):
    writer = EmbeddingWriter(path, list(parts))
    for seed, (name, n) in enumerate(parts.items()):
        for batch in batches(n, modality=name, seed=seed):
            writer.add(batch)
    return writer.close()


def test_npz_reads_back(tmp_path):
    write(tmp_path / "out.npz", {"a": 3, "b": 2})
    with np.load(tmp_path / "out.npz") as f:
        for seed, name in enumerate(["a", "b"]):
            rows, ids = expected(3 if name == "a" else 2, name, seed)
            assert np.array_equal(f[name], rows) and f[name].dtype == np.float32
            assert f[f"{name}_ids"].tolist() == ids


def test_npy_reads_back_with_ids_beside_it(tmp_path):
    write(tmp_path / "out.npy", {"a": 3})
    rows, ids = expected(3)
    assert np.array_equal(np.load(tmp_path / "out.npy"), rows)
    assert json.loads((tmp_path / "out.ids.json").read_text()) == ids


def test_safetensors_reads_back_with_ids_in_the_metadata(tmp_path):
    from safetensors import safe_open

    write(tmp_path / "out.safetensors", {"a": 3, "b": 1})
    with safe_open(str(tmp_path / "out.safetensors"), "np") as f:
        meta = f.metadata()
        for seed, name in enumerate(["a", "b"]):
            rows, ids = expected(3 if name == "a" else 1, name, seed)
            assert np.array_equal(f.get_tensor(name), rows)
            assert json.loads(meta[f"{name}_ids"]) == ids


def test_jsonl_reads_back(tmp_path):
    write(tmp_path / "out.jsonl", {"a": 2})
    rows, ids = expected(2)
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["id"] for r in lines] == ids
    assert np.allclose([r["embedding"] for r in lines], rows)


def test_abort_leaves_nothing_and_keeps_the_old_output(tmp_path):
    (tmp_path / "out.npz").write_bytes(b"old")
    writer = EmbeddingWriter(tmp_path / "out.npz", ["a"])
    for batch in batches(2):
        writer.add(batch)
    writer.abort()
    assert [p.name for p in tmp_path.iterdir()] == ["out.npz"]
    assert (tmp_path / "out.npz").read_bytes() == b"old"


def test_close_removes_the_spools(tmp_path):
    write(tmp_path / "out.safetensors", {"a": 2, "b": 2})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.safetensors"]


@pytest.mark.parametrize("name, modalities, match", [("out.txt", ["a"], "must end in"),
                                                     ("out.npy", ["a", "b"], "one modality")])
def test_refused_outputs(tmp_path, name, modalities, match):
    with pytest.raises(OutputError, match=match):
        EmbeddingWriter(tmp_path / name, modalities)


@pytest.mark.parametrize("suffix", [".npz", ".npy", ".safetensors"])
def test_memory_stays_flat_while_writing(tmp_path, suffix):
    """2,000 batches of (8, 1024) float32 rows (64 MiB) pass through a writer that keeps well under 1 MiB."""
    writer = EmbeddingWriter(tmp_path / f"out{suffix}", ["a"])
    rng = np.random.default_rng(0)
    tracemalloc.start()  # sees numpy's buffers: the rows below are allocated by numpy, so rows kept would show
    try:
        for b in range(2000):
            z = torch.from_numpy(rng.standard_normal((8, 1024), dtype=np.float32))  # (8, 1024)
            writer.add(EmbedBatch("a", list(range(8)), [str(b * 8 + i) for i in range(8)], z))
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    writer.close()
    assert held < 2**20, f"the writer holds {held / 2**20:.1f} MiB after 64 MiB of rows"
    if suffix != ".safetensors":
        shape = np.load(tmp_path / f"out{suffix}", mmap_mode="r")
        assert (shape["a"] if suffix == ".npz" else shape).shape == (16000, 1024)


def test_cli_embeds_one_modality_of_a_directory_to_npy(tmp_path, toy_host):
    """`bindcore embed` loads only the modalities it embeds (the other's weights are gone) and streams .npy."""
    from bindcore.model import build_model

    from tests.test_cli import bindcore_cli

    config = {"embed_dim": 8, "modalities": {"a": {"type": "toy", "width": 16, "blocks": 1, "heads": 2},
                                             "b": {"type": "toy", "width": 16, "blocks": 1, "heads": 2}}}
    build_model(config, host=toy_host, seed=0).save(tmp_path / "m")
    (tmp_path / "m" / "weights" / "b.safetensors").unlink()
    result = bindcore_cli("embed", "--model", str(tmp_path / "m"), "a:1,2,3", "a:4,5", "-o", str(tmp_path / "z.npy"))
    assert result.returncode == 0, result.stderr
    assert np.load(tmp_path / "z.npy").shape == (2, 8)
    assert json.loads((tmp_path / "z.ids.json").read_text()) == ["1,2,3", "4,5"]
    assert "outside the forward pass" in result.stderr
