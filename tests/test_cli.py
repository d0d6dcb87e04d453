"""The command line, run in a subprocess with only the toy plugin (as a user would run it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
TOY_BOOT = (
    "import sys, bindcore.plugin_host as ph; from tests.fakes import toy;"
    "ph._DEFAULT_HOST = ph.PluginHost.load(autoload=False, extra=[('toy', toy)], strict=True);"
    "from bindcore.cli import main; sys.exit(main(sys.argv[1:]))"
)


def bindcore_cli(*args, toy=True, cwd=REPO, env=None):
    cmd = [sys.executable, "-c", TOY_BOOT, *args] if toy else [sys.executable, "-m", "bindcore", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})}, timeout=300)


@pytest.fixture(scope="module")
def toy_model_dir(tmp_path_factory):
    from bindcore.model import build_model
    from bindcore.plugin_host import PluginHost
    import bindcore.plugin_host as ph
    from tests.fakes import toy

    host = PluginHost.load(autoload=False, extra=[("toy", toy)], strict=True)
    old, ph._DEFAULT_HOST = ph._DEFAULT_HOST, host
    try:
        path = tmp_path_factory.mktemp("model") / "toy"
        build_model({"embed_dim": 8, "modalities": {"toy": {"width": 16, "blocks": 1, "heads": 2}}}, host=host, seed=0).save(path)
    finally:
        ph._DEFAULT_HOST = old
    return path


def test_help_and_version():
    r = bindcore_cli("--help", toy=False)
    assert r.returncode == 0 and "embed" in r.stdout and "plugins" in r.stdout
    assert bindcore_cli("--version", toy=False).stdout.startswith("bindcore ")


def test_plugins_json_lists_installed():
    r = bindcore_cli("plugins", "--json", toy=False)
    assert r.returncode == 0, r.stderr
    assert all({"name", "version", "hooks", "status", "error"} <= set(p) for p in json.loads(r.stdout))


def test_list_modalities_json():
    r = bindcore_cli("list", "modalities", "--json")
    assert json.loads(r.stdout) == [{"name": "toy", "plugin": "toy", "summary": "toy vectors"}]


def test_broken_plugin_keeps_cli_working(tmp_path):
    (tmp_path / "brokenplug.py").write_text("raise ImportError('nope')\n")
    dist = tmp_path / "brokenplug-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: brokenplug\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[bindcore]\nbroken = brokenplug\n")
    r = bindcore_cli("plugins", "--json", toy=False, env={"PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO}"})
    assert r.returncode == 0
    broken = [p for p in json.loads(r.stdout) if p["name"] == "broken"][0]
    assert broken["status"] == "failed" and "nope" in broken["error"]
    assert "BINDCORE_DISABLE_PLUGINS=broken" in r.stderr


def test_embed_npz_and_manifest(tmp_path, toy_model_dir):
    manifest = tmp_path / "items.jsonl"
    manifest.write_text(json.dumps({"id": "row1", "toy": [1, 2, 3]}) + "\n" + json.dumps({"toy": [4, 5]}) + "\n")
    out = tmp_path / "out.npz"
    r = bindcore_cli("embed", "--model", str(toy_model_dir), "toy:7,8", "--manifest", str(manifest), "-o", str(out))
    assert r.returncode == 0, r.stderr
    z = np.load(out)
    assert z["toy"].shape == (3, 8) and list(z["toy_ids"]) == ["7,8", "row1", "2"]
    assert np.allclose(np.linalg.norm(z["toy"], axis=1), 1, atol=1e-5)


def test_embed_jsonl(tmp_path, toy_model_dir):
    out = tmp_path / "out.jsonl"
    r = bindcore_cli("embed", "--model", str(toy_model_dir), "toy:1", "toy:2", "-o", str(out))
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["1", "2"] and len(rows[0]["embedding"]) == 8


def test_embed_bad_item_raise_and_skip(tmp_path, toy_model_dir):
    out = tmp_path / "out.npz"
    r = bindcore_cli("embed", "--model", str(toy_model_dir), "toy:1", "toy:hello", "-o", str(out))
    assert r.returncode == 1 and "hello" in r.stderr and "Traceback" not in r.stderr and not out.exists()
    r = bindcore_cli("embed", "--model", str(toy_model_dir), "toy:1", "toy:hello", "--on-error", "skip", "-o", str(out))
    assert r.returncode == 3 and r.stderr.count("failed: toy item hello") == 1
    assert np.load(out)["toy"].shape == (1, 8)


@pytest.mark.parametrize("args", [["--model", "x", "-o", "o.npz"], ["--model", "x", "toy", "-o", "o.npz"],
                                  ["--model", "x", "toy:1", "-o", "o.txt"], ["-o", "o.npz", "toy:1"]])
def test_embed_usage_errors_exit_2(args, tmp_path):
    r = bindcore_cli("embed", *args, cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_embed_unknown_model_is_one_line(tmp_path):
    r = bindcore_cli("embed", "--model", "no_such_preset", "toy:1", "-o", str(tmp_path / "o.npz"))
    assert r.returncode == 1 and r.stderr.startswith("error: unknown preset") and "Traceback" not in r.stderr


def test_config_validate_typo_suggests(tmp_path):
    cfg = tmp_path / "m.yaml"
    cfg.write_text("embed_dim: 8\nmodalities:\n  toy: {widht: 16}\n")
    r = bindcore_cli("config", "validate", str(cfg))
    assert r.returncode == 1 and "toy.widht: unknown key; did you mean 'width'" in r.stderr
    r = bindcore_cli("config", "validate", str(cfg), "modalities.toy={width: 16, heads: 2}")
    assert r.returncode == 0, r.stderr
