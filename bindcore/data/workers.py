"""DataLoader worker set-up shared by embedding and training."""

from __future__ import annotations


def single_thread_worker(_worker_id: int) -> None:
    """Runs each preprocessing worker on one intra-op thread.

    Workers share the cores with the process running the model; their own thread pools would fight it
    for the same cores (on 2 cores that made training steps several times slower).
    """
    import torch

    torch.set_num_threads(1)
