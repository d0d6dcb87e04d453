"""Smoke runs of the benchmark scripts (--quick) and a check of the official-layout generator they use.

The scripts print tables and never assert times; these tests only check that they run and print a table.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "benchmarks"
FIXTURE = REPO / "tests" / "fixtures" / "imagebind"


def run_script(name: str, *args: str, timeout: int = 300) -> str:
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}  # spinning OpenMP threads crawl on a shared machine
    result = subprocess.run([sys.executable, str(BENCH / name), "--quick", *args], capture_output=True, text=True,
                            cwd=REPO, env=env, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_embed_throughput_quick():
    out = run_script("embed_throughput.py")
    assert "| preset | modality | precision | items/s | trunk GFLOP/s | GEMM GFLOP/s | fraction |" in out
    assert "| tiny | audio | bf16 |" in out


def test_imagebind_huge_quick(tmp_path):
    out = run_script("imagebind_huge.py", "--workdir", str(tmp_path))
    assert "| preset | modality | precision | items/s |" in out
    assert "| child process | weights on disk (MiB) | peak RSS (MiB) |" in out
    assert "| step | checkpoint (MiB) | peak RSS (MiB) |" in out
    assert list(tmp_path.iterdir()) == []  # the heavy files are removed


def test_train_throughput_quick():
    out = run_script("train_throughput.py")
    assert "| num_workers | precision | batch | timed steps | samples/s |" in out


def test_official_layout_matches_the_reference_checkpoint(monkeypatch):
    """The generated official keys and shapes equal those of the checkpoint made with the official code."""
    monkeypatch.syspath_prepend(str(BENCH))
    import imagebind_huge

    reference = torch.load(FIXTURE / "imagebind_tiny.pth", map_location="cpu", weights_only=True, mmap=True)
    want = {k: tuple(v.shape) for k, v in reference.items()}
    assert imagebind_huge.official_shapes(imagebind_huge.QUICK_KWARGS) == want


def test_trunk_flops_formula():
    sys.path.insert(0, str(BENCH))
    try:
        from _common import trunk_flops
    finally:
        sys.path.remove(str(BENCH))
    B, N, D = 2, 5, 8
    assert trunk_flops(B, N, D, blocks=3, mlp_ratio=4.0) == 3 * (2 * B * N * 12 * D * D + 4 * B * N * N * D)


def test_imagebind_parity_prints_a_table():
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    r = subprocess.run([sys.executable, str(repo / "benchmarks" / "imagebind_parity.py")], capture_output=True,
                       text=True, cwd=repo, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "| official name | preprocess max abs diff |" in r.stdout and "| vision | 0.00e+00 |" in r.stdout


def test_supervised_probe_prints_a_table():
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    r = subprocess.run([sys.executable, str(repo / "benchmarks" / "supervised_probe.py"), "imu", "motion",
                        "--items", "128", "--steps", "4", "--test-items", "64"], capture_output=True, text=True,
                       cwd=repo, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "| step | train loss | held-out accuracy (imu motion" in r.stdout and "test, held-out combinations (" in r.stdout
    assert len([line for line in r.stdout.splitlines() if line.startswith("| 4 |")]) == 1


def test_supervised_probe_remedies_grey_and_label_smoothing():
    repo = Path(__file__).resolve().parents[1]
    script = [sys.executable, str(repo / "benchmarks" / "supervised_probe.py")]
    r = subprocess.run([*script, "image", "shape", "--items", "96", "--steps", "2", "--grey", "0.5",
                        "--label-smoothing", "0.3"], capture_output=True, text=True, cwd=repo, timeout=300)
    assert r.returncode == 0, r.stderr
    assert len([line for line in r.stdout.splitlines() if line.startswith("| 2 |")]) == 1
    r = subprocess.run([*script, "imu", "motion", "--grey", "0.5"], capture_output=True, text=True, cwd=repo, timeout=300)
    assert r.returncode == 2 and "--grey applies to the image modality only" in r.stderr


def test_anchor_probe_prints_one_row_per_task():
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    r = subprocess.run([sys.executable, str(repo / "benchmarks" / "anchor_probe.py"), "tiny", "--modality", "imu",
                        "--tasks", "motion", "size", "--train-items", "48", "--test-items", "16"],
                       capture_output=True, text=True, cwd=repo, timeout=300)
    assert r.returncode == 0, r.stderr
    rows = [line for line in r.stdout.splitlines() if line.startswith("| motion |") or line.startswith("| size |")]
    assert len(rows) == 2 and rows[0].endswith("| 0.167 |") and rows[1].endswith("| 0.500 |"), r.stdout


def test_vqa_prior_conflict_groups_follow_the_training_split():
    from bindcore_shapeworld.qa import ShapeWorldQA, ShapeWorldQAConfig

    spec = importlib.util.spec_from_file_location("vqa_prior_conflict", BENCH / "vqa_prior_conflict.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    world = ShapeWorldQAConfig(image_size=32, two_object_prob=0.5, sizes={"train": 300, "test": 60})
    items = script.grouped_test_items(world, 60, all_scenes=False)
    train = [ShapeWorldQA(world, "train").question(i)[3] for i in range(300)]
    test = script.test_split(world, all_scenes=False)
    assert len(items) == 60
    for kind, group, i in items:
        question, answer = test.question(i)[3]
        asked = {a for q, a in train if q == question}
        assert group == ("new" if not asked else "seen" if answer in asked else "against"), (question, answer, asked)
    # every colour question names the held-out object, whose colour no training object of that shape has
    assert {group for kind, group, _ in items if kind == "colour"} <= {"against", "new"}
