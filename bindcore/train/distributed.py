"""torch.distributed helpers: start from torchrun's environment, shard batches, average gradients."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class World:
    """This process's place: rank, world size, and the device it computes on."""

    rank: int = 0
    size: int = 1
    device: torch.device = torch.device("cpu")

    @property
    def main(self) -> bool:
        return self.rank == 0


def setup(device: str = "cpu") -> World:
    """Joins the process group when started by torchrun (gloo on CPU, nccl on CUDA); one process otherwise."""
    size = int(os.environ.get("WORLD_SIZE", "1"))
    if size == 1:
        return World(0, 1, torch.device(device))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if device.startswith("cuda"):
        torch.cuda.set_device(local_rank)
        dev = torch.device("cuda", local_rank)
    else:
        dev = torch.device(device)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if dev.type == "cuda" else "gloo")
    return World(dist.get_rank(), dist.get_world_size(), dev)


def teardown() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def average_gradients(params, world: World) -> None:
    """Averages the gradients of ``params`` over ranks (what DDP does, without wrapping the model)."""
    if world.size == 1:
        return
    for p in params:
        if p.grad is not None:
            dist.all_reduce(p.grad)
            p.grad /= world.size


def mean_over_ranks(value: torch.Tensor, world: World) -> float:
    """The mean of a scalar over ranks (for logging)."""
    if world.size > 1:
        value = value.detach().clone()
        dist.all_reduce(value)
        value /= world.size
    return float(value)


def barrier(world: World) -> None:
    if world.size > 1:
        dist.barrier()
