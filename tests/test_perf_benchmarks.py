"""Smoke runs of the performance benchmark scripts (small sizes): they run and print their tables; no times asserted."""

from __future__ import annotations

import pytest

from tests.test_benchmarks import run_script


@pytest.mark.slow
def test_trunk_efficiency_quick():
    out = run_script("trunk_efficiency.py")
    assert "| trunk | precision | variant | block ms (median) | block GFLOP/s | GEMM GFLOP/s |" in out
    assert "| audio 3×57×192, 4 heads, bias-kv | bf16 | attention without SDPA |" in out


@pytest.mark.slow
def test_startup_quick(tmp_path):
    out = run_script("startup.py", "--workdir", str(tmp_path), "--repeats", "1", "--modalities", "audio", timeout=900)
    assert "| tree | command | wall s (median) |" in out
    assert "bindcore embed --model DIR audio:ITEM -o out.npz" in out


@pytest.mark.slow
def test_embed_pipeline_quick():
    out = run_script("embed_pipeline.py", timeout=900)
    assert "| tiny (random) | audio | 16 | 2 |" in out
    assert "| bindcore embed -o out.safetensors | 200 |" in out


@pytest.mark.slow
def test_precision_fixture():
    from tests.test_benchmarks import BENCH, REPO
    import subprocess
    import sys

    out = subprocess.run([sys.executable, str(BENCH / "precision.py")], capture_output=True, text=True, cwd=REPO,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "| ImageBind fixture (tiny, random) | imu | 3 | bf16 | bf16 autocast |" in out.stdout
