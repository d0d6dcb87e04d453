"""Low-memory inference (bindcore/weight_paging.py): memory-mapped weights are released after each module runs,
embeddings do not change, and training or in-place edits are refused instead of being silently undone."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import torch

from bindcore.checkpoint import load_model
from bindcore.model import build_model
from bindcore.weight_paging import WeightPagingError, disable_weight_paging, enable_weight_paging

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/smaps and pagemap")

# Weights big enough that most of the file lies in whole pages (qkv 128x384 fp32 is 48 pages).
CONFIG = {"embed_dim": 8, "modalities": {"a": {"type": "toy", "width": 128, "blocks": 2, "heads": 2}}}
ITEMS = [[1.0, 2.0, 3.0], list(range(20)), [0.5] * 7]


@pytest.fixture
def saved(toy_host, tmp_path):
    build_model(CONFIG, host=toy_host, seed=0).save(tmp_path / "m")
    return tmp_path / "m"


def mapping_rss_kib(address: int) -> int:
    """Rss of the memory mapping holding ``address``, read from /proc/self/smaps (independent of the pager)."""
    inside = False
    for line in open("/proc/self/smaps"):
        head = line.split(maxsplit=1)[0]
        if "-" in head and not head.endswith(":"):
            lo, hi = (int(x, 16) for x in head.split("-"))
            inside = lo <= address < hi
        elif inside and head == "Rss:":
            return int(line.split()[1])
    raise AssertionError(f"no mapping holds {address:#x}")


def embed(model):
    return model.embed({"a": ITEMS}, progress=False)["a"]


def test_paged_embeddings_equal_resident_ones_bit_for_bit(saved, toy_host):
    plain = load_model(saved, host=toy_host)
    paged = load_model(saved, host=toy_host, low_memory=True)
    assert paged.modality("a")._weight_pager is not None
    first, second = embed(paged), embed(paged)  # the second pass maps the released pages back
    expected = embed(plain)
    assert torch.equal(first, expected) and torch.equal(second, expected)


def test_pages_are_released_after_the_forward_pass(saved, toy_host):
    qkv = "trunk.blocks.0.attn.qkv.weight"
    for low_memory in (False, True):
        model = load_model(saved, host=toy_host, low_memory=low_memory)
        weights_kib = (saved / "weights" / "a.safetensors").stat().st_size // 1024
        address = model.modality("a").state_dict()[qkv].data_ptr()
        embed(model)
        embed(model)  # a page fault maps neighbouring cached pages too: those must not stay behind either
        rss = mapping_rss_kib(address)
        if low_memory:
            released_kib = model.modality("a")._weight_pager.nbytes // 1024
            assert released_kib > 0.8 * weights_kib
            assert rss <= weights_kib - released_kib + 8, (rss, weights_kib, released_kib)
        else:
            assert rss > 0.9 * weights_kib  # the pass read every weight and they stayed resident
        del model


def test_paged_parameters_refuse_training(saved, toy_host):
    model = load_model(saved, host=toy_host, low_memory=True)
    assert not any(p.requires_grad for p in model.parameters())
    x = model.preprocess("a", ITEMS)  # (B, 1, L)
    model.train()
    with pytest.raises(WeightPagingError, match="training mode"):
        model({"a": x})
    model.eval()
    model.modality("a").trunk.blocks[0].mlp.fc1.weight.requires_grad_(True)
    with pytest.raises(WeightPagingError, match="requires grad"):
        model({"a": x})


def test_weights_written_in_place_are_kept_not_reverted(saved, toy_host):
    model = load_model(saved, host=toy_host, low_memory=True)
    weight = model.modality("a").trunk.blocks[0].mlp.fc1.weight
    with torch.no_grad():
        weight.add_(1.0)
    edited = weight.clone()
    with pytest.raises(WeightPagingError, match="modified in place"):
        embed(model)
    assert torch.equal(weight, edited)  # releasing would have brought back the file's values


def test_disabled_paging_trains_again(saved, toy_host):
    model = load_model(saved, host=toy_host, low_memory=True)
    assert disable_weight_paging(model) == 1
    model.train()
    for p in model.parameters():
        p.requires_grad_(True)
    z = model({"a": model.preprocess("a", ITEMS)})["a"]  # (B, E)
    z.sum().backward()
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    assert torch.isfinite(z).all()


def test_weights_not_mapped_from_a_file_are_left_alone(toy_host):
    model = build_model(CONFIG, host=toy_host, seed=0).eval()  # random weights in anonymous memory
    before = embed(model)
    with pytest.warns(UserWarning, match="no weight is memory-mapped"):
        assert enable_weight_paging(model.modality("a")) is None
    assert torch.equal(embed(model), before)  # MADV_DONTNEED on anonymous memory would have zeroed them


def test_cli_pages_model_directories_on_the_cpu_by_default(saved):
    from bindcore.cli.embed_cmd import default_low_memory

    assert default_low_memory(str(saved), "cpu") and default_low_memory(str(saved.parent), "cpu") is False
    assert not default_low_memory("tiny", "cpu") and not default_low_memory(str(saved), "cuda:0")


def test_cli_low_memory_gives_the_same_embeddings(tmp_path, saved):
    from tests.test_cli import bindcore_cli

    outs = []
    for flag in (["--no-low-memory"], ["--low-memory"]):
        out = tmp_path / f"out{len(outs)}.npz"
        r = bindcore_cli("embed", "--model", str(saved), "a:1,2,3", "a:4,5", "--batch-size", "1", *flag, "-o", str(out))
        assert r.returncode == 0, r.stderr
        outs.append(np.load(out)["a"])
    assert np.array_equal(outs[0], outs[1])


@pytest.mark.slow
def test_weight_paging_benchmark_quick():
    from tests.test_benchmarks import run_script

    out = run_script("weight_paging.py", "--rounds", "1", "--modalities", "text")
    assert "| text | 26.5 | 1 | low_memory |" in out and "| True |" in out and "| False |" not in out
