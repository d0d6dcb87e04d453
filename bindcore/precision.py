"""Which precision to run inference in: "fp32", "bf16" (autocast) or "auto".

"auto" is bf16 autocast on a CUDA device of compute capability 8.0 or newer (Ampere: bf16 tensor cores)
and fp32 on every CPU. On CPUs without native bf16 matrix instructions bf16 is emulated (6-8x slower than
fp32 on an AVX2 CPU). On one that has them (a Zen 4 EPYC with AVX512-BF16,
benchmarks/results/precision-2026-12-08.md) bf16 autocast made the tiny fixture slower (1.3-3.6x the fp32
time) and an embedding depend on the items that share its batch (`make test` at db50c1c there: up to 1.6e-3
from the fp32 forward; server answers and a resumed index beyond 1e-4 of a direct embedding). Ask for "bf16" to use it there anyway;
:func:`native_cpu_bf16` says whether the CPU has the instructions.
"""

from __future__ import annotations

import functools
import platform

import torch

from bindcore.errors import BindcoreError

PRECISIONS = ("fp32", "bf16", "auto")
X86_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})
ARM_BF16_FLAGS = frozenset({"bf16"})


@functools.lru_cache(maxsize=1)
def cpu_flags() -> frozenset[str]:
    """The CPU feature flags of /proc/cpuinfo ("flags" on x86, "Features" on Arm); empty where there is none."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() in ("flags", "Features"):
                    return frozenset(value.split())
    except OSError:
        pass
    return frozenset()


def native_cpu_bf16() -> bool:
    """Whether this CPU multiplies bf16 natively (and torch's oneDNN backend is there to use it)."""
    flags = cpu_flags()
    arm = platform.machine().lower() in ("aarch64", "arm64")
    native = bool(flags & (ARM_BF16_FLAGS if arm else X86_BF16_FLAGS))
    return native and torch.backends.mkldnn.is_available()


def auto_bf16(device: torch.device) -> bool:
    """Whether "auto" means bf16 on ``device``: a CUDA device of compute capability 8.0 or newer, never a CPU."""
    return device.type == "cuda" and torch.cuda.get_device_capability(device) >= (8, 0)


def resolve_precision(precision: str, device: torch.device) -> torch.dtype | None:
    """The autocast dtype for a precision name on ``device`` (None means plain fp32).

    Raises:
        BindcoreError: an unknown precision name.
    """
    if precision not in PRECISIONS:
        raise BindcoreError(f"unknown precision '{precision}' (use one of: {', '.join(PRECISIONS)})")
    if precision == "fp32":
        return None
    if precision == "bf16":
        return torch.bfloat16
    return torch.bfloat16 if auto_bf16(torch.device(device)) else None
