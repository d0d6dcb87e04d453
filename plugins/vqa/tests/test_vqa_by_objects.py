"""benchmarks/vqa_by_objects.py: accuracy per question type and number of objects, of a trained run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "vqa_by_objects.py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300)


def test_prints_one_row_per_type_and_object_count(trained_run):
    r = run(str(trained_run), "--types", "position,count", "--items", "16")  # 32-pixel scenes, as the run's
    assert r.returncode == 0, r.stderr
    rows = [line.split("|")[1:5] for line in r.stdout.splitlines()[2:]]
    assert all(line.endswith("| - |") != line.startswith("| position |") for line in r.stdout.splitlines()[2:])
    assert {(t.strip(), n.strip()) for t, n, _, _ in rows} <= {(t, n) for t in ("position", "count") for n in "12"}
    assert sum(int(q) for _, _, q, _ in rows) == 16 and {t.strip() for t, *_ in rows} == {"position", "count"}


def test_a_directory_without_a_head_is_one_clear_error(tmp_path):
    r = run(str(tmp_path))
    assert r.returncode == 2 and "holds no task head" in r.stderr and "Traceback" not in r.stderr
