"""Smoke runs (--quick) of the search benchmarks: they run and print their tables (they never assert times)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_script(name: str, *args: str, timeout: int = 300) -> str:
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / name), "--quick", *args], capture_output=True,
                            text=True, cwd=REPO / "benchmarks", env=env, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.slow
def test_serve_load_quick_checks_every_answer():
    out = run_script("serve_load.py", "--clients", "1", "4")
    assert "| batching | endpoint | clients | requests | req/s | p50 ms | p99 ms | lost | wrong | mean batch |" in out
    assert "| /embed image | 4 |" in out and "4 clients / 1 client" in out
    assert " 0 lost, 0 wrong of " in out


def test_index_search_quick():
    out = run_script("index_search.py")
    assert "| n | dim | kind | auto picks | build s |" in out
    assert "| 5000 | 128 | hnsw | flat |" in out
