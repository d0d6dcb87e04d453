"""Which ShapeWorld attributes does a trained embedding carry? Linear probes on frozen embeddings.

    .venv/bin/python benchmarks/anchor_probe.py runs/quickstart                  # the image anchor
    .venv/bin/python benchmarks/anchor_probe.py runs/quickstart --modality imu --tasks motion

Embeds ShapeWorld train and test items (one object per scene) with a run's or model directory's
``--modality`` encoder, fits one linear classifier per attribute on the frozen train embeddings and
prints its test accuracy next to chance. A modality bound to an anchor can only inherit what the
anchor's embedding carries, so this tells why an emergent zero-shot result stays at chance: the anchor
never learned the attribute (probe near chance), or it did but the alignment with text is weak.
"""

from __future__ import annotations

import argparse
import sys

import torch
import torch.nn.functional as F


def linear_probe(train_z: torch.Tensor, train_y: torch.Tensor, test_z: torch.Tensor, test_y: torch.Tensor,
                 classes: int, steps: int = 300) -> float:
    """Test accuracy of a softmax regression fitted with Adam on (N, E) frozen embeddings."""
    torch.manual_seed(0)
    probe = torch.nn.Linear(train_z.shape[1], classes)
    optimizer = torch.optim.Adam(probe.parameters(), lr=0.05)
    for _ in range(steps):
        loss = F.cross_entropy(probe(train_z), train_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return (probe(test_z).argmax(1) == test_y).float().mean().item()


def main(argv: list[str] | None = None) -> int:
    import bindcore
    from bindcore_shapeworld import ShapeWorldConfig, build, zero_shot_tasks

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a run directory, a model directory or a preset (random weights)")
    parser.add_argument("--modality", default="image")
    parser.add_argument("--tasks", nargs="+", default=["shape", "colour", "size", "distance", "motion"])
    parser.add_argument("--train-items", type=int, default=2000)
    parser.add_argument("--test-items", type=int, default=500)
    args = parser.parse_args(argv)
    model = bindcore.load_model(args.model, modalities=[args.modality])
    world = ShapeWorldConfig(two_object_prob=0.0, modalities=[args.modality])
    tasks = zero_shot_tasks()
    splits = {}
    for split, count in (("train", args.train_items), ("test", args.test_items)):
        data = build(world, split)
        items = [data[i] for i in range(count)]
        z = model.embed({args.modality: [it[args.modality] for it in items]}, batch_size=64,
                        progress=False)[args.modality]  # (N, E)
        splits[split] = (z, [it["_labels"] for it in items])
    print(f"| {args.modality} embedding of {args.model} | linear probe test accuracy | chance |")
    print("|---|---|---|")
    for task in args.tasks:
        names = list(tasks[task])
        (train_z, train_labels), (test_z, test_labels) = splits["train"], splits["test"]
        train_y = torch.tensor([names.index(lab[task]) for lab in train_labels])  # (N,)
        test_y = torch.tensor([names.index(lab[task]) for lab in test_labels])  # (M,)
        accuracy = linear_probe(train_z, train_y, test_z, test_y, len(names))
        print(f"| {task} | {accuracy:.3f} | {1 / len(names):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
