"""Micro-batching: requests from many callers are embedded together in one forward pass.

Request handlers announce themselves (:meth:`MicroBatcher.expecting`), preprocess their own items (in the
server's thread pool) and hand the tensors to :class:`MicroBatcher`. One worker thread owns the model: it
takes the first waiting job and everything already queued; while other announced requests are still
preprocessing it waits for them, at most ``max_wait`` (up to ``max_batch`` items); then it runs one forward
pass per modality and input shape and hands each caller its rows. Under load the batches fill up, so
throughput rises with the number of concurrent callers, and a caller alone never waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np
import torch


@dataclass
class _Job:
    name: str
    tensors: list[torch.Tensor]
    future: asyncio.Future
    loop: asyncio.AbstractEventLoop


class MicroBatcher:
    """Runs ``model``'s forward passes on batches gathered across concurrent requests.

    Args:
        model: a BindModel (put in eval mode; only this object's thread runs it).
        max_batch: the most items in one forward pass.
        max_wait_s: how long to wait for more jobs after the first one.
    """

    def __init__(self, model, max_batch: int = 32, max_wait_s: float = 0.002):
        self.model = model.eval()
        self.max_batch, self.max_wait_s = max(1, max_batch), max(0.0, max_wait_s)
        self.batch_sizes: deque[int] = deque(maxlen=10_000)  # items per recent forward pass, for tests
        self.forward_passes = 0  # since start, for /health
        self.items = 0
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._coming = 0  # requests announced that have not submitted their items yet

    @contextlib.contextmanager
    def expecting(self):
        """Announces a request that will submit items soon, so that a batch being gathered waits for it."""
        ticket = _Ticket()
        with self._lock:
            self._coming += 1
        try:
            yield ticket
        finally:
            self._arrived(ticket)

    def _arrived(self, ticket: "_Ticket | None") -> None:
        if ticket is not None and not ticket.done:
            ticket.done = True
            with self._lock:
                self._coming -= 1

    async def embed(self, name: str, tensors: list[torch.Tensor], ticket: "_Ticket | None" = None) -> np.ndarray:
        """Unit-norm embeddings (n, E) of preprocessed items of one modality.

        Args:
            name: the modality.
            tensors: preprocessed items.
            ticket: from :meth:`expecting`, if the request announced itself.
        """
        self._start()
        self._arrived(ticket)
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queue.put(_Job(name, tensors, future, loop))
        return await future

    def close(self) -> None:
        """Stops the worker thread after the jobs already queued."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="bindcore-batcher", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            jobs, count, stop = [first], len(first.tensors), False
            deadline = time.monotonic() + self.max_wait_s
            while count < self.max_batch:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    left = deadline - time.monotonic()
                    if left <= 0 or self._coming <= 0:  # nobody else is on the way: run now
                        break
                    try:
                        job = self._queue.get(timeout=left)
                    except queue.Empty:
                        break
                if job is None:
                    stop = True
                    break
                jobs.append(job)
                count += len(job.tensors)
            self._forward(jobs)
            if stop:
                return

    def _forward(self, jobs: list[_Job]) -> None:
        groups: dict[tuple, list[_Job]] = {}
        for job in jobs:
            groups.setdefault((job.name, tuple(job.tensors[0].shape)), []).append(job)
        for (name, _), members in groups.items():
            try:
                rows = [t for job in members for t in job.tensors]
                out = []
                with torch.inference_mode():
                    modality = self.model.modality(name)
                    for start in range(0, len(rows), self.max_batch):
                        batch = torch.stack(rows[start:start + self.max_batch])  # (B, ...)
                        out.append(modality(batch).float().numpy())  # (B, E)
                        self.batch_sizes.append(len(batch))
                        self.forward_passes += 1
                        self.items += len(batch)
                z = np.concatenate(out)  # (N, E)
            except Exception as exc:  # every caller of the group gets the error, the worker goes on
                for job in members:
                    job.loop.call_soon_threadsafe(_settle, job.future, None, exc)
                continue
            offset = 0
            for job in members:
                n = len(job.tensors)
                job.loop.call_soon_threadsafe(_settle, job.future, z[offset:offset + n], None)
                offset += n


class _Ticket:
    """One announced request; ``done`` once it submitted its items or left."""

    done = False


def _settle(future: asyncio.Future, result, error) -> None:
    if future.done():  # the caller timed out and went away
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
