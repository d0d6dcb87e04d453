"""`bindcore vqa --model RUN_DIR VISUAL QUESTION [QUESTION ...]`: answers and their probabilities."""

from __future__ import annotations

import json

HELP = "answer questions about a picture (or another visual input) with a trained VQA run"


def add_arguments(p) -> None:
    p.add_argument("--model", required=True, metavar="RUN_DIR", help="a run trained with the vqa head")
    p.add_argument("visual", metavar="IMAGE", help="the picture (or depth map, thermal image, sound) to ask about")
    p.add_argument("questions", nargs="+", metavar="QUESTION", help="one or more questions")
    p.add_argument("--device", default="cpu", help="where the model runs")
    p.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    import bindcore

    vqa = bindcore.load_task_model(args.model, device=args.device)
    if not hasattr(vqa, "answer"):
        raise bindcore.CheckpointError(f"{args.model} holds a '{vqa.spec.name}' task head, not a VQA head")
    answers = vqa.answer([args.visual] * len(args.questions), list(args.questions))
    if args.json:
        print(json.dumps([{"question": q, "answer": a.answer, "probability": round(a.probability, 4)}
                          for q, a in zip(args.questions, answers)], indent=2))
    else:
        for q, a in zip(args.questions, answers):
            print(f"{a.answer}\t{a.probability:.3f}" + (f"\t{q}" if len(args.questions) > 1 else ""))
    return 0
