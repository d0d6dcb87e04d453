"""The core knows no modality: it imports no plugin and holds no modality name."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "bindcore"
PLUGINS = Path(__file__).resolve().parents[1] / "plugins"
MODALITY_WORDS = {"image", "text", "audio", "depth", "thermal", "imu", "vision", "vqa", "shapeworld"}


def _python_files(root: Path):
    return sorted(p for p in root.rglob("*.py") if "tests" not in p.parts)


def test_core_holds_no_modality_name_literal():
    offenders = []
    for path in _python_files(CORE):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() in MODALITY_WORDS:
                offenders.append(f"{path.relative_to(CORE.parent)}:{node.lineno} {node.value!r}")
    assert not offenders, "the core names modalities:\n" + "\n".join(offenders)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_no_plugin():
    bad = [str(p) for p in _python_files(CORE) if any(n.startswith("bindcore_") for n in _imports(p))]
    assert not bad


def test_plugins_never_import_each_other():
    for plugin_dir in sorted(PLUGINS.iterdir()):
        own = {p.name for p in plugin_dir.glob("bindcore_*")}
        for path in plugin_dir.rglob("*.py"):
            foreign = {n for n in _imports(path) if n.startswith("bindcore_") and n not in own}
            assert not foreign, f"{path} imports another plugin: {foreign}"


def test_import_bindcore_loads_no_plugin_and_no_torch():
    code = ("import sys, bindcore; bad = [m for m in sys.modules if m.startswith('bindcore_') or m == 'torch'];"
            "print(bad); assert not bad")
    subprocess.run([sys.executable, "-c", code], check=True)
