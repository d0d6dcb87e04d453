"""Inference in bounded memory: memory-mapped weights are released from the process after each module runs.

Weights loaded from safetensors stay in the file's memory mapping, so they become resident page by page as a
forward pass reads them, and stay resident: after one pass the whole trunk counts in the process's RSS.
:func:`enable_weight_paging` registers forward hooks that, once a module has run, tell the kernel
(``madvise(MADV_DONTNEED)``) that the process no longer needs the pages of that module's file-backed
parameters and buffers. The pages stay in the page cache, so the next read maps them back (a minor page
fault, no disk read while memory allows), and the resident set holds about one module's weights at a time.

The mapping safetensors makes is private (copy-on-write): a page written in place (an optimiser step,
``load_state_dict``, ``p.add_``) becomes a private copy, and releasing it would silently bring back the file's
value. So paging is for inference only, and guarded three ways:

- the paged parameters are set to ``requires_grad=False``;
- a module in training mode (``model.train()``) or with a paged parameter requiring grad refuses to run;
- before releasing a tensor's pages, ``/proc/self/pagemap`` is read: if any of them is a private copy
  (written in place), a :class:`WeightPagingError` is raised and nothing is released.

Only Linux is supported (``/proc/self/maps``, ``/proc/self/pagemap``); elsewhere :func:`enable_weight_paging`
warns and does nothing.

Example:
    >>> model = bindcore.load_model("model_dir", modalities=["audio"], low_memory=True)  # doctest: +SKIP
    >>> model.embed({"audio": ["a.wav", "b.wav"]})  # doctest: +SKIP
    >>> disable_weight_paging(model)  # then the weights may be trained (set requires_grad yourself)  # doctest: +SKIP
"""

from __future__ import annotations

import ctypes
import mmap
import os
import sys
import warnings
from typing import Iterator

import torch
from torch import nn

from bindcore.errors import BindcoreError

PAGE = mmap.PAGESIZE
MADV_DONTNEED = 4  # linux/mman.h
_SWAPPED, _FILE_OR_SHARED = 1 << 62, 1 << 61  # /proc/PID/pagemap entry bits (bit 63, present, is tested as the sign)


class WeightPagingError(BindcoreError):
    """A model whose weights are paged was asked to train, or its weights were written in place."""


def file_mappings() -> list[tuple[int, int]]:
    """(start, end) address ranges of this process's file-backed, non-executable memory mappings."""
    ranges = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            if len(fields) == 6 and fields[4] != "0" and "x" not in fields[1] and fields[5].startswith("/") \
                    and not fields[5].rstrip().endswith("(deleted)"):
                lo, hi = fields[0].split("-")
                ranges.append((int(lo, 16), int(hi, 16)))
    return ranges


def byte_span(tensor: torch.Tensor) -> tuple[int, int]:
    """(start, end) addresses of the bytes ``tensor`` can read (a strided view spans from its first to last element)."""
    elements = sum((size - 1) * stride for size, stride in zip(tensor.shape, tensor.stride())) + 1
    return tensor.data_ptr(), tensor.data_ptr() + elements * tensor.element_size()


def whole_pages(tensor: torch.Tensor) -> tuple[int, int]:
    """(first, end) page-aligned addresses of the pages lying wholly inside ``tensor``'s bytes (empty if none)."""
    start, end = byte_span(tensor)
    first, last = -(-start // PAGE) * PAGE, end // PAGE * PAGE
    return first, max(first, last)


class _Libc:
    """madvise through ctypes (loaded on first use)."""

    _madvise = None

    @classmethod
    def madvise(cls, start: int, length: int, advice: int) -> None:
        if cls._madvise is None:
            fn = ctypes.CDLL(None, use_errno=True).madvise
            fn.argtypes, fn.restype = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int], ctypes.c_int
            cls._madvise = fn
        if cls._madvise(start, length, advice) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"madvise({start:#x}, {length}): {os.strerror(err)}")


class WeightPager:
    """Releases the file-backed pages of ``root``'s parameters and buffers after each module's forward pass.

    Use :func:`enable_weight_paging` rather than this class. Each module holding paged tensors releases its
    own after it runs; ``root`` releases all of them again after it runs: tensors read by a parent or through
    functional calls, and pages the kernel mapped back early (a page fault also maps up to 64 KiB of
    neighbouring cached pages, which may belong to a module that already ran).

    Args:
        root: the module whose tensors are paged (e.g. one modality's encoder).
        what: how errors name it (e.g. the model directory and modality).
        tensors: module -> its own tensors lying wholly inside a file mapping (from :func:`paged_tensors`).
    """

    def __init__(self, root: nn.Module, what: str, tensors: dict[nn.Module, list[torch.Tensor]]):
        self.root, self.what = root, what
        self.owned = {module: [(t, *whole_pages(t)) for t in ts] for module, ts in tensors.items()}
        self.params = {module: [t for t in ts if isinstance(t, nn.Parameter)] for module, ts in tensors.items()}
        self.handles = []
        for module in set(self.owned) | {root}:
            self.handles.append(module.register_forward_pre_hook(self._check))
            self.handles.append(module.register_forward_hook(self._after))
        for params in self.params.values():
            for p in params:
                p.requires_grad_(False)

    @property
    def nbytes(self) -> int:
        """Bytes of whole pages this pager releases per forward pass."""
        ranges = {(lo, hi) for owned in self.owned.values() for _, lo, hi in owned}
        return sum(hi - lo for lo, hi in ranges)

    def _check(self, module: nn.Module, args) -> None:
        if module.training:
            raise WeightPagingError(f"{self.what}: this model pages its weights from the file (low_memory=True), "
                                    "which is for inference only, but it is in training mode: call model.eval(), "
                                    "or load it without low_memory to train it")
        if any(p.requires_grad for p in self.params.get(module, ())):
            raise WeightPagingError(f"{self.what}: a parameter paged from the file (low_memory=True) requires grad; "
                                    "paged weights cannot be trained: load the model without low_memory to train it")

    def _after(self, module: nn.Module, args, output) -> None:
        if module in self.owned:
            self._release(self.owned[module])
        if module is self.root:
            for other, owned in self.owned.items():
                if other is not module:
                    self._release(owned)

    def _release(self, owned: list[tuple[torch.Tensor, int, int]]) -> None:
        for tensor, lo, hi in owned:
            if hi > lo:
                if self.modified_pages(lo, hi):
                    raise WeightPagingError(
                        f"{self.what}: weights paged from the file (low_memory=True) were modified in place; "
                        "releasing them would bring back the file's values, so they are kept: load the model "
                        "without low_memory to train or edit its weights")
                _Libc.madvise(lo, hi - lo, MADV_DONTNEED)

    @staticmethod
    def modified_pages(lo: int, hi: int) -> int:
        """How many pages in [lo, hi) are private copies (written in place) rather than the file's pages."""
        fd = os.open("/proc/self/pagemap", os.O_RDONLY)
        try:
            raw = os.pread(fd, (hi - lo) // PAGE * 8, lo // PAGE * 8)
        finally:
            os.close(fd)
        entries = torch.frombuffer(bytearray(raw), dtype=torch.int64)  # one 64-bit entry per page
        in_memory = (entries < 0) | (entries & _SWAPPED != 0)  # bit 63 (present) is the sign bit
        return int((in_memory & (entries & _FILE_OR_SHARED == 0)).sum())

    def remove(self) -> None:
        """Removes the hooks: nothing is released any more (the weights keep requires_grad=False)."""
        for handle in self.handles:
            handle.remove()
        self.handles.clear()


def paged_tensors(root: nn.Module) -> dict[nn.Module, list[torch.Tensor]]:
    """Module -> its own parameters and buffers lying wholly inside one file-backed memory mapping."""
    ranges = file_mappings()

    def mapped(t: torch.Tensor) -> bool:
        if t.device.type != "cpu" or t.numel() == 0:
            return False
        lo, hi = byte_span(t)
        return any(a <= lo and hi <= b for a, b in ranges)

    found: dict[nn.Module, list[torch.Tensor]] = {}
    for module in root.modules():
        own = [t for _, t in _own_tensors(module) if mapped(t)]
        if own:
            found[module] = own
    return found


def _own_tensors(module: nn.Module) -> Iterator[tuple[str, torch.Tensor]]:
    yield from module.named_parameters(recurse=False)
    yield from ((n, b) for n, b in module.named_buffers(recurse=False) if b is not None)


def enable_weight_paging(root: nn.Module, what: str = "model") -> WeightPager | None:
    """Makes ``root`` release its memory-mapped weights after each module's forward pass (inference only).

    Contract: the paged parameters get ``requires_grad=False``; a forward pass in training mode, with a paged
    parameter requiring grad, or after a paged weight was written in place raises :class:`WeightPagingError`
    (and releases nothing that was written). Embeddings are bit-for-bit those of the same model without paging.
    Use :func:`disable_weight_paging` before training or editing the weights.

    Args:
        root: a module whose weights were memory-mapped from a file (``safetensors.torch.load_file`` on CPU).
        what: how error messages name it.

    Returns:
        The pager (its ``remove()`` undoes the hooks), or None with a warning when nothing can be paged: no
        weight lies in a file mapping (random weights, another device) or the platform is not Linux.
    """
    if not sys.platform.startswith("linux"):
        warnings.warn("low-memory weight paging needs Linux (/proc/self/pagemap); weights stay resident", stacklevel=2)
        return None
    tensors = paged_tensors(root)
    if not tensors:
        warnings.warn(f"{what}: no weight is memory-mapped from a file, so low-memory paging has nothing to release",
                      stacklevel=2)
        return None
    pager = WeightPager(root, what, tensors)
    object.__setattr__(root, "_weight_pager", pager)  # not a submodule; found by disable_weight_paging
    return pager


def disable_weight_paging(model: nn.Module) -> int:
    """Removes the paging hooks from ``model`` and its submodules; returns how many pagers were removed."""
    removed = 0
    for module in model.modules():
        pager = module.__dict__.pop("_weight_pager", None)
        if pager is not None:
            pager.remove()
            removed += 1
    return removed
