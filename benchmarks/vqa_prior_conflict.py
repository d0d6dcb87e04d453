"""Which ShapeWorld QA test questions go against everything training said, and how trained heads answer them.

    .venv/bin/python benchmarks/vqa_prior_conflict.py [RUN_DIR ...] [--items 1000] [--all-scenes]

Sorts each test question by what the training split says of the very same question: ``seen`` (training asks
it and gives this answer), ``against`` (training asks it but never gives this answer, so a model that learnt
the training data has every reason to rule the answer out: "what colour is the star?" when no training star is
red), ``new`` (training never asks it: "is the red star left of the blue circle?"). Prints how many questions
of each type fall in each group, then each run's accuracy per group, apart by one- and two-object scenes.
Scenes follow the runs' dataset settings (or those of ``--config``); the test split holds a held-out (shape,
colour) pair in every scene unless ``--all-scenes``.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict

GROUPS = ("seen", "against", "new")


def main(argv: list[str] | None = None) -> int:
    import bindcore

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="*", help="run directories trained with the vqa head on shapeworld_qa")
    parser.add_argument("--config", default="configs/train/vqa_shapeworld.yaml",
                        help="training config whose dataset settings to use when no run is given")
    parser.add_argument("--items", type=int, default=1000, help="test questions (the split's first)")
    parser.add_argument("--all-scenes", action="store_true", help="test scenes need not hold a held-out pair")
    args = parser.parse_args(argv)
    try:
        world = dataset_settings(args.runs, args.config)
        models = [bindcore.load_task_model(run) for run in args.runs]
    except (bindcore.BindcoreError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    items = grouped_test_items(world, args.items, args.all_scenes)
    kinds = list(dict.fromkeys(kind for kind, _, _ in items))
    print("| question type | " + " | ".join(GROUPS) + " |")
    print("|---|" + "---|" * len(GROUPS))
    for kind in kinds + ["all"]:
        sizes = Counter(group for k, group, _ in items if kind in (k, "all"))
        print(f"| {kind} | " + " | ".join(str(sizes[g]) for g in GROUPS) + " |")
    for run, vqa in zip(args.runs, models):
        print_accuracy(run, vqa, test_split(world, args.all_scenes, vqa.settings.visual), items, kinds)
    return 0


def dataset_settings(runs: list[str], config: str):
    """ShapeWorldQAConfig of the runs (which must agree) or, with no run, of the training config file."""
    import yaml

    import bindcore
    from _common import shapeworld_qa_params
    from bindcore_shapeworld.qa import ShapeWorldQAConfig

    if runs:
        params = [shapeworld_qa_params(run) for run in runs]
    else:
        try:
            with open(config, encoding="utf-8") as f:
                dataset = yaml.safe_load(f)["data"]["dataset"]
        except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
            raise bindcore.BindcoreError(f"cannot read the dataset settings of {config}: {exc}") from None
        if dataset["name"] != "shapeworld_qa":
            raise bindcore.BindcoreError(f"{config} uses the dataset {dataset['name']!r}, not shapeworld_qa")
        params = [dataset.get("params") or {}]
    if any(p != params[0] for p in params):
        raise bindcore.BindcoreError("the runs were trained on different shapeworld_qa settings; "
                                     "compare them one at a time")
    return ShapeWorldQAConfig(**params[0])


def grouped_test_items(world, count: int, all_scenes: bool) -> list[tuple[str, str, int]]:
    """(question type, group, test index) of the first ``count`` test questions."""
    from bindcore_shapeworld.qa import ShapeWorldQA

    train = ShapeWorldQA(world, "train")
    given = defaultdict(set)  # question -> the answers training gives it
    for i in range(len(train)):
        question, answer = train.question(i)[3]
        given[question].add(answer)
    test = test_split(world, all_scenes)
    out = []
    for i in range(min(count, len(test))):
        _, _, kind, (question, answer) = test.question(i)
        group = "new" if question not in given else "seen" if answer in given[question] else "against"
        out.append((kind, group, i))
    return out


def test_split(world, all_scenes: bool, visual: str | None = None):
    """The ShapeWorld QA test split, rendering ``visual`` (the items do not depend on what is rendered)."""
    from bindcore_shapeworld.qa import ShapeWorldQA

    update = {"test_holdout_only": not all_scenes, **({"modalities": [visual]} if visual else {})}
    return ShapeWorldQA(world.model_copy(update=update), "test")


def print_accuracy(run: str, vqa, test, items: list[tuple[str, str, int]], kinds: list[str]) -> None:
    """One table for one run: accuracy per question type, number of objects in the scene and group."""
    visual = vqa.settings.visual
    right, total = Counter(), Counter()
    rendered = [test[i] for _, _, i in items]
    answers = vqa.answer([it[visual] for it in rendered], [it["question"] for it in rendered])
    for (kind, group, _), item, answer in zip(items, rendered, answers):
        row = (kind, str(len(item["_objects"])))
        for key in ((row, group), (row, "all"), (("all", ""), group), (("all", ""), "all")):
            total[key] += 1
            right[key] += answer.answer == item["answer"]
    rows = sorted({row for row, _ in total if row[0] != "all"}, key=lambda r: (kinds.index(r[0]), r[1])) + [("all", "")]
    print(f"\n{run}: accuracy % (questions)\n")
    print("| question type | objects | " + " | ".join(GROUPS) + " | all |")
    print("|---|---|" + "---|" * (len(GROUPS) + 1))
    for row in rows:
        cells = [f"{100 * right[row, g] / total[row, g]:.1f} ({total[row, g]})" if total[row, g] else "-"
                 for g in GROUPS + ("all",)]
        print(f"| {row[0]} | {row[1]} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
