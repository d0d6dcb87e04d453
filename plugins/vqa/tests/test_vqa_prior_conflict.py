"""benchmarks/vqa_prior_conflict.py on a trained run (the grouping itself: tests/test_benchmarks.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "vqa_prior_conflict.py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300)


def test_prints_the_groups_and_a_runs_accuracy(trained_run):
    r = run(str(trained_run), "--items", "12")
    assert r.returncode == 0, r.stderr
    tables = r.stdout.split("\n\n")
    counts = {line.split("|")[1].strip(): line.split("|")[2:5] for line in tables[0].splitlines()[2:]}
    assert sum(int(n) for n in counts["all"]) == 12
    last = tables[-1].splitlines()[-1]
    assert last.startswith("| all |  |") and last.endswith("(12) |")


def test_bad_inputs_are_one_clear_error(tmp_path):
    r = run(str(tmp_path))
    assert r.returncode == 2 and "config" in r.stderr and "Traceback" not in r.stderr
    r = run("--config", str(tmp_path / "missing.yaml"))
    assert r.returncode == 2 and "missing.yaml" in r.stderr and "Traceback" not in r.stderr
