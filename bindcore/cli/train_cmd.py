"""`bindcore train CONFIG [a.b=c ...]`: run the stages of a run config (also under torchrun)."""

from __future__ import annotations

import sys

from bindcore.specs import CommandSpec


def add_arguments(p):
    p.add_argument("config", help="a run config, e.g. configs/train/quickstart.yaml")
    p.add_argument("overrides", nargs="*", metavar="a.b=c", help="override settings, e.g. trainer.precision=bf16")
    p.add_argument("--resume", action="store_true", help="continue from OUT_DIR/checkpoint after an interruption")


def run(args) -> int:
    from bindcore.train.run import train

    out = train(args.config, args.overrides, resume=args.resume)
    print(f"done: {out} (load it with bindcore.load_model({str(out)!r}))", file=sys.stderr)
    return 0


COMMAND = CommandSpec("train", "train a model from a run config (stages: contrastive, bind)", add_arguments, run)
