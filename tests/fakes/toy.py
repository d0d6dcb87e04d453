"""A toy modality plugin for core tests: a vector of numbers, patched into windows."""

from __future__ import annotations

import numpy as np
import torch
from pydantic import Field

from bindcore import InputError, ModalityConfig, ModalitySpec, hookimpl
from bindcore.layers import TokenStem, WindowPatchify


class ToyConfig(ModalityConfig):
    length: int = Field(16, gt=0)
    window: int = Field(4, gt=0)


def build_preprocessor(cfg: ToyConfig):
    def preprocess(raw) -> torch.Tensor:
        if isinstance(raw, str):  # the command line passes "1,2,3"
            try:
                raw = [float(v) for v in raw.split(",")]
            except ValueError:
                raise InputError("toy items are lists of numbers, not text") from None
        x = np.asarray(raw, dtype=np.float32).reshape(-1)
        if x.size == 0:
            raise InputError("empty")
        x = np.resize(x, cfg.length)
        return torch.from_numpy(x)[None]  # (1, L)

    return preprocess


def build_stem(cfg: ToyConfig):
    return TokenStem(WindowPatchify(1, cfg.width, cfg.window), cfg.length // cfg.window, cfg.width)


SPEC = ModalitySpec(name="toy", Config=ToyConfig, build_preprocessor=build_preprocessor, build_stem=build_stem,
                    dummy_raw=lambda cfg: [[1.0, 2.0, 3.0], list(range(20))], summary="toy vectors", item_ndim=2)


@hookimpl
def register_modalities(register):
    register(SPEC)
