"""Training through the entry point: outputs, determinism, resume after a kill, NaN stop, DDP, manifest data."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
import yaml
from safetensors.torch import load_file

from bindcore.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
SMALL = {"width": 32, "blocks": 1, "heads": 2}


def write_config(tmp_path: Path, name: str = "run", **changes) -> Path:
    cfg = {
        "out_dir": str(tmp_path / name),
        "seed": 0,
        "model": {"embed_dim": 16, "modalities": {
            "image": {**SMALL, "image_size": 32, "patch_size": 8},
            "text": {**SMALL, "context_length": 16},
            "audio": {**SMALL, "num_mel_bins": 32, "target_length": 50, "clips_per_item": 1, "clip_duration": 0.5},
            "imu": {**SMALL, "length": 64, "model_rate": 40.0}}},
        "data": {"dataset": {"name": "shapeworld", "params": {"image_size": 32, "audio_seconds": 0.5, "imu_length": 64}},
                 "batch_size": 8},
        "stages": [{"name": "anchor", "recipe": "contrastive", "anchor": "image", "modalities": ["text"], "steps": 4},
                   {"name": "bind", "recipe": "bind", "anchor": "image", "modalities": ["audio", "imu"], "steps": 4}],
        "trainer": {"log_every": 1, "checkpoint_every": 2, "progress": False},
    }
    cfg.update(changes)
    path = tmp_path / f"{name}.yaml"
    path.write_text("# bindcore train " + str(path) + "\n" + yaml.safe_dump(cfg))
    return path


def metrics(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]


def weights(run: Path) -> dict[str, torch.Tensor]:
    out = {}
    for f in sorted((run / "checkpoint" / "weights").iterdir()):
        out.update({f"{f.stem}.{k}": v for k, v in load_file(str(f)).items()})
    return out


def cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "bindcore", *args], capture_output=True, text=True, cwd=REPO, **kw)


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    from bindcore.train.run import train

    tmp = tmp_path_factory.mktemp("ref")
    return train(str(write_config(tmp)))


def test_run_writes_checkpoint_metrics_and_tensorboard(reference_run, host):
    from bindcore.checkpoint import load_model

    rows = metrics(reference_run)
    assert [r["global_step"] for r in rows] == list(range(1, 9))
    assert {"loss/text"} <= set(rows[0]) and {"loss/audio", "loss/imu"} <= set(rows[-1])
    assert all(r["loss"] > 0 and r["samples_per_s"] > 0 for r in rows)
    assert any((reference_run / "tensorboard").iterdir())
    model = load_model(reference_run, host=host)
    assert set(model.names) == {"image", "text", "audio", "imu"}


def test_bind_keeps_the_anchor_frozen(reference_run, tmp_path):
    from bindcore.train.run import train

    run = train(str(write_config(tmp_path, stages=[
        {"name": "anchor", "recipe": "contrastive", "anchor": "image", "modalities": ["text"], "steps": 4}])))
    a, b = weights(run), weights(reference_run)
    assert all(torch.equal(a[k], b[k]) for k in a if k.startswith("image."))
    assert not all(torch.equal(a[k], b[k]) for k in b if k.startswith("audio.") and k in a)


def test_same_config_gives_identical_losses(reference_run, tmp_path):
    from bindcore.train.run import train

    again = train(str(write_config(tmp_path)))
    assert [r["loss"] for r in metrics(again)] == [r["loss"] for r in metrics(reference_run)]


def test_resume_after_kill_matches_uninterrupted_run(reference_run, tmp_path):
    config = write_config(tmp_path, "killed")
    run = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "bindcore", "train", str(config)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        if (run / "metrics.jsonl").is_file() and len(metrics(run)) >= 3:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = metrics(run)[-1]["global_step"] if (run / "metrics.jsonl").is_file() else 0
    assert done < 8, "the run finished before it could be killed"
    r = cli("train", str(config), "--resume")
    assert r.returncode == 0, r.stderr
    a, b = weights(run), weights(reference_run)
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    assert [r["loss"] for r in metrics(run)] == [r["loss"] for r in metrics(reference_run)]


def test_existing_run_needs_resume_and_same_config(reference_run, tmp_path):
    config = write_config(tmp_path, "again", out_dir=str(reference_run))
    r = cli("train", str(config))
    assert r.returncode == 1 and "pass --resume" in r.stderr
    config = write_config(tmp_path, "changed", out_dir=str(reference_run), seed=1)
    r = cli("train", str(config), "--resume")
    assert r.returncode == 1 and "different seed" in r.stderr


def test_non_finite_loss_stops_and_keeps_last_checkpoint(tmp_path, monkeypatch):
    from bindcore.train import recipes
    from bindcore.train.loop import TrainingError
    from bindcore.train.run import train

    real, calls = recipes.stage_losses, {"n": 0}

    def poisoned(*args):
        calls["n"] += 1
        losses = real(*args)
        return {k: v * float("nan") for k, v in losses.items()} if calls["n"] == 3 else losses

    monkeypatch.setattr(recipes, "stage_losses", poisoned)
    with pytest.raises(TrainingError, match=r"loss became nan at step 3 of stage 'anchor'.*last good checkpoint"):
        train(str(write_config(tmp_path)))
    state = torch.load(tmp_path / "run" / "checkpoint" / "train_state.pt", weights_only=True)
    assert (state["stage"], state["step"]) == (0, 2)


def test_overrides_and_config_errors(tmp_path, host):
    from bindcore.train.run import load_run_config

    config = write_config(tmp_path)
    cfg, _ = load_run_config(str(config), ["trainer.precision=bf16"], host)
    assert cfg.trainer.precision == "bf16"
    with pytest.raises(ConfigError, match=r"trainer\.precison: unknown key; did you mean 'precision'"):
        load_run_config(str(config), ["trainer.precison=bf16"], host)
    with pytest.raises(ConfigError, match="the model has no modality 'depth'"):
        load_run_config(str(write_config(tmp_path, "x", stages=[
            {"name": "b", "recipe": "bind", "anchor": "image", "modalities": ["depth"], "steps": 1}])), [], host)
    with pytest.raises(ConfigError, match=r"data\.dataset\.name: unknown dataset 'shapewrld'; did you mean 'shapeworld'"):
        load_run_config(str(config), ["data.dataset.name=shapewrld"], host)


def test_bf16_run(tmp_path):
    from bindcore.train.run import train

    run = train(str(write_config(tmp_path, trainer={"precision": "bf16", "log_every": 1, "progress": False})))
    assert all(torch.isfinite(torch.tensor(r["loss"])) for r in metrics(run))


def test_manifest_data_reports_bad_lines(tmp_path):
    import numpy as np
    from PIL import Image

    from bindcore.train.run import train

    rows = []
    for i in range(12):
        Image.fromarray(np.full((32, 32, 3), i * 20, np.uint8)).save(tmp_path / f"{i}.png")
        rows.append({"image": f"{i}.png", "text": f"a picture of shade {i}"})
    rows[3]["image"] = "missing.png"
    (tmp_path / "pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    config = write_config(tmp_path, data={"dataset": {"name": "manifest", "params": {"path": str(tmp_path / "pairs.jsonl")}},
                                          "batch_size": 12},
                          stages=[{"name": "a", "recipe": "contrastive", "anchor": "image", "modalities": ["text"], "steps": 2}])
    with pytest.warns(RuntimeWarning, match=r"item 4 \(line 4\): .*missing.png: file not found"):
        run = train(str(config))
    assert metrics(run)[-1]["skipped"] >= 1


@pytest.mark.skipif(not torch.distributed.is_available(), reason="torch.distributed is not built")
def test_two_process_ddp_step1_loss_equals_single_process(tmp_path):
    stages = [{"name": "anchor", "recipe": "contrastive", "anchor": "image", "modalities": ["text"], "steps": 1}]
    single = write_config(tmp_path, "single", stages=stages)
    double = write_config(tmp_path, "double", stages=stages)
    assert cli("train", str(single)).returncode == 0
    torchrun = Path(sys.executable).with_name("torchrun")
    r = subprocess.run([str(torchrun), "--nproc-per-node", "2", "--master-port", "29517", "-m", "bindcore", "train",
                        str(double)], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert metrics(tmp_path / "double")[0]["loss"] == pytest.approx(metrics(tmp_path / "single")[0]["loss"], abs=1e-5)


def test_mixed_manifest_pairs_each_partner_with_its_own_rows(tmp_path):
    import numpy as np
    import soundfile as sf
    from PIL import Image

    from bindcore.train.run import train

    rows = []
    for i in range(16):
        Image.fromarray(np.full((32, 32, 3), i * 15, np.uint8)).save(tmp_path / f"{i}.png")
        if i % 2:
            sf.write(tmp_path / f"{i}.wav", np.sin(np.arange(8000) * (i + 1) / 50).astype(np.float32), 16000)
            rows.append({"image": f"{i}.png", "audio": f"{i}.wav"})
        else:
            rows.append({"image": f"{i}.png", "text": f"shade number {i}"})
    (tmp_path / "mixed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    config = write_config(tmp_path, data={"dataset": {"name": "manifest", "params": {"path": str(tmp_path / "mixed.jsonl")}},
                                          "batch_size": 16},
                          stages=[{"name": "b", "recipe": "bind", "anchor": "image", "modalities": ["text", "audio"],
                                   "steps": 2}])
    run = train(str(config))
    last = metrics(run)[-1]
    assert last["skipped"] == 0 and last["loss/text"] > 0 and last["loss/audio"] > 0
