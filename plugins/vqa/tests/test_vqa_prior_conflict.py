"""benchmarks/vqa_prior_conflict.py: test questions sorted by what training says of them, and runs' accuracy."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "vqa_prior_conflict.py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300)


def load_script():
    spec = importlib.util.spec_from_file_location("vqa_prior_conflict", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_groups_follow_the_training_split():
    from bindcore_shapeworld.qa import ShapeWorldQA, ShapeWorldQAConfig

    script = load_script()
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
