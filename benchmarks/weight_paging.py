"""What low-memory weight paging costs per forward pass: resident and paged models alternated in one process.

Run (after ``benchmarks/startup.py --workdir /tmp/ibh`` has written the converted imagebind_huge directory):
    OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/weight_paging.py --model-dir /tmp/ibh/model
    .venv/bin/python benchmarks/weight_paging.py --quick          # the tiny preset saved to a temporary folder

For each modality, one process loads the model twice from the same directory, once as is and once with
``low_memory=True``, then runs the same batch through each, alternating round by round (the first round,
which reads the weights in, is not counted). Each pass of the paged model maps its released weights back
from the page cache, checks and releases them again; the difference in CPU seconds (user + sys of the
process, ``resource.getrusage``) between the two is that cost, and the mapping's Rss (``/proc/self/smaps``)
shows what stays resident. Nothing is asserted: the script prints a Markdown table.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
from pathlib import Path

from _common import machine_description, markdown_table, write_raw_items

MIB = 2**20
COLUMNS = ["modality", "weights (MiB)", "batch", "weights", "pass CPU s (median)", "of it sys s", "minor faults",
           "extra CPU s vs resident", "extra vs resident", "weights' mapping Rss after a pass (MiB)", "same output"]


def mapping_rss_mib(address: int) -> float:
    """Rss of the memory mapping that holds ``address`` (/proc/self/smaps)."""
    inside = False
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            head = line.split(maxsplit=1)[0]
            if "-" in head and not head.endswith(":"):
                lo, hi = (int(x, 16) for x in head.split("-"))
                inside = lo <= address < hi
            elif inside and head == "Rss:":
                return int(line.split()[1]) / 1024
    return float("nan")


def timed_pass(modality, batch) -> tuple:
    """(CPU s, sys s, minor faults, output) of one forward pass."""
    import torch

    before = resource.getrusage(resource.RUSAGE_SELF)
    with torch.inference_mode():
        z = modality(batch)  # (B, E)
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return cpu, after.ru_stime - before.ru_stime, after.ru_minflt - before.ru_minflt, z


def measure(model_dir: Path, name: str, items: list, rounds: int) -> list[dict]:
    import bindcore

    models = {mode: bindcore.load_model(model_dir, modalities=[name], low_memory=mode == "low_memory")
              for mode in ("resident", "low_memory")}
    batch = models["resident"].preprocess(name, items)  # (B, ...)
    got = {mode: [] for mode in models}
    outputs = {}
    for round_ in range(rounds + 1):
        for mode, model in models.items():
            cpu, sys_s, faults, z = timed_pass(model.modality(name), batch)
            outputs.setdefault(mode, z)
            if round_:  # round 0 reads the weights in
                got[mode].append((cpu, sys_s, faults))
    weights_mib = (model_dir / "weights" / f"{name}.safetensors").stat().st_size / MIB  # ModelDirWriter's layout
    rows = []
    resident_cpu = statistics.median(c for c, _, _ in got["resident"])
    for mode, model in models.items():
        cpu = statistics.median(c for c, _, _ in got[mode])
        largest = max(model.modality(name).state_dict().values(), key=lambda t: t.numel())
        rows.append({"modality": name, "weights (MiB)": weights_mib, "batch": len(items), "weights": mode,
                     "pass CPU s (median)": cpu, "of it sys s": statistics.median(s for _, s, _ in got[mode]),
                     "minor faults": statistics.median(f for _, _, f in got[mode]),
                     "extra CPU s vs resident": "" if mode == "resident" else cpu - resident_cpu,
                     "extra vs resident": "" if mode == "resident" else f"{100 * (cpu - resident_cpu) / resident_cpu:+.1f}%",
                     "weights' mapping Rss after a pass (MiB)": mapping_rss_mib(largest.data_ptr()),
                     "same output": bool((outputs[mode] == outputs["resident"]).all())})
        print(markdown_table(rows[-1:], COLUMNS).splitlines()[-1], file=sys.stderr, flush=True)
    return rows


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model-dir", type=Path, help="a converted model directory (e.g. /tmp/ibh/model)")
    p.add_argument("--quick", action="store_true", help="the tiny preset, saved to a temporary folder")
    p.add_argument("--modalities", default="audio,text,image")
    p.add_argument("--batch-size", type=int, default=1)
    p.add_argument("--rounds", type=int, default=3, help="timed passes per weights mode (alternated)")
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    return p.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    import torch

    import bindcore

    if args.threads:
        torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = args.model_dir
        if args.quick or model_dir is None:
            model_dir = Path(tmp) / "tiny"
            bindcore.load_model("tiny", seed=0).save(model_dir)
        print(machine_description())
        rows = []
        for name in [m for m in args.modalities.split(",") if m]:
            items = write_raw_items(name, Path(tmp) / name, args.batch_size)
            rows += measure(model_dir, name, items, args.rounds)
    print(f"\n## One forward pass, resident vs low_memory weights ({model_dir}; median of {args.rounds} alternated rounds)\n")
    print(markdown_table(rows, COLUMNS))


if __name__ == "__main__":
    main()
