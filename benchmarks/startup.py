"""Time to first embedding: fresh processes that load a converted imagebind_huge directory and embed one item.

Run:
    .venv/bin/python benchmarks/startup.py --workdir /tmp/ibh            # ~10 GB under /tmp/ibh, kept for reuse
    .venv/bin/python benchmarks/startup.py --workdir /tmp/ibh --repeats 1
    .venv/bin/python benchmarks/startup.py --quick --workdir /tmp/x      # small ImageBind sizes (seconds)
    .venv/bin/python benchmarks/startup.py --workdir /tmp/ibh --repeats 1 --low-memory   # also with low_memory=True

The first run writes a random checkpoint in Meta's layout (``imagebind_random.pth``, 4.8 GB) and converts
it with ``python -m bindcore convert imagebind`` into ``WORKDIR/model`` (another 4.8 GB); later runs reuse
both. Each measured command runs in a fresh child process (started by a small wrapper so that its peak
RSS, ``ru_maxrss`` from ``os.wait4``, is its own) and is repeated ``--repeats`` times (median shown):

- ``import torch``, ``import bindcore``, ``bindcore --help`` (the last two also as time beyond importing torch);
- ``python -c`` that runs ``bindcore.load_model(DIR, modalities=[m])`` and embeds one item
  (a 5 s 44.1 kHz WAV, one caption, one 640x480 PNG), printing its own phase times;
- the same through ``bindcore embed --model DIR m:ITEM -o out.npy`` (whose default is low-memory paging:
  memory-mapped weights released after each module runs, bindcore/weight_paging.py);
- with ``--low-memory``, both again in the other mode (``load_model(..., low_memory=True)``,
  ``bindcore embed --no-low-memory``), and a "second pass" table: a child embeds the same item twice, so the
  second pass shows what mapping the released pages back costs (CPU s measured inside the child with
  ``time.process_time``).

"peak RSS" is the child's ``ru_maxrss`` as its parent sees it (``os.wait4``), which includes the process's exit:
exiting a process that imported torch 2.14.1+cu130 adds about 120 MiB to it (``python -c "import torch"``:
507 MiB inside, 631 MiB from wait4; strace shows no system call after the last write, so these are page
faults in the exit path of torch's shared libraries). The phases table therefore also gives the peak the
child reads for itself just before exiting. CPU s (user + sys, from wait4) moves far less than wall time when
other processes share the cores.

Nothing is asserted: the script prints Markdown tables. Targets (issue 8): <= 4 s and <= 1 GB for audio
and text, <= 4 GB for image; ``import bindcore`` and ``bindcore --help`` < 1 s beyond ``import torch``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine_description, markdown_table

MIB = 2**20
CASES = ("audio", "text", "image")
TARGET_MIB = {"audio": 1024, "text": 1024, "image": 4096}
COLUMNS = ["command", "wall s (median)", "wall s (each run)", "CPU s (median)", "beyond import torch: wall s",
           "beyond import torch: CPU s", "peak RSS (MiB)", "target"]
PHASE_COLUMNS = ["tree", "modality", "weights", "import torch s", "imports s", "load_model s", "embed s", "embed CPU s",
                 "RSS after load (MiB)", "peak RSS before exit (MiB)", "weights file (MiB)"]
PASS_COLUMNS = ["modality", "weights", "1st embed CPU s", "2nd embed CPU s", "2nd embed CPU s - resident's", "2nd embed wall s",
                "peak RSS after 1st (MiB)", "peak RSS after 2nd (MiB)", "same embedding twice"]
MODES = ("resident", "low_memory")  # load_model's default first; `bindcore embed` defaults to low_memory

# A child that loads one modality and embeds one item PASSES times, timing its phases (printed as one JSON line).
# argv: model dir, modality, item, "resident" or "low_memory", passes.
CHILD = """
import json, resource, sys, time
t_start = time.perf_counter()
import torch
t0 = time.perf_counter()
import bindcore
t1 = time.perf_counter()
model = bindcore.load_model(sys.argv[1], modalities=[sys.argv[2]], low_memory=sys.argv[4] == "low_memory")
t2 = time.perf_counter()
rss_load = int(open('/proc/self/statm').read().split()[1]) * resource.getpagesize() / 2**20
walls, cpus, peaks, zs = [], [], [], []
for _ in range(int(sys.argv[5])):
    w, c = time.perf_counter(), time.process_time()
    zs.append(model.embed({sys.argv[2]: [sys.argv[3]]}, progress=False)[sys.argv[2]])
    walls.append(time.perf_counter() - w)
    cpus.append(time.process_time() - c)
    peaks.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
assert zs[0].shape[0] == 1
print(json.dumps({"torch": t0 - t_start, "imports": t1 - t0, "load": t2 - t1, "embed": walls[0], "embed_cpu": cpus[0],
                  "rss_load": rss_load, "peak": peaks[-1], "walls": walls, "cpus": cpus, "peaks": peaks,
                  "same": all(torch.equal(z, zs[0]) for z in zs)}))
"""


def prepare(workdir: Path, quick: bool) -> Path:
    """The converted model directory under ``workdir`` (written once: random official checkpoint -> convert)."""
    from imagebind_huge import QUICK_KWARGS, run_measured, write_official_checkpoint

    model_dir = workdir / "model"
    if (model_dir / "bindcore.json").is_file():
        return model_dir
    workdir.mkdir(parents=True, exist_ok=True)
    ckpt = workdir / "imagebind_random.pth"
    kwargs = QUICK_KWARGS if quick else {}
    if not ckpt.is_file():
        print(f"writing a random checkpoint in the official layout to {ckpt} ...", file=sys.stderr, flush=True)
        tmp = ckpt.with_suffix(".tmp")
        write_official_checkpoint(tmp, kwargs)
        tmp.rename(ckpt)
    cmd = [sys.executable, "-m", "bindcore", "convert", "imagebind", str(ckpt), str(model_dir)]
    if kwargs:
        (workdir / "kwargs.json").write_text(json.dumps({"model_kwargs": kwargs}))
        cmd += ["--config", str(workdir / "kwargs.json")]
    peak, _, wall = run_measured(cmd)
    print(f"converted in {wall:.1f} s, peak RSS {peak:,.0f} MiB ({peak * MIB / ckpt.stat().st_size:.2f}x the checkpoint)",
          file=sys.stderr, flush=True)
    return model_dir


def write_inputs(workdir: Path) -> dict[str, str]:
    """One raw item per case: a 5 s stereo 44.1 kHz WAV, a 640x480 PNG, a caption."""
    import numpy as np
    import soundfile
    from PIL import Image

    out = workdir / "inputs"
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    t = np.arange(5 * 44100) / 44100
    wave = 0.3 * np.sin(2 * np.pi * 330 * t) + 0.05 * rng.standard_normal((2, t.size))
    soundfile.write(out / "one.wav", wave.T.astype(np.float32), 44100, subtype="PCM_16")
    yy, xx = np.mgrid[0:480, 0:640]
    rgb = np.stack([xx % 256, yy % 256, (xx + yy) % 256], -1) + 20 * rng.standard_normal((480, 640, 1))
    Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).save(out / "one.png")
    return {"audio": str(out / "one.wav"), "image": str(out / "one.png"), "text": "a dog barking in the park"}


# Linux keeps a process's peak RSS across execve: each command is started by a small wrapper whose own peak is
# small, and the wrapper reports its child's ru_maxrss from os.wait4 (see imagebind_huge.py).
WRAPPER = ("import json, os, subprocess, sys; p = subprocess.Popen(sys.argv[2:], stdout=subprocess.PIPE); "
           "out = p.stdout.read(); _, s, u = os.wait4(p.pid, 0); open(sys.argv[1], 'w').write(json.dumps("
           "[os.waitstatus_to_exitcode(s), u.ru_maxrss, u.ru_utime + u.ru_stime, out.decode()]))")


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """(wall seconds, peak RSS MiB, CPU seconds (user + sys), stdout) of one fresh run of ``cmd``."""
    with tempfile.TemporaryDirectory() as tmp:
        usage = Path(tmp) / "usage.json"
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", WRAPPER, str(usage), *cmd], capture_output=True, text=True, env=env)
        wall = time.perf_counter() - start
        code, maxrss_kib, cpu, out = json.loads(usage.read_text()) if usage.is_file() else (proc.returncode, 0, 0, "")
    if code:
        raise RuntimeError(f"{' '.join(cmd[:4])} ... failed ({code}):\n{proc.stderr[-2000:]}")
    return wall, maxrss_kib / 1024, cpu, out


def environments(baseline: Path | None, pycache: Path | None) -> dict[str, dict[str, str]]:
    """{"after": this checkout, "before": ``baseline`` (an exported older tree) first on PYTHONPATH}.

    With ``pycache``, children cache bytecode there (PYTHONPYCACHEPREFIX) as an installed package would have
    it, even where PYTHONDONTWRITEBYTECODE is set (compiling bindcore's and the plugins' sources costs ~0.5 s
    of CPU per process otherwise).
    """
    base = dict(os.environ)
    if pycache:
        base.pop("PYTHONDONTWRITEBYTECODE", None)
        base["PYTHONPYCACHEPREFIX"] = str(pycache)
    envs = {"after": base}
    if baseline:
        paths = [baseline, *sorted(p for p in (baseline / "plugins").iterdir() if (p / "pyproject.toml").is_file())]
        envs["before"] = {**base, "PYTHONPATH": os.pathsep.join(map(str, paths))}
    return envs


def run_child(cmd: list[str], repeats: int, envs: dict[str, dict[str, str]]) -> dict[str, tuple[list, ...]]:
    """Runs ``cmd`` ``repeats`` times per environment, alternating them: {env: (walls, peaks MiB, CPU s, stdouts)}."""
    got = {name: ([], [], [], []) for name in envs}
    for _ in range(repeats):
        for name, env in envs.items():
            for column, value in zip(got[name], run_once(cmd, env)):
                column.append(value)
    return got


def row(command: str, walls: list[float], peaks: list[float], cpus: list[float], torch_s: tuple | None,
        target: str) -> dict:
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    return {"command": command, "wall s (median)": wall, "wall s (each run)": " ".join(f"{w:.2f}" for w in walls),
            "CPU s (median)": cpu, "beyond import torch: wall s": "" if torch_s is None else wall - torch_s[0],
            "beyond import torch: CPU s": "" if torch_s is None else cpu - torch_s[1], "peak RSS (MiB)": max(peaks),
            "target": target}


def measure(model_dir: Path, inputs: dict[str, str], repeats: int, modalities: list[str],
            envs: dict[str, dict[str, str]], modes: list[str]) -> tuple[list[dict], list[dict], list[dict]]:
    """Rows of the startup table, of the per-phase table (each labelled with its environment) and, with more
    than one weights mode, of the second-pass table (this checkout only)."""
    py, cli = sys.executable, [sys.executable, "-m", "bindcore"]
    rows, phases, passes = [], [], []
    torch_s = {}
    commands = [("python -c 'import torch'", [py, "-c", "import torch"], "(reference)", None),
                ("python -c 'import bindcore' (imports no torch)", [py, "-c", "import bindcore"], "< 1 s beyond torch", None),
                ("python -c 'default_host()' (all plugins)", [py, "-c", "import bindcore.plugin_host as h; h.default_host()"], "", None),
                ("bindcore --help", [*cli, "--help"], "< 1 s beyond torch", None)]
    for name in modalities:
        target = f"<= 4 s, <= {TARGET_MIB[name] // 1024} GB"
        out = model_dir.parent / "inputs" / f"out_{name}.npz"
        for mode in modes:
            low = ", low_memory=True" if mode == "low_memory" else ""
            commands.append((f"python -c: load_model(dir, modalities=['{name}']{low}) + embed 1 {name}",
                             [py, "-c", CHILD, str(model_dir), name, inputs[name], mode, "1"], target, (name, mode)))
        for flag in ([] if len(modes) == 1 else ["--no-low-memory"]) + [""]:
            commands.append((f"bindcore embed {flag + ' ' if flag else ''}--model DIR {name}:ITEM -o out.npz",
                             [*cli, "embed", *flag.split(), "--model", str(model_dir), f"{name}:{inputs[name]}",
                              "-o", str(out)], target, None))
    weights = json.loads((model_dir / "bindcore.json").read_text())["modalities"]
    if len(modes) > 1:  # the same item embedded twice in one process, alternating the modes
        for _ in range(repeats):
            for name in modalities:
                for mode in modes:
                    got = json.loads(run_once([py, "-c", CHILD, str(model_dir), name, inputs[name], mode, "2"],
                                              envs["after"])[3].strip().splitlines()[-1])
                    resident = next((p["2nd embed CPU s"] for p in reversed(passes)
                                     if p["modality"] == name and p["weights"] == "resident"), None)
                    passes.append({"modality": name, "weights": mode, "1st embed CPU s": got["cpus"][0],
                                   "2nd embed CPU s": got["cpus"][1],
                                   "2nd embed CPU s - resident's": "" if mode == "resident" or resident is None
                                   else got["cpus"][1] - resident,
                                   "2nd embed wall s": got["walls"][1], "peak RSS after 1st (MiB)": got["peaks"][0],
                                   "peak RSS after 2nd (MiB)": got["peaks"][1], "same embedding twice": got["same"]})
                    print(markdown_table(passes[-1:], PASS_COLUMNS).splitlines()[-1], file=sys.stderr, flush=True)
    for label, cmd, target, phase_of in commands:
        for env, (walls, peaks, cpus, outs) in run_child(cmd, repeats, envs).items():
            if label.endswith("'import torch'"):
                torch_s[env] = statistics.median(walls), statistics.median(cpus)
            rows.append({"tree": env, **row(label, walls, peaks, cpus, torch_s.get(env) if "torch" not in label else None,
                                            target)})
            print(markdown_table(rows[-1:], ["tree", *COLUMNS]).splitlines()[-1], file=sys.stderr, flush=True)
            if phase_of:
                got = [json.loads(o.strip().splitlines()[-1]) for o in outs]
                med = {k: statistics.median(g[k] for g in got) for k in got[0]}
                phases.append({"tree": env, "modality": phase_of[0], "weights": phase_of[1], "import torch s": med["torch"],
                               "imports s": med["imports"], "load_model s": med["load"], "embed s": med["embed"],
                               "embed CPU s": med["embed_cpu"], "RSS after load (MiB)": med["rss_load"],
                               "peak RSS before exit (MiB)": med["peak"],
                               "weights file (MiB)": (model_dir / weights[phase_of[0]]["file"]).stat().st_size / MIB})
    order = list(envs)
    rows.sort(key=lambda r: order.index(r["tree"]))
    phases.sort(key=lambda r: order.index(r["tree"]))
    return rows, phases, passes


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workdir", default="/tmp/bindcore-startup", help="holds the checkpoint and the converted model (reused)")
    p.add_argument("--quick", action="store_true", help="small ImageBind sizes (a smoke run)")
    p.add_argument("--repeats", type=int, default=3, help="fresh processes per command (median shown)")
    p.add_argument("--modalities", default=",".join(CASES), help="which of audio,text,image to time")
    p.add_argument("--no-bytecode-cache", action="store_true",
                   help="leave PYTHONDONTWRITEBYTECODE as set (sources compiled in every child)")
    p.add_argument("--low-memory", action="store_true",
                   help="also time load_model(..., low_memory=True) and `bindcore embed --no-low-memory`, and embed the "
                        "same item twice in one process per mode (the cost of mapping released weights back)")
    p.add_argument("--baseline-tree", type=Path, default=None,
                   help="an exported older checkout (git archive COMMIT | tar -x -C DIR) timed alternately as 'before'")
    return p.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.low_memory and args.baseline_tree:
        raise SystemExit("--low-memory times this checkout only (an older tree has no low_memory): drop --baseline-tree")
    workdir = Path(args.workdir)
    model_dir = prepare(workdir, args.quick)
    inputs = write_inputs(workdir)
    envs = environments(args.baseline_tree, None if args.no_bytecode_cache else workdir / "pycache")
    for env in envs.values():  # one untimed run per tree writes the bytecode cache
        run_once([sys.executable, "-m", "bindcore", "--help"], env)
    print(machine_description())
    print(f"bytecode: {'not cached (PYTHONDONTWRITEBYTECODE as set)' if args.no_bytecode_cache else 'cached under ' + str(workdir / 'pycache')}")
    if args.baseline_tree:
        print(f"\nbefore = {args.baseline_tree} first on PYTHONPATH (its bindcore and plugins); after = this checkout; "
              "each command alternates between them")
    start = time.perf_counter()
    modes = list(MODES) if args.low_memory else ["resident"]  # python -c modes
    rows, phases, passes = measure(model_dir, inputs, args.repeats, [m for m in args.modalities.split(",") if m], envs,
                                   modes)
    label = "imagebind (quick sizes)" if args.quick else "imagebind_huge"
    print(f"\n## Time to first embedding, {label} (fresh processes, median of {args.repeats}; peak RSS = the largest)\n")
    print(markdown_table(rows, ["tree", *COLUMNS]))
    print("\n## Phases inside the python -c child (median)\n")
    print(markdown_table(phases, PHASE_COLUMNS))
    if passes:
        print("\n## The same item embedded twice in one process (python -c child; CPU s from time.process_time)\n")
        print(markdown_table(passes, PASS_COLUMNS))
    print(f"\n(measured in {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
