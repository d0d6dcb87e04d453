"""The training loop: stages of (anchor, partner) InfoNCE steps, checkpoints, metrics and resume."""

from __future__ import annotations

import contextlib
import json
import math
import sys
import time
import warnings
from pathlib import Path

import torch

from bindcore.errors import BindcoreError
from bindcore.train import distributed, recipes
from bindcore.train.config import RunConfig, StageConfig
from bindcore.train.state import find_checkpoint, load_train_state, resume_task, save_checkpoint
from bindcore.train.task import TaskRecipe, build_task


class TrainingError(BindcoreError):
    """Training cannot go on (a non-finite loss, a run directory that does not match)."""


def lr_at(step: int, stage: StageConfig) -> float:
    """Linear warm-up to ``lr``, then cosine decay to ``lr * min_lr_ratio`` at the last step."""
    o = stage.optim
    if step < o.warmup_steps:
        return o.lr * (step + 1) / o.warmup_steps
    progress = (step - o.warmup_steps) / max(stage.steps - o.warmup_steps, 1)
    return o.lr * (o.min_lr_ratio + (1 - o.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def build_optimizer(model, params, stage: StageConfig) -> torch.optim.AdamW:
    """AdamW; no weight decay on biases, norms, positions, CLS tokens and logit scales (tensors of rank < 2)."""
    ids = {id(p) for p in params}
    decay = [p for n, p in model.named_parameters() if id(p) in ids and p.ndim >= 2 and "pos_embed" not in n]
    rest = [p for p in params if all(p is not d for d in decay)]
    o = stage.optim
    return torch.optim.AdamW([{"params": decay, "weight_decay": o.weight_decay}, {"params": rest, "weight_decay": 0.0}],
                             lr=o.lr, betas=o.betas, eps=o.eps)


class Trainer:
    """Runs every stage of a RunConfig on ``model``, writing to ``out_dir``.

    Args:
        model: the BindModel (built from cfg.model, or loaded when resuming).
        cfg: the validated run config.
        host: the PluginHost (datasets).
        world: this process's rank and device.
    """

    def __init__(self, model, cfg: RunConfig, host, world: distributed.World):
        self.model, self.cfg, self.host, self.world = model, cfg, host, world
        self.out = Path(cfg.out_dir)
        self.ckpt_dir = self.out / "checkpoint"
        self.stage_index, self.step, self.optimizer_state = 0, 0, None
        self.skipped = 0
        self.reported: set[str] = set()
        self.tb = None
        self.task = None  # the TaskModel once a task stage has built its head (saved with every checkpoint)

    # -- resume ---------------------------------------------------------------------------------
    def resume(self) -> bool:
        """Restores weights, optimiser, RNG and position from the last checkpoint; False if there is none."""
        from bindcore.checkpoint import load_weights, read_meta

        found = find_checkpoint(self.ckpt_dir)
        if found is None:
            return False
        load_weights(self.model, found, read_meta(found), device=self.world.device)
        self.task = resume_task(found, self.model, self.host, self.world.device)
        state = load_train_state(found)
        self.stage_index, self.step = int(state["stage"]), int(state["step"])
        self.optimizer_state, self.skipped = state.get("optimizer"), int(state.get("skipped", 0))
        torch.set_rng_state(state["rng"])
        self._truncate_metrics(int(state["global_step"]))
        return True

    def _truncate_metrics(self, global_step: int) -> None:
        path = self.out / "metrics.jsonl"
        if path.is_file() and self.world.main:
            keep = [line for line in path.read_text().splitlines() if line and json.loads(line)["global_step"] <= global_step]
            path.write_text("".join(line + "\n" for line in keep))

    # -- the loop -------------------------------------------------------------------------------
    def fit(self) -> None:
        """Runs the remaining stages; checkpoints every ``checkpoint_every`` steps and at each stage's end."""
        self.out.mkdir(parents=True, exist_ok=True)
        if self.world.main:
            from torch.utils.tensorboard import SummaryWriter

            self.tb = SummaryWriter(str(self.out / "tensorboard"))
        try:
            for index in range(self.stage_index, len(self.cfg.stages)):
                self.stage_index = index
                self._run_stage(self.cfg.stages[index])
                self.step, self.optimizer_state = 0, None
                self.stage_index = index + 1
                self._checkpoint(None)
        finally:
            if self.tb:
                self.tb.close()

    def _global_step(self) -> int:
        return sum(s.steps for s in self.cfg.stages[: self.stage_index]) + self.step

    def _run_stage(self, stage: StageConfig) -> None:
        from tqdm.auto import tqdm

        t = self.cfg.trainer
        data = stage.data or self.cfg.data
        if stage.recipe == "task":
            if self.task is None:
                self.task = build_task(self.model, stage, data, self.host, self.world.device)
            recipe = TaskRecipe(self.task, stage, data, self.host)
        else:
            recipe = recipes.PairRecipe(self.model, stage, data, self.host)
        params = recipe.prepare()
        optimizer = build_optimizer(recipe.module, params, stage)
        if self.optimizer_state is not None:
            optimizer.load_state_dict(self.optimizer_state)
        loader = iter(recipe.loader(seed=self._seed(stage), start=self.step * t.grad_accum,
                                    stop=stage.steps * t.grad_accum, rank=self.world.rank, world=self.world.size))
        autocast = (torch.autocast(self.world.device.type, dtype=torch.bfloat16) if t.precision == "bf16"
                    else contextlib.nullcontext())
        show = t.progress if t.progress is not None else sys.stderr.isatty()
        bar = tqdm(total=stage.steps, initial=self.step, desc=f"{stage.name} ({stage.recipe})", unit="step",
                   disable=not (show and self.world.main))
        while self.step < stage.steps:
            lr = lr_at(self.step, stage)
            for group in optimizer.param_groups:
                group["lr"] = lr
            times = {"data": 0.0, "forward": 0.0, "backward": 0.0, "optimizer": 0.0}
            losses: dict[str, float] = {}
            samples, start = 0, time.perf_counter()
            for _ in range(t.grad_accum):
                tick = time.perf_counter()
                batch = next(loader)
                self._report_skipped(batch.skipped)
                times["data"] += (tock := time.perf_counter()) - tick
                with autocast:
                    pair_losses = recipe.losses(batch, self.world.device)
                    loss = sum(pair_losses.values()) / len(pair_losses)
                times["forward"] += (tick := time.perf_counter()) - tock
                (loss / t.grad_accum).backward()
                times["backward"] += time.perf_counter() - tick
                for x, value in pair_losses.items():
                    losses[x] = losses.get(x, 0.0) + float(value.detach()) / t.grad_accum
                samples += recipe.samples(batch)
            tick = time.perf_counter()
            distributed.average_gradients(params, self.world)
            total = sum(losses.values()) / len(losses)
            total = distributed.mean_over_ranks(torch.tensor(total), self.world)
            if not math.isfinite(total):
                raise TrainingError(
                    f"the loss became {total} at step {self.step + 1} of stage '{stage.name}'; the last good "
                    f"checkpoint is kept in {self.ckpt_dir}. Lower optim.lr, set trainer.grad_clip, or use fp32.")
            grad_norm = torch.nn.utils.clip_grad_norm_(params, t.grad_clip or float("inf"))
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            times["optimizer"] = time.perf_counter() - tick
            self.step += 1
            elapsed = time.perf_counter() - start
            bar.set_postfix(loss=f"{total:.3f}", samples_s=f"{samples * self.world.size / elapsed:.0f}")
            bar.update(1)
            if self.step % t.log_every == 0 or self.step == stage.steps:
                self._log(stage, total, losses, lr, float(grad_norm), samples * self.world.size / elapsed, times)
            if self.step % t.checkpoint_every == 0 and self.step < stage.steps:
                self._checkpoint(optimizer)
        bar.close()

    def _seed(self, stage: StageConfig) -> int:
        import zlib

        return zlib.crc32(f"{self.cfg.seed}/{stage.name}".encode())

    def _report_skipped(self, skipped: list[str]) -> None:
        for reason in skipped:
            if self.world.main and reason not in self.reported:
                self.reported.add(reason)
                warnings.warn(f"skipped a training {reason}", RuntimeWarning, stacklevel=2)
        self.skipped += len(skipped)

    def _log(self, stage, total, losses, lr, grad_norm, samples_per_s, times) -> None:
        if not self.world.main:
            return
        record = {"global_step": self._global_step(), "stage": stage.name, "step": self.step, "loss": total,
                  **{f"loss/{x}": v for x, v in losses.items()}, "lr": lr, "grad_norm": grad_norm,
                  "samples_per_s": samples_per_s, "skipped": self.skipped,
                  **{f"time/{k}": v for k, v in times.items()}}
        with (self.out / "metrics.jsonl").open("a") as f:
            f.write(json.dumps(record) + "\n")
        for key, value in record.items():
            if isinstance(value, (int, float)) and key != "global_step":
                self.tb.add_scalar(key, value, record["global_step"])

    def _checkpoint(self, optimizer) -> None:
        if self.world.main:
            state = {"stage": self.stage_index, "step": self.step, "global_step": self._global_step(),
                     "optimizer": optimizer.state_dict() if optimizer is not None else None,
                     "rng": torch.get_rng_state(), "skipped": self.skipped}
            save_checkpoint(self.model, self.ckpt_dir, state, self.host, task=self.task)
        distributed.barrier(self.world)
