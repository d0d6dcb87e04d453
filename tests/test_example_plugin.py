"""The example of docs/plugins.md (docs/examples/bindcore-ecg) installs with pip and works end to end.

The example is pip-installed into a temporary folder that only the subprocesses see (PYTHONPATH), so the
venv is never touched; BINDCORE_LOAD_PLUGINS=ecg keeps the other installed plugins out of the way.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "examples" / "bindcore-ecg"
MAX_LINES = 100

# Run with PYTHONPATH=<install target>: the contract check (the example's own test too) and a saved model.
SETUP_SCRIPT = """
import importlib.util, sys
import bindcore
from bindcore.testing import check_modality, load_host

check_modality(load_host().modalities.get("ecg"))
spec = importlib.util.spec_from_file_location("example_test_ecg", sys.argv[2])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
module.test_contract()
config = {"embed_dim": 16, "modalities": {"ecg": {"width": 32, "blocks": 1, "heads": 2, "source_rate": 500}}}
bindcore.build_model(config, seed=0).save(sys.argv[1])
"""


def example_python_lines() -> dict[str, int]:
    """{relative path: line count} of every .py file of the example."""
    files = sorted(p for p in EXAMPLE.rglob("*.py") if "__pycache__" not in p.parts)
    return {str(p.relative_to(EXAMPLE)): len(p.read_text().splitlines()) for p in files}


def test_example_is_under_100_lines():
    lines = example_python_lines()
    assert "bindcore_ecg/plugin.py" in lines
    assert sum(lines.values()) < MAX_LINES, f"the example has {sum(lines.values())} lines of Python: {lines}"


def test_example_imports_only_bindcore_numpy_torch():
    import ast

    allowed = {"bindcore", "bindcore_ecg", "numpy", "torch", "pydantic", "functools"}
    for rel in example_python_lines():
        tree = ast.parse((EXAMPLE / rel).read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            assert not [n for n in names if n.split(".")[0] not in allowed], f"{rel} imports {names}"


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("bindcore")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bindcore"]


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)
    if result.returncode not in (0, 3):
        pytest.fail(f"{' '.join(cmd)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Installs the example with pip into a temporary target; returns (work dir, subprocess env)."""
    if importlib.util.find_spec("setuptools") is None:
        pytest.fail("setuptools (the example's build backend) is missing: pip install -e '.[dev]'")
    work = tmp_path_factory.mktemp("ecg")
    source, target = work / "src", work / "site"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    pip = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-index", "--no-deps",
           "--no-build-isolation", "--target", str(target), str(source)]
    result = subprocess.run(pip, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"pip install of the example failed:\n{result.stdout}\n{result.stderr}"
    assert (target / "bindcore_ecg" / "plugin.py").is_file()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BINDCORE_")}
    env.update(PYTHONPATH=str(target), BINDCORE_LOAD_PLUGINS="ecg", BINDCORE_STRICT_PLUGINS="1")
    return work, env


def test_installed_example_lists_checks_and_embeds(installed):
    work, env = installed
    plugins = json.loads(_run([*_cli(), "plugins", "--json"], env, work).stdout)
    ecg = next((p for p in plugins if p["name"] == "ecg"), None)
    assert ecg and ecg["status"] == "ok" and ecg["hooks"] == ["register_modalities"], plugins
    assert ecg["module"] == "bindcore_ecg.plugin" and ecg["version"] == "0.1.0"
    modalities = json.loads(_run([*_cli(), "list", "modalities", "--json"], env, work).stdout)
    assert [m["name"] for m in modalities] == ["ecg"] and modalities[0]["plugin"] == "ecg"

    model_dir = work / "ecg_model"
    _run([sys.executable, "-c", SETUP_SCRIPT, str(model_dir), str(EXAMPLE / "tests" / "test_ecg.py")], env, work)
    assert (model_dir / "config.yaml").is_file()

    t = np.arange(5000) / 500.0  # 10 s at 500 Hz
    np.save(work / "beat.npy", np.sin(2 * np.pi * 1.2 * t) + 0.1 * np.sin(2 * np.pi * 25 * t))
    np.save(work / "flat.npy", np.zeros(5000))
    result = _run([*_cli(), "embed", "--model", str(model_dir), "ecg:beat.npy", "ecg:flat.npy",
                   "--on-error", "skip", "-o", "out.npz"], env, work)
    assert result.returncode == 3, result.stderr  # one item failed, reported, the rest written
    assert "flat.npy: the recording is flat" in result.stderr
    assert "embedded 1 of 2 items" in result.stderr
    with np.load(work / "out.npz") as out:
        assert out["ecg"].shape == (1, 16)
        assert list(out["ecg_ids"]) == ["beat.npy"]
        assert np.allclose(np.linalg.norm(out["ecg"], axis=1), 1.0, atol=1e-4)
