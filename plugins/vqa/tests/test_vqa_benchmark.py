"""Smoke run of benchmarks/vqa_shapeworld.py (--quick: 3 steps per variant); it prints the table, never asserts time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_vqa_benchmark_quick(tmp_path):
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "vqa_shapeworld.py"), "--quick", "--jobs", "3",
                             "--threads", "1", "--workdir", str(tmp_path)], capture_output=True, text=True, cwd=REPO,
                            env=env, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "| model | colour | count | exists | relation | shape | size | overall | train (s) |" in result.stdout
    for name in ("question only", "late fusion (concat_mlp)", "cross-attention"):
        assert f"| {name} |" in result.stdout
