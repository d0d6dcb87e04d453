"""Real data results: digits (images, recorded speech, text), Fashion-MNIST and BasicMotions, over seeds.

    make data                                               # once: datasets + the MiniLM text tower
    OMP_NUM_THREADS=1 python benchmarks/real_data.py        # 3 seeds of every run, then the tables
    python benchmarks/real_data.py --seeds 0 --runs digits  # one seed of one run

Runs (configs/train/real_*.yaml; each seed trains into runs/real_data/NAME-sSEED and is skipped when done):
  digits             image-text anchor (MiniLM tower) on handwritten digits, then espeak-ng speech bound to the
                     frozen image encoder by class: audio -> text is emergent (never saw text)
  digits_audio_text  the same, but speech bound to the frozen text tower: audio -> text is supervised
  digits_clip_text   the image-text anchor with our own text tower (CLIP BPE, trained from scratch)
  fashion_mnist      image-text anchor on Fashion-MNIST, zero-shot on its 10,000 test images
  basic_motions      IMU bound to the frozen MiniLM text tower (LanguageBind style), zero-shot on the 40 test recordings
Spoken digits are evaluated on the real recorded voices only (Asterisk prompts, 6 voices, 5 languages),
per voice and overall. Prints Markdown tables with mean ± std over seeds.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUNS = {
    "digits": "configs/train/real_digits.yaml",
    "digits_audio_text": "configs/train/real_digits_audio_text.yaml",
    "digits_clip_text": "configs/train/real_digits_clip_text.yaml",
    "fashion_mnist": "configs/train/real_fashion_mnist.yaml",
    "basic_motions": "configs/train/real_basic_motions.yaml",
}


def class_embeddings(model, tasks: dict, task: str, prompt_modality: str = "text"):
    """(class names, (K, E) unit-norm class embeddings: the renormalised mean of each class's prompts)."""
    import torch.nn.functional as F

    names = list(tasks[task])
    rows = [F.normalize(model.embed({prompt_modality: tasks[task][c]})[prompt_modality].mean(0), dim=0) for c in names]
    import torch

    return names, torch.stack(rows)  # (K, E)


def zero_shot_hits(model, dataset, modality: str, task: str) -> tuple[list[bool], list[dict]]:
    """Per item of ``dataset`` holding ``modality``: whether its nearest class prompt is its label."""
    items = [dataset[i] for i in range(len(dataset))]
    items = [it for it in items if it.get(modality) is not None]
    names, classes = class_embeddings(model, dataset.zero_shot_tasks(), task)
    z = model.embed({modality: [it[modality] for it in items]}, batch_size=128, progress=False)[modality]  # (N, E)
    predicted = (z @ classes.T).argmax(1).tolist()  # (N,)
    return [names[p] == it["_labels"][task] for p, it in zip(predicted, items)], items


def evaluate_seed(name: str, out: Path) -> dict:
    """The numbers of one trained run (cached in OUT/real_data.json)."""
    import bindcore
    from bindcore.plugin_host import default_host

    cache = out / "real_data.json"
    result: dict = json.loads(cache.read_text()) if cache.is_file() else {}
    wanted = {"digits": ["image", "audio", "audio_synthetic_val"], "digits_audio_text": ["image", "audio", "audio_synthetic_val"],
              "digits_clip_text": ["image"], "fashion_mnist": ["image"], "basic_motions": ["imu"]}[name]
    if all(k in result for k in wanted):
        return result
    model = bindcore.load_model(str(out))
    model.eval()
    datasets = default_host().datasets
    if name.startswith("digits"):
        spec = datasets.get("digits")
        images = spec.build(spec.Config(modalities=["image", "text"]), "test")
        hits, _ = zero_shot_hits(model, images, "image", "digit")
        result["image"] = sum(hits) / len(hits)
        if "audio" in model.names:
            clips = spec.build(spec.Config(modalities=["audio"], index_by="audio"), "test")
            hits, items = zero_shot_hits(model, clips, "audio", "digit")
            result["audio"] = sum(hits) / len(hits)
            voices = sorted({it["_voice"] for it in items})
            result["audio_by_voice"] = {v: statistics.mean(h for h, it in zip(hits, items) if it["_voice"] == v) for v in voices}
            # the diagnostic: the same model on held-out *synthetic* voices (espeak-ng, never trained on)
            synthetic = spec.build(spec.Config(modalities=["audio"], index_by="audio", augment=False), "val")
            hits, _ = zero_shot_hits(model, synthetic, "audio", "digit")
            result["audio_synthetic_val"] = sum(hits) / len(hits)
    elif name == "fashion_mnist":
        spec = datasets.get("fashion_mnist")
        hits, _ = zero_shot_hits(model, spec.build(spec.Config(modalities=["image"]), "test"), "image", "clothing")
        result["image"] = sum(hits) / len(hits)
    elif name == "basic_motions":
        spec = datasets.get("basic_motions")
        hits, _ = zero_shot_hits(model, spec.build(spec.Config(modalities=["imu"]), "test"), "imu", "activity")
        result["imu"] = sum(hits) / len(hits)
    cache.write_text(json.dumps(result, indent=1))
    return result


def run_seed(name: str, seed: int, root: Path, scale: float) -> tuple[dict, float | None]:
    """Trains (unless done) and evaluates one run at one seed; returns (numbers, wall seconds or None)."""
    import yaml

    from bindcore.train.run import train

    config = REPO / RUNS[name]
    out = root / f"{name}-s{seed}"
    seconds = None
    if not (out / "eval.json").is_file():
        stages = yaml.safe_load(config.read_text())["stages"]
        overrides = [f"seed={seed}", f"out_dir={out}", "trainer.progress=false"]
        overrides += [f"stages.{i}.steps={max(1, round(s['steps'] * scale))}" for i, s in enumerate(stages)]
        start = time.perf_counter()
        train(str(config), overrides, resume=(out / "checkpoint").exists())
        seconds = time.perf_counter() - start
    return evaluate_seed(name, out), seconds


def mean_std(values: list[float]) -> str:
    if not values:
        return "n/a"
    if len(values) == 1:
        return f"{values[0]:.3f} (1 seed)"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


def print_tables(results: dict[str, list[dict]], seconds: dict[str, list[float]]) -> None:
    def col(name, key):
        return [r[key] for r in results.get(name, []) if key in r]

    n = {k: len(v) for k, v in results.items()}
    print("## Zero-shot top-1 accuracy (test splits), mean ± std over seeds\n")
    print("| result | run | modality -> text | accuracy | seeds | chance |")
    print("|---|---|---|---|---|---|")
    rows = [
        ("1. image-text anchor, digits (MiniLM tower)", "digits", "image"),
        ("1. image-text anchor, digits (own CLIP-BPE tower)", "digits_clip_text", "image"),
        ("2-3. spoken digits, real voices: **emergent** (audio bound to images)", "digits", "audio"),
        ("3. spoken digits, real voices: supervised (audio bound to text)", "digits_audio_text", "audio"),
        ("(diagnostic) spoken digits, held-out espeak-ng voices: emergent", "digits", "audio_synthetic_val"),
        ("(diagnostic) spoken digits, held-out espeak-ng voices: supervised", "digits_audio_text", "audio_synthetic_val"),
        ("4. BasicMotions IMU, text anchor (LanguageBind style)", "basic_motions", "imu"),
        ("5. Fashion-MNIST image -> text", "fashion_mnist", "image"),
    ]
    chance = {"digits": 0.1, "digits_clip_text": 0.1, "digits_audio_text": 0.1, "basic_motions": 0.25, "fashion_mnist": 0.1}
    for label, name, modality in rows:
        values = col(name, modality)
        shown = "audio" if modality == "audio_synthetic_val" else modality
        print(f"| {label} | {name} | {shown} | {mean_std(values)} | {len(values)} | {chance[name]:.3f} |")
    print("| 4. BasicMotions IMU, image-anchored (emergent) | - | imu | n/a: BasicMotions has no image side | - | 0.250 |")
    voices = sorted({v for r in results.get("digits", []) + results.get("digits_audio_text", []) for v in r.get("audio_by_voice", {})})
    if voices:
        print("\n## Spoken digit -> text on the real recorded voices, per voice (10 clips each)\n")
        print("| voice | emergent (image-bound) | supervised (text-bound) | chance |")
        print("|---|---|---|---|")
        for v in voices:
            e = [r["audio_by_voice"][v] for r in results.get("digits", []) if v in r.get("audio_by_voice", {})]
            s = [r["audio_by_voice"][v] for r in results.get("digits_audio_text", []) if v in r.get("audio_by_voice", {})]
            print(f"| {v} | {mean_std(e)} | {mean_std(s)} | 0.100 |")
        e, s = col("digits", "audio"), col("digits_audio_text", "audio")
        print(f"| **all {len(voices) * 10} clips** | {mean_std(e)} | {mean_std(s)} | 0.100 |")
    if any(seconds.values()):
        print("\n## Wall time per seed (training + evaluation), minutes\n")
        print("| run | " + " | ".join(seconds) + " |")
        print("|---|" + "---|" * len(seconds))
        print("| minutes | " + " | ".join(mean_std([s / 60 for s in v]) if v else "cached" for v in seconds.values()) + " |")
    print(f"\nseeds per run: {n}; machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
          f"torch threads as set by OMP_NUM_THREADS")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--runs", nargs="+", choices=list(RUNS), default=list(RUNS))
    parser.add_argument("--root", default=str(REPO / "runs" / "real_data"), help="where the runs go")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every stage's steps (quick checks)")
    parser.add_argument("--tables-only", action="store_true", help="print the tables of the runs already done")
    args = parser.parse_args(argv)
    root = Path(args.root)
    results: dict[str, list[dict]] = {name: [] for name in args.runs}
    seconds: dict[str, list[float]] = {name: [] for name in args.runs}
    for seed in args.seeds:
        for name in args.runs:
            out = root / f"{name}-s{seed}"
            if args.tables_only:
                if (out / "eval.json").is_file():
                    results[name].append(evaluate_seed(name, out))
                continue
            numbers, s = run_seed(name, seed, root, args.scale)
            results[name].append(numbers)
            if s is not None:
                seconds[name].append(s)
            print(f"[{name} seed {seed}] {json.dumps(numbers)}", file=sys.stderr, flush=True)
    print_tables(results, seconds)
    return 0


if __name__ == "__main__":
    from bindcore.errors import BindcoreError

    try:
        sys.exit(main())
    except BindcoreError as exc:  # missing data, a bad config: one line, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
