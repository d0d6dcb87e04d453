"""Shared helpers of the benchmark scripts: raw test files, timing, GEMM reference, trunk FLOPs, tables.

Nothing here asserts a time: the scripts print Markdown tables for people to read.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import torch

PRECISIONS = ("fp32", "bf16")
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16}
COLUMNS = ["preset", "modality", "precision", "items/s", "trunk GFLOP/s", "GEMM GFLOP/s", "fraction",
           "trunk tokens B×N×D×L", "trunk % of embed", "runs"]
CAPTIONS = ["a red circle above a blue square", "a small green triangle", "A photo of a dog playing in the snow.",
            "two cups of coffee on a wooden table next to a laptop and a notebook", "thermal image of a person",
            "an empty street at night", "a cat", "the sound of rain falling on a tin roof while thunder rolls far away"]


# -- raw inputs ---------------------------------------------------------------------------------------
def write_raw_items(kind: str, directory: str | os.PathLike, n: int, seed: int = 0) -> list[Any]:
    """Writes ``n`` small raw files of one modality type and returns the items model.embed takes.

    Args:
        kind: the modality type (image, audio, depth, thermal, imu; text returns strings).
        directory: where the files go.
        n: how many items.
        seed: random seed of the contents.

    Returns:
        Paths as strings (texts for "text"), or None for a type without a generator here.
    """
    from PIL import Image

    rng = np.random.default_rng(seed)
    out = Path(directory) / kind
    out.mkdir(parents=True, exist_ok=True)
    yy, xx = np.mgrid[0:480, 0:640]
    items = []
    for i in range(n):
        noise = rng.standard_normal((480, 640))
        if kind == "text":
            items.append(CAPTIONS[i % len(CAPTIONS)])
            continue
        path = out / f"{i}"
        if kind == "image":  # a 640x480 photo-like JPEG
            rgb = np.stack([(xx + 40 * i) % 256, yy % 256, (xx + yy) % 256], -1) + 20 * noise[..., None]
            path = path.with_suffix(".jpg")
            Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).save(path, quality=90)
        elif kind == "audio":  # 5 s of 44.1 kHz stereo tone + noise
            import soundfile

            t = np.arange(5 * 44100) / 44100
            wave = 0.3 * np.sin(2 * np.pi * (220 + 55 * i) * t) + 0.05 * rng.standard_normal((2, t.size))
            path = path.with_suffix(".wav")
            soundfile.write(path, wave.T.astype(np.float32), 44100, subtype="PCM_16")
        elif kind == "depth":  # 640x480 16-bit PNG in millimetres (Kinect style)
            mm = 1000 + 3 * xx + 2 * yy + 50 * noise
            path = path.with_suffix(".png")
            Image.fromarray(np.clip(mm, 0, 65535).astype(np.uint16)).save(path)
        elif kind == "thermal":  # 640x512 8-bit grey PNG (FLIR/LLVIP size)
            grey = np.pad(100 + 0.1 * xx + 20 * noise, ((0, 32), (0, 0)), mode="edge")
            path = path.with_suffix(".png")
            Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8)).save(path)
        elif kind == "imu":  # (2000, 6) accelerometer + gyroscope, time first
            path = path.with_suffix(".npy")
            np.save(path, rng.standard_normal((2000, 6)).astype(np.float32))
        else:
            return None
        items.append(str(path))
    return items


def raw_items(model, name: str, directory: str | os.PathLike, n: int) -> list[Any]:
    """``n`` raw items for one modality of ``model``: generated files, else the spec's dummy_raw repeated."""
    modality = model.modality(name)
    items = write_raw_items(modality.spec.name, directory, n)
    if items is None:
        dummy = modality.spec.dummy_raw(modality.cfg)
        items = [dummy[i % len(dummy)] for i in range(n)]
    return items


# -- timing -------------------------------------------------------------------------------------------
def timed_runs(fn: Callable[[], Any], repeats: int, budget_s: float) -> list[float]:
    """Seconds of ``repeats`` calls after one warm-up; only the warm-up when it alone took over ``budget_s``."""
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    if first > budget_s:
        return [first]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def gemm_rate(precision: str = "fp32", n: int = 2048, repeats: int = 3) -> float:
    """GFLOP/s of a square n x n GEMM in nn.Linear's layout (x @ W.T), median of ``repeats``."""
    dtype = DTYPES[precision]
    gen = torch.Generator().manual_seed(0)
    a, w = (torch.randn(n, n, generator=gen).to(dtype) for _ in range(2))
    times = timed_runs(lambda: torch.mm(a, w.t()), repeats, budget_s=float("inf"))
    return 2 * n**3 / statistics.median(times) / 1e9


def trunk_flops(batch: int, tokens: int, width: int, blocks: int, mlp_ratio: float) -> float:
    """Forward matmul FLOPs of the transformer: qkv, scores, weighted sum, projection and MLP.

    Per block ``2*B*N*(3D*D + D*D + 2*mlp*D*D) + 2*2*B*N*N*D`` (a causal mask or an extra bias-kv
    token is not counted).
    """
    B, N, D = batch, tokens, width
    return blocks * (2 * B * N * (3 * D * D + D * D + 2 * mlp_ratio * D * D) + 2 * 2 * B * N * N * D)


class TrunkTimer:
    """Times every call of a modality's trunk with forward hooks and records its input shape."""

    def __init__(self, trunk: torch.nn.Module):
        self.trunk, self.times, self.shape = trunk, [], None
        self._start = 0.0
        self._hooks = [trunk.register_forward_pre_hook(self._pre), trunk.register_forward_hook(self._post)]

    def _pre(self, _module, args):
        self.shape = tuple(args[0].shape)  # (B, N, D)
        self._start = time.perf_counter()

    def _post(self, _module, _args, _out):
        self.times.append(time.perf_counter() - self._start)

    def close(self) -> None:
        for hook in self._hooks:
            hook.remove()


def measure(model, name: str, items: Sequence[Any], precision: str, *, repeats: int = 3, budget_s: float = 20.0,
            gemm_n: int = 2048) -> dict[str, Any]:
    """Items/s of ``model.embed`` on ``items`` (one batch) and the trunk's share of a GEMM's rate.

    The trunk is timed inside the same embed calls (hooks around ``modality.trunk``: the trunk alone, on
    the stem's output, under inference_mode and the precision's autocast). The GEMM reference is measured
    right before and right after, in this process, and their median is used.

    Returns:
        One table row (see COLUMNS) without the preset.
    """
    modality = model.modality(name)
    trunk = modality.trunk
    gemm = [gemm_rate(precision, gemm_n)]
    timer = TrunkTimer(trunk)
    try:
        embed = timed_runs(lambda: model.embed({name: list(items)}, batch_size=len(items), precision=precision,
                                               progress=False), repeats, budget_s)
    finally:
        timer.close()
    gemm.append(gemm_rate(precision, gemm_n))
    trunk_s = statistics.median(timer.times[-len(embed):])
    B, N, D = timer.shape
    blocks = len(trunk.blocks)
    mlp = trunk.blocks[0].mlp.fc1.out_features / D if blocks else 4.0
    achieved = trunk_flops(B, N, D, blocks, mlp) / trunk_s / 1e9
    reference = statistics.median(gemm)
    embed_s = statistics.median(embed)
    gc.collect()
    return {"modality": name, "precision": precision, "items/s": len(items) / embed_s,
            "trunk GFLOP/s": achieved, "GEMM GFLOP/s": reference, "fraction": achieved / reference,
            "trunk tokens B×N×D×L": f"{B}×{N}×{D}×{blocks}", "trunk % of embed": 100 * trunk_s / embed_s,
            "runs": len(embed)}


def load_one(source, name: str):
    """``bindcore.load_model(source, seed=0, modalities=[name])``: one modality, random weights for a preset."""
    import bindcore

    return bindcore.load_model(source, seed=0, modalities=[name])


def bench_preset(preset: str, modalities: list[str], workdir: str, *, batch: int, repeats: int, budget_s: float,
                 gemm_n: int, precisions=PRECISIONS, loader=None) -> list[dict]:
    """Rows for one preset: each modality loaded alone, measured in every precision.

    Args:
        preset: a preset name, model directory or config mapping.
        modalities: the instances to measure.
        workdir: where raw files are written.
        batch: items per embed call.
        repeats, budget_s, gemm_n: see :func:`_common.measure`.
        precisions: the precisions to measure.
        loader: ``(preset, modality) -> BindModel`` (default: :func:`load_one`).
    """
    rows = []
    for name in modalities:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "random weights" is the point here
            model = (loader or load_one)(preset, name)
        items = raw_items(model, name, workdir, batch)
        for precision in precisions:
            row = measure(model, name, items, precision, repeats=repeats, budget_s=budget_s, gemm_n=gemm_n)
            rows.append({"preset": preset if isinstance(preset, str) else "custom", **row})
            print(markdown_table(rows[-1:], COLUMNS).splitlines()[-1], file=sys.stderr, flush=True)  # progress
        del model
        gc.collect()
    return rows


# -- output -------------------------------------------------------------------------------------------
def fmt(value: Any) -> str:
    """A table cell: floats with 3 significant digits (2 decimals below 1), the rest as str."""
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 1 else f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def markdown_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """A Markdown table of ``rows`` (dicts) restricted to ``columns``."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(fmt(row.get(c, "")) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def shapeworld_qa_params(run: str | os.PathLike) -> dict[str, Any]:
    """The ``shapeworld_qa`` dataset settings a run was trained with.

    Raises:
        BindcoreError: the directory holds no run config, or the run was trained on another dataset.
    """
    import bindcore
    from bindcore.evaluate.data import read_run_config

    dataset = read_run_config(run)["data"]["dataset"]
    if dataset["name"] != "shapeworld_qa":
        raise bindcore.BindcoreError(f"{run} was trained on {dataset['name']!r}, not shapeworld_qa")
    return dict(dataset.get("params") or {})


def machine_description() -> str:
    """`lscpu | head`, the torch version and its thread count, as a Markdown block."""
    try:
        cpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout.splitlines()[:15]
    except OSError:
        cpu = [platform.processor() or "unknown CPU"]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return "\n".join(["```", *cpu, f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
                      f"CPU capability {torch.backends.cpu.get_cpu_capability()}, python {platform.python_version()}",
                      f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}, load average at start: {load}",
                      "```"])
