"""Can a tiny encoder learn a ShapeWorld attribute at all? Trains it on the labels directly.

    .venv/bin/python benchmarks/supervised_probe.py imu motion
    .venv/bin/python benchmarks/supervised_probe.py image shape [--steps 200]

Builds one modality of the `tiny` preset (random weights), renders ShapeWorld train items, and trains the
encoder so that its embedding lands on a fixed random vector per class (cross-entropy over cosines x 14).
Prints the loss and the accuracy on held-out items. This separates "the encoder cannot see the attribute"
from "the anchor it is bound to does not carry it" when emergent zero-shot accuracy stays at chance.
"""

from __future__ import annotations

import argparse
import sys

import torch
import torch.nn.functional as F


def main(argv: list[str] | None = None) -> int:
    import bindcore
    from bindcore_shapeworld import ShapeWorldConfig, build, zero_shot_tasks

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modality")
    parser.add_argument("task")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--items", type=int, default=2048)
    args = parser.parse_args(argv)
    torch.manual_seed(0)
    classes = list(zero_shot_tasks()[args.task])
    data = build(ShapeWorldConfig(two_object_prob=0.0, modalities=[args.modality]), "train")
    model = bindcore.build_model("tiny", seed=0, modalities=[args.modality])
    items = [data[i] for i in range(args.items)]
    x = model.preprocess(args.modality, [it[args.modality] for it in items])  # (N, ...)
    y = torch.tensor([classes.index(it["_labels"][args.task]) for it in items])  # (N,)
    train = int(0.75 * len(items))
    targets = F.normalize(torch.randn(len(classes), model.embed_dim), dim=-1)  # (C, E)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    print(f"| step | train loss | held-out accuracy ({args.modality} {args.task}, chance {1 / len(classes):.3f}) |")
    print("|---|---|---|")
    for step in range(args.steps + 1):
        model.train()
        idx = torch.randint(0, train, (64,))
        loss = F.cross_entropy(14 * model({args.modality: x[idx]})[args.modality] @ targets.T, y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % max(args.steps // 4, 1) == 0:
            model.eval()
            with torch.no_grad():
                predicted = (model({args.modality: x[train:]})[args.modality] @ targets.T).argmax(1)  # (M,)
            print(f"| {step} | {loss.item():.3f} | {(predicted == y[train:]).float().mean().item():.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
