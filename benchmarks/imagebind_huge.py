"""ImageBind-Huge on this machine: throughput per modality, memory of loading, memory of converting.

Run:
    .venv/bin/python benchmarks/imagebind_huge.py                       # full (~15 min, ~10 GB under --workdir)
    .venv/bin/python benchmarks/imagebind_huge.py --workdir /tmp --skip-throughput
    .venv/bin/python benchmarks/imagebind_huge.py --quick               # a small ImageBind configuration (seconds)

Measures, with random weights:

1. throughput: per modality at batch 8, items/s from raw files to embeddings in fp32 and bf16, and the
   trunk's GFLOP/s as a fraction of a GEMM measured in the same process (see embed_throughput.py);
2. loading memory: a model directory of all six modalities is written, then fresh subprocesses run
   ``load_model(dir, modalities=["audio"])`` and ``load_model(dir)`` followed by one audio embed, and
   ``load_model(dir)`` + embed + reading every weight once (safetensors maps the files, so a loaded
   weight becomes resident only when used); each child reports its peak RSS
   (``getrusage(RUSAGE_SELF).ru_maxrss``). Target: audio alone < 1/4 of all six read;
3. conversion memory: a random checkpoint in the official ImageBind key layout (one flat
   ``torch.save`` dict, text ``mask`` included) is converted by ``python -m bindcore convert imagebind``
   in a subprocess whose peak RSS comes from ``os.wait4``; compared with the checkpoint's size
   (target <= 1.5x).

Heavy files go to a fresh folder under ``--workdir`` (default: the system temp dir), removed at the end.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import torch

import bindcore
from _common import COLUMNS, bench_preset, machine_description, markdown_table, write_raw_items

PRESET = "imagebind_huge"
# Constructor arguments of the small official ImageBindModel of tests/fixtures/imagebind (--quick).
QUICK_KWARGS = {"out_embed_dim": 24, "vision_embed_dim": 64, "vision_num_blocks": 2, "vision_num_heads": 4,
                "text_embed_dim": 32, "text_num_blocks": 2, "text_num_heads": 4, "audio_embed_dim": 48,
                "audio_num_blocks": 2, "audio_num_heads": 4, "audio_drop_path": 0.1, "depth_embed_dim": 32,
                "depth_num_blocks": 2, "depth_num_heads": 4, "thermal_embed_dim": 48, "thermal_num_blocks": 2,
                "thermal_num_heads": 4, "imu_embed_dim": 32, "imu_num_blocks": 2, "imu_num_heads": 4,
                "imu_drop_path": 0.7}
# The official key layout (facebookresearch/ImageBind @ 53680b0): stem and head keys per modality.
STEM_KEYS = {
    "vision": ("cls_token", "rgbt_stem.proj.1.weight", "pos_embedding_helper.pos_embed"),
    "text": ("pos_embed", "mask", "token_embedding.weight"),
    "audio": ("cls_token", "rgbt_stem.proj.weight", "rgbt_stem.norm_layer.weight", "rgbt_stem.norm_layer.bias",
              "pos_embedding_helper.pos_embed"),
    "depth": ("cls_token", "depth_stem.proj.weight", "depth_stem.norm_layer.weight", "depth_stem.norm_layer.bias",
              "pos_embedding_helper.pos_embed"),
    "thermal": ("cls_token", "rgbt_stem.proj.weight", "rgbt_stem.norm_layer.weight", "rgbt_stem.norm_layer.bias",
                "pos_embedding_helper.pos_embed"),
    "imu": ("pos_embed", "cls_token", "imu_stem.proj.weight", "imu_stem.norm_layer.weight", "imu_stem.norm_layer.bias"),
}
HEAD_KEYS = {"vision": ("0.weight", "0.bias", "2.weight"), "text": ("proj.0.weight", "proj.0.bias", "proj.1.weight"),
             "imu": ("0.weight", "0.bias", "3.weight")}
BLOCK_KEYS = ("attn.in_proj_weight", "attn.in_proj_bias", "attn.bias_k", "attn.bias_v", "attn.out_proj.weight",
              "attn.out_proj.bias", "norm_1.weight", "norm_1.bias", "mlp.fc1.weight", "mlp.fc1.bias",
              "mlp.fc2.weight", "mlp.fc2.bias", "norm_2.weight", "norm_2.bias")
MEM_COLUMNS = ["child process", "weights on disk (MiB)", "peak RSS (MiB)", "peak RSS / all six read", "wall s"]
CONVERT_COLUMNS = ["step", "checkpoint (MiB)", "peak RSS (MiB)", "peak RSS / checkpoint", "wall s"]
MIB = 2**20


# -- models ---------------------------------------------------------------------------------------------
def imagebind_config(kwargs: dict, host=None) -> dict:
    """The bindcore model config equivalent to ``ImageBindModel(**kwargs)`` (from each plugin's foreign settings)."""
    from bindcore.compat.imagebind import DEFAULT_OUT_DIM, foreign_specs
    from bindcore.plugin_host import default_host

    specs = foreign_specs(host or default_host())
    return {"embed_dim": int(kwargs.get("out_embed_dim", DEFAULT_OUT_DIM)),
            "modalities": {spec.name: spec.foreign["imagebind"].settings(kwargs) for spec in specs.values()}}


def build(source, modalities=None, **kw):
    """A preset, model directory or config mapping -> BindModel in eval mode (random weights: seed 0)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if isinstance(source, dict) or kw:
            return bindcore.build_model(source, modalities=modalities, seed=0, **kw).eval()
        return bindcore.load_model(source, modalities=modalities, seed=0)


def write_model_dir(source, directory: Path) -> Path:
    """Writes a random-weight model directory one modality at a time (one modality in memory)."""
    from bindcore.checkpoint import ModelDirWriter, plugin_of
    from bindcore.plugin_host import default_host

    meta = build(source, device="meta")
    with ModelDirWriter(directory, meta.embed_dim) as writer:
        for name in meta.names:
            modality = build(source, [name]).modality(name)
            plugin, version = plugin_of(default_host(), modality.spec.name)
            writer.add(name, modality.spec.name, modality.state_dict(), plugin=plugin, plugin_version=version)
            del modality
        return writer.finish(meta.config)


# -- the official layout --------------------------------------------------------------------------------
def official_shapes(kwargs: dict, host=None) -> dict[str, tuple[int, ...]]:
    """{official key: shape} of ``ImageBindModel(**kwargs)``'s state_dict.

    Key names come from the official layout above; each shape is the one of the bindcore parameter the
    converter maps the key to (``ForeignFormat.rename`` + ``TRUNK_RULES``), so the result is exactly
    what ``bindcore convert imagebind`` accepts. Raises if a bindcore parameter is left without a key.
    """
    from bindcore.compat.imagebind import DEFAULT_OUT_DIM, FORMAT, TRUNK_RULES, foreign_specs
    from bindcore.plugin_host import default_host

    shapes = {}
    for name, spec in foreign_specs(host or default_host()).items():
        fmt = spec.foreign[FORMAT]
        settings = fmt.settings(kwargs)
        config = {"embed_dim": int(kwargs.get("out_embed_dim", DEFAULT_OUT_DIM)), "modalities": {spec.name: settings}}
        ours = {k: tuple(v.shape) for k, v in build(config, device="meta").modality(spec.name).state_dict().items()}
        suffixes = [f"preprocessors.{k}" for k in STEM_KEYS[name]]
        if settings.get("pre_norm"):
            suffixes += ["trunks.pre_transformer_layer.0.weight", "trunks.pre_transformer_layer.0.bias"]
        suffixes += [f"trunks.blocks.{i}.{k}" for i in range(settings["blocks"]) for k in BLOCK_KEYS
                     if settings.get("bias_kv") or "bias_" not in k]
        suffixes += [f"heads.{k}" for k in HEAD_KEYS.get(name, HEAD_KEYS["vision"])]
        suffixes += [] if name == "vision" else ["postprocessors.1.log_logit_scale"]
        covered = set()
        for suffix in suffixes:
            key = f"modality_{suffix.split('.', 1)[0]}.{name}.{suffix.split('.', 1)[1]}"
            if suffix in fmt.drop:  # the text causal mask: (context, context)
                shapes[key] = (settings["context_length"],) * 2
                continue
            target = next(re.sub(p, r, suffix) for p, r in (*fmt.rename, *TRUNK_RULES) if re.match(p, suffix))
            shapes[key], covered = ours[target], covered | {target}
        left = set(ours) - covered - ({"logit_scale.log_scale"} if name == "vision" else set())
        if left:
            raise RuntimeError(f"official layout of '{name}' misses bindcore parameters: {sorted(left)}")
    return shapes


def write_official_checkpoint(path: Path, kwargs: dict) -> int:
    """Writes a random checkpoint in the official layout as one flat ``torch.save`` dict; returns its bytes."""
    state = {}
    for key, shape in official_shapes(kwargs).items():
        if key.endswith(".mask"):
            state[key] = torch.full(shape, float("-inf")).triu_(1)
        elif key.endswith("log_logit_scale"):
            state[key] = torch.tensor(2.0)
        else:
            state[key] = torch.empty(shape).normal_(0.0, 0.02)
    torch.save(state, path)
    del state
    return path.stat().st_size


# -- subprocesses ---------------------------------------------------------------------------------------
# Linux keeps a process's peak RSS across execve, so a child spawned from this (large) process would start
# with this process's peak: each command is therefore started by a small Python wrapper, whose child has a
# clean count, and the wrapper reports that child's os.wait4 usage.
WRAPPER = ("import json, os, subprocess, sys; p = subprocess.Popen(sys.argv[2:]); _, s, u = os.wait4(p.pid, 0); "
           "open(sys.argv[1], 'w').write(json.dumps([os.waitstatus_to_exitcode(s), u.ru_maxrss]))")


def run_measured(cmd: list[str]) -> tuple[float, str, float]:
    """Runs ``cmd``; returns (its peak RSS in MiB from os.wait4, its stdout, wall seconds).

    Raises:
        RuntimeError: the command failed (with the end of its stderr).
    """
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        usage = Path(tmp) / "usage.json"
        proc = subprocess.run([sys.executable, "-c", WRAPPER, str(usage), *cmd], capture_output=True, text=True)
        wall = time.perf_counter() - start
        code, maxrss_kib = json.loads(usage.read_text()) if usage.is_file() else (proc.returncode, 0)
    if code:
        raise RuntimeError(f"{' '.join(cmd)} failed ({code}):\n{proc.stderr[-2000:]}")
    return maxrss_kib / 1024, proc.stdout, wall


def child_load(model_dir: str, which: str) -> None:
    """In a fresh process: load ``which`` and embed 8 audio files, then print the peak RSS.

    ``which`` is "none" (imports only), "audio", "all", or "all+read" (all, then every weight read once:
    safetensors maps the files, so a weight takes resident memory only once it is used).
    """
    import resource

    from bindcore.plugin_host import default_host

    default_host()
    if which != "none":
        model = bindcore.load_model(model_dir, modalities=["audio"] if which == "audio" else None)
        with tempfile.TemporaryDirectory() as tmp, torch.inference_mode():
            model.embed({"audio": write_raw_items("audio", tmp, 8)}, batch_size=8, progress=False)
            if which == "all+read":
                sum(float(p.sum()) for p in model.parameters())
    print(json.dumps({"maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def loading_memory(source, workdir: Path) -> list[dict]:
    """Peak RSS of fresh processes that import only, load audio alone, and load all six (each + one audio embed)."""
    model_dir = write_model_dir(source, workdir / "model")
    meta = json.loads((model_dir / "bindcore.json").read_text())
    sizes = {n: (model_dir / m["file"]).stat().st_size / MIB for n, m in meta["modalities"].items()}
    cases = [("none", "import bindcore + plugins", 0.0),
             ("audio", "load_model(dir, ['audio']) + embed 8 audio", sizes["audio"]),
             ("all", "load_model(dir) + embed 8 audio", sum(sizes.values())),
             ("all+read", "load_model(dir) + embed 8 audio + read every weight", sum(sizes.values()))]
    rows = []
    for which, label, size in cases:
        _, stdout, wall = run_measured([sys.executable, __file__, "--child-load", str(model_dir), which])
        rows.append({"child process": label, "weights on disk (MiB)": size,
                     "peak RSS (MiB)": json.loads(stdout.strip().splitlines()[-1])["maxrss_mib"], "wall s": wall})
    for row in rows:
        row["peak RSS / all six read"] = row["peak RSS (MiB)"] / rows[-1]["peak RSS (MiB)"]
    shutil.rmtree(model_dir)
    return rows


def conversion_memory(kwargs: dict, workdir: Path) -> list[dict]:
    """Writes an official-layout checkpoint, converts it in a subprocess and reports peak RSS vs its size."""
    ckpt = workdir / "imagebind_random.pth"
    start = time.perf_counter()
    size = write_official_checkpoint(ckpt, kwargs) / MIB
    rows = [{"step": "write checkpoint (this process)", "checkpoint (MiB)": size, "wall s": time.perf_counter() - start}]
    cmd = [sys.executable, "-m", "bindcore", "convert", "imagebind", str(ckpt), str(workdir / "converted")]
    if kwargs:
        (workdir / "kwargs.json").write_text(json.dumps({"model_kwargs": kwargs}))
        cmd += ["--config", str(workdir / "kwargs.json")]
    peak, _, wall = run_measured(cmd)
    rows.append({"step": "bindcore convert imagebind (child)", "checkpoint (MiB)": size, "peak RSS (MiB)": peak,
                 "peak RSS / checkpoint": peak / size, "wall s": wall})
    ckpt.unlink()
    shutil.rmtree(workdir / "converted")
    return rows


# -- main -----------------------------------------------------------------------------------------------
def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="a small ImageBind configuration, 1 repeat (a smoke run)")
    p.add_argument("--workdir", default=None, help="where the heavy files go (a fresh folder inside, removed at the end)")
    p.add_argument("--batch", type=int, default=8, help="items per embed call")
    p.add_argument("--repeats", type=int, default=3, help="timed runs after the warm-up (median reported)")
    p.add_argument("--budget", type=float, default=10.0, help="a warm-up longer than this (s) is the only run")
    p.add_argument("--gemm-n", type=int, default=2048, help="side of the square reference GEMM")
    p.add_argument("--skip-throughput", action="store_true", help="only the memory measurements")
    p.add_argument("--skip-memory", action="store_true", help="only the throughput table")
    p.add_argument("--child-load", nargs=2, metavar=("DIR", "WHICH"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.repeats, args.gemm_n = 1, 512
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.child_load:
        return child_load(*args.child_load)
    kwargs = QUICK_KWARGS if args.quick else {}
    source = imagebind_config(kwargs) if args.quick else PRESET
    label = "imagebind (quick sizes)" if args.quick else PRESET
    print(machine_description())
    if not args.skip_throughput:
        names = build(source, device="meta").names
        with tempfile.TemporaryDirectory(prefix="bindcore-bench-") as raw_dir:
            rows = bench_preset(source, names, raw_dir, batch=args.batch, repeats=args.repeats, budget_s=args.budget,
                                gemm_n=args.gemm_n, loader=lambda src, name: build(src, [name]))
        for row in rows:
            row["preset"] = label
        print(f"\n## {label}: throughput (batch {args.batch}, median of {args.repeats} after a warm-up; "
              f"a warm-up over {args.budget:g} s is the only run)\n")
        print(markdown_table(rows, COLUMNS), flush=True)
    if not args.skip_memory:
        workdir = Path(tempfile.mkdtemp(prefix="bindcore-bench-", dir=args.workdir))
        try:
            rows = loading_memory(source, workdir)
            print(f"\n## {label}: peak memory of loading (fresh processes, ru_maxrss)\n")
            print(markdown_table(rows, MEM_COLUMNS))
            audio, lazy, read = (rows[i]["peak RSS (MiB)"] for i in (1, 2, 3))
            print(f"\naudio alone / all six with every weight read = {audio / read:.2f} (target < 0.25); "
                  f"audio alone / all six loaded but unused = {audio / lazy:.2f}", flush=True)
            rows = conversion_memory(kwargs, workdir)
            print(f"\n## {label}: peak memory of `bindcore convert imagebind` (official layout, fp32)\n")
            print(markdown_table(rows, CONVERT_COLUMNS))
            print(f"\nconvert peak RSS / checkpoint size = {rows[-1]['peak RSS / checkpoint']:.2f} (target <= 1.5)")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    torch.set_grad_enabled(False)
    main()
