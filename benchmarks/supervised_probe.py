"""Can a tiny encoder learn a ShapeWorld attribute at all? Trains it on the labels directly.

    .venv/bin/python benchmarks/supervised_probe.py imu motion
    .venv/bin/python benchmarks/supervised_probe.py image shape [--steps 200] [--test-items 600]
        [--grey 0.5] [--label-smoothing 0.3]

Builds one modality of the `tiny` preset (random weights), renders ShapeWorld train items, and trains the
encoder so that its embedding lands on a fixed random vector per class (cross-entropy over cosines x 14).
Prints the loss, the accuracy on held-out train-split items (combinations seen in training) and on test
items apart by whether they show a (shape, colour) pair held out of training (--test-items, 0 to skip).
This separates "the encoder cannot see the attribute" from "the anchor it is bound to does not carry it"
when emergent zero-shot accuracy stays at chance, and shows whether the attribute transfers to unseen
combinations. --grey (a share of the training pictures turned grey) and --label-smoothing test two remedies
for an encoder that lets colour rule shapes out.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
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
    parser.add_argument("--test-items", type=int, default=0, help="test-split items scored apart by combination")
    parser.add_argument("--grey", type=float, default=0.0, help="share of training images shown in grey (image only)")
    parser.add_argument("--label-smoothing", type=float, default=0.0)
    args = parser.parse_args(argv)
    if args.grey and args.modality != "image":
        parser.error("--grey applies to the image modality only")
    torch.manual_seed(0)
    classes = list(zero_shot_tasks()[args.task])
    world = ShapeWorldConfig(two_object_prob=0.0, modalities=[args.modality])
    model = bindcore.build_model("tiny", seed=0, modalities=[args.modality])

    def tensors(split: str, n: int, grey: bool = False) -> tuple[torch.Tensor, ...]:
        """(x, y, held-out flags) of the first n items of a split, plus x in grey when asked (rendered once)."""
        items = [build(world, split)[i] for i in range(n)]
        raw = [it[args.modality] for it in items]
        x = model.preprocess(args.modality, raw)  # (N, ...)
        y = torch.tensor([classes.index(it["_labels"][args.task]) for it in items])  # (N,)
        out = (x, y, torch.tensor([it["_holdout"] for it in items], dtype=torch.bool))  # (N, ...), (N,), (N,)
        if grey:  # ITU-R 601 luma in all three channels
            luma = np.array([0.299, 0.587, 0.114])
            out += (model.preprocess(args.modality, [np.repeat((r @ luma)[..., None], 3, -1).round().astype(np.uint8)
                                                     for r in raw]),)  # (N, ...)
        return out

    def correct(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        model.eval()
        with torch.no_grad():
            return (model({args.modality: x})[args.modality] @ targets.T).argmax(1) == y  # (M,)

    x, y, _, *greyed = tensors("train", args.items, grey=bool(args.grey))
    x_grey = greyed[0] if greyed else None
    test = tensors("test", args.test_items) if args.test_items else None
    train = int(0.75 * len(x))
    targets = F.normalize(torch.randn(len(classes), model.embed_dim), dim=-1)  # (C, E)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    columns = ["step", "train loss", f"held-out accuracy ({args.modality} {args.task}, chance {1 / len(classes):.3f})"]
    if test is not None:
        columns += [f"test, seen combinations ({int((~test[2]).sum())})", f"test, held-out combinations ({int(test[2].sum())})"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for step in range(args.steps + 1):
        model.train()
        idx = torch.randint(0, train, (64,))
        batch = x[idx]
        if x_grey is not None:
            grey = torch.rand(len(idx)) < args.grey  # (64,)
            batch[grey] = x_grey[idx][grey]
        logits = 14 * model({args.modality: batch})[args.modality] @ targets.T  # (64, C)
        loss = F.cross_entropy(logits, y[idx], label_smoothing=args.label_smoothing)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % max(args.steps // 4, 1) == 0:
            row = [str(step), f"{loss.item():.3f}", f"{correct(x[train:], y[train:]).float().mean().item():.3f}"]
            if test is not None:
                ok = correct(test[0], test[1]).float()  # (T,)
                row += [f"{ok[~test[2]].mean().item():.3f}", f"{ok[test[2]].mean().item():.3f}"]
            print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
