"""Where a ShapeWorld VQA head fails: accuracy per question type, apart by one- and two-object scenes.

    .venv/bin/python benchmarks/vqa_by_objects.py RUN_DIR [--types position,relation] [--items 600]

Asks a trained VQA run (`bindcore train configs/train/vqa_shapeworld.yaml ...`) the first ``--items`` test
questions of ShapeWorld QA, rendered as in the run's training data (scenes need not hold a held-out pair),
and prints a Markdown table. A head that
answers "is the red circle on the left or on the right?" on one-object scenes but not on two-object ones can
read a place but not find the named object among two, which a relation question needs twice. For position
questions the last column is what answering from the mean place of all objects gives (the question names the
axis), i.e. reading where the objects are without finding the named one.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter


def main(argv: list[str] | None = None) -> int:
    import bindcore
    from _common import shapeworld_qa_params
    from bindcore_shapeworld.qa import ShapeWorldQA, ShapeWorldQAConfig

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="a run directory trained with the vqa head")
    parser.add_argument("--types", default="position,relation", help="question types, comma-separated")
    parser.add_argument("--items", type=int, default=600)
    args = parser.parse_args(argv)
    try:
        vqa = bindcore.load_task_model(args.run)
        visual = vqa.settings.visual  # image, depth, thermal or audio
        params = {**shapeworld_qa_params(args.run), "question_types": args.types.split(","),
                  "test_holdout_only": False, "modalities": [visual]}  # the run's scenes, the asked types
        world = ShapeWorldQAConfig(**params)
    except (bindcore.BindcoreError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    dataset = ShapeWorldQA(world, "test")
    items = [dataset[i] for i in range(min(args.items, len(dataset)))]
    answers = vqa.answer([it[visual] for it in items], [it["question"] for it in items])
    right, total, unnamed = Counter(), Counter(), Counter()
    for item, answer in zip(items, answers):
        key = (item["_type"], len(item["_objects"]))
        total[key] += 1
        right[key] += answer.answer == item["answer"]
        unnamed[key] += item["_type"] == "position" and mean_place_answer(item) == item["answer"]
    print("| question type | objects | questions | accuracy | mean place of all objects |")
    print("|---|---|---|---|---|")
    for key in sorted(total):
        baseline = f"{100 * unnamed[key] / total[key]:.1f} %" if key[0] == "position" else "-"
        print(f"| {key[0]} | {key[1]} | {total[key]} | {100 * right[key] / total[key]:.1f} % | {baseline} |")
    return 0


def mean_place_answer(item: dict) -> str:
    """The answer to a position question from the mean place of the scene's objects, on the asked axis."""
    objects = item["_objects"]
    if item["answer"] in ("left", "right"):
        return "left" if sum(o["x"] for o in objects) / len(objects) < 0.5 else "right"
    return "top" if sum(o["y"] for o in objects) / len(objects) < 0.5 else "bottom"


if __name__ == "__main__":
    sys.exit(main())
