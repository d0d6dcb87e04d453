"""Emergent zero-shot versus direct text supervision on ShapeWorld (the quickstart's headline result).

    python benchmarks/emergent_vs_direct.py                 # trains both runs if needed, prints the table
    python benchmarks/emergent_vs_direct.py --retrain       # retrain even if the run directories exist
    python benchmarks/emergent_vs_direct.py --long          # the 3000-step anchor, then both bind runs from it

Runs configs/train/quickstart.yaml (stage 2 binds audio, depth, thermal and imu to the frozen *image*
encoder: their text zero-shot accuracy is emergent) and configs/train/quickstart_text_direct.yaml
(the same steps, but stage 2 binds them to the frozen *text* encoder: supervised), then prints, per
modality and task, both accuracies, their ratio and chance, plus image -> text zero-shot and the
compositional probe of the quickstart run. Reads each run's eval.json; prints Markdown.

With ``--long``: configs/train/shapeworld_anchor.yaml trains the image-text anchor for 1500 steps on one-object
scenes, configs/train/shapeworld_anchor_more.yaml continues it for 1500 steps with a quarter two-object scenes,
then configs/train/shapeworld_bind_emergent.yaml and shapeworld_bind_direct.yaml start from it and bind the
four modalities to the frozen image or text encoder (same steps). Run directories that hold an eval.json are
reused unless ``--retrain``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUNS = {"emergent": "configs/train/quickstart.yaml", "direct": "configs/train/quickstart_text_direct.yaml"}
LONG_ANCHOR = ("configs/train/shapeworld_anchor.yaml", "configs/train/shapeworld_anchor_more.yaml")
LONG_RUNS = {"emergent": "configs/train/shapeworld_bind_emergent.yaml", "direct": "configs/train/shapeworld_bind_direct.yaml"}


def ensure_run(config: str, retrain: bool) -> tuple[dict, float | None]:
    """Trains ``config`` unless its eval.json exists; returns (eval results, training seconds or None)."""
    import yaml

    from bindcore.train.run import train

    out = REPO / yaml.safe_load((REPO / config).read_text())["out_dir"]
    seconds = None
    if retrain or not (out / "eval.json").is_file():
        if out.exists():
            import shutil

            shutil.rmtree(out)
        start = time.perf_counter()
        train(str(REPO / config))
        seconds = time.perf_counter() - start
    return json.loads((out / "eval.json").read_text()), seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retrain", action="store_true", help="train again even if the runs exist")
    parser.add_argument("--long", action="store_true", help="the 3000-step anchor and two bind runs from it")
    args = parser.parse_args(argv)
    results, seconds = {}, {}
    if args.long:
        for config in LONG_ANCHOR:
            _, seconds[Path(config).stem] = ensure_run(config, args.retrain)
    for name, config in (LONG_RUNS if args.long else RUNS).items():
        results[name], seconds[name] = ensure_run(config, args.retrain)
    emergent, direct = results["emergent"], results["direct"]
    print("| modality | task | emergent (image-bound) | direct (text-bound) | emergent / direct | chance |")
    print("|---|---|---|---|---|---|")
    for modality, tasks in emergent["zero_shot"].items():
        for task, acc in tasks.items():
            base = direct["zero_shot"].get(modality, {}).get(task)
            ratio = f"{acc / base:.2f}" if base else "n/a"
            base_text = f"{base:.3f}" if base is not None else "n/a"
            print(f"| {modality} | {task} | {acc:.3f} | {base_text} | {ratio} | {emergent['chance'][task]:.3f} |")
    if emergent.get("zero_shot_holdout"):
        print("\nEmergent run, test items of (shape, colour) pairs seen in training vs held out:\n")
        print("| modality | task | seen | held out |")
        print("|---|---|---|---|")
        for modality, tasks in emergent["zero_shot_holdout"].items():
            for task, split in tasks.items():
                cells = [f"{split[k]['accuracy']:.3f} ({split[k]['items']})" if k in split else "-"
                         for k in ("seen", "held_out")]
                print(f"| {modality} | {task} | {cells[0]} | {cells[1]} |")
    print()
    print("| compositional probe | accuracy | mean cosine gap (true - swapped) |")
    print("|---|---|---|")
    for modality, acc in emergent.get("compositional", {}).items():
        print(f"| {modality} | {acc:.3f} | {emergent['compositional_gap'][modality]:+.4f} |")
    for name, s in seconds.items():
        if s is not None:
            print(f"\n{name}: trained and evaluated in {s / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
