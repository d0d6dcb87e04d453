"""Building modules on the meta device without running their weight initialisation.

Weights built on the meta device are replaced by loaded ones, so initialising them is wasted work; worse,
``normal_`` on a meta tensor runs through torch's Python reference implementation, which imports
``torch._dynamo`` (about 2 s and 150 MiB in a fresh process). Inside :func:`skip_init_on_meta`, the
initialisers of ``torch.nn.init`` and the in-place random fills of tensors return a meta tensor unchanged.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import torch
from torch.overrides import TorchFunctionMode

# In-place tensor methods that only write values: on a meta tensor there are none to write.
_FILLS = frozenset({"normal_", "uniform_", "fill_", "zero_", "random_", "exponential_", "log_normal_", "cauchy_",
                    "geometric_", "bernoulli_", "erfinv_", "clamp_", "mul_", "add_", "copy_"})


def _is_init(func) -> bool:
    return getattr(func, "__module__", None) == "torch.nn.init" or getattr(func, "__name__", None) in _FILLS


class _SkipInitOnMeta(TorchFunctionMode):
    """Returns the target tensor of an initialiser untouched when it lives on the meta device."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        target = args[0] if args else kwargs.get("tensor")
        if isinstance(target, torch.Tensor) and target.is_meta and _is_init(func):
            return target
        return func(*args, **kwargs)


@contextlib.contextmanager
def skip_init_on_meta() -> Iterator[None]:
    """Within the block, weight initialisers leave meta tensors as they are (tensors elsewhere are initialised).

    Example:
        >>> with torch.device("meta"), skip_init_on_meta():
        ...     layer = torch.nn.Embedding(49408, 1024)  # no torch._dynamo import, no init work
        >>> layer.weight.is_meta
        True
    """
    with _SkipInitOnMeta():
        yield
