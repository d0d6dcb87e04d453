"""Patchifiers (raw tensor -> patch tokens) and the token stem that adds CLS and positions."""

from __future__ import annotations

import torch
from torch import nn


def check_patch_grid(image_size: int, patch_size: int, stem: str = "patch") -> None:
    """Raises ValueError unless ``patch_size`` tiles ``image_size`` (and is a power of two for a conv stem)."""
    if image_size % patch_size:
        raise ValueError(f"image_size {image_size} is not a multiple of patch_size {patch_size}")
    if stem == "conv" and patch_size & (patch_size - 1):
        raise ValueError(f"stem 'conv' halves the side at each layer: patch_size must be a power of two, not {patch_size}")


class ConvPatchify(nn.Module):
    """A strided Conv2d over (B, C, H, W) giving (B, N, D) patch tokens.

    Args:
        in_channels: input channels.
        width: token dimension.
        kernel: patch size; stride defaults to it (non-overlapping patches).
    """

    def __init__(self, in_channels: int, width: int, kernel: int, stride: int | None = None):
        super().__init__()
        self.proj = nn.Conv2d(in_channels, width, kernel, stride or kernel, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x).flatten(2).transpose(1, 2)  # (B, N, D)


class ConvStemPatchify(nn.Module):
    """Stride-2 3x3 convolutions down to patch resolution, then a 1x1 projection: (B, C, H, W) -> (B, N, D).

    The convolutional stem of Xiao et al. 2021 ("Early convolutions help transformers see better"): same
    token grid as a ``patch``-sized ConvPatchify, but small shapes are learned in far fewer steps.

    Args:
        in_channels: input channels.
        width: token dimension.
        patch: total downsampling, a power of two.
    """

    def __init__(self, in_channels: int, width: int, patch: int):
        super().__init__()
        check_patch_grid(patch, patch, "conv")
        steps = patch.bit_length() - 1
        layers: list[nn.Module] = []
        channels = in_channels
        for i in range(steps):
            out = max(16, width >> (steps - 1 - i))
            layers += [nn.Conv2d(channels, out, 3, 2, 1, bias=False), nn.GroupNorm(1, out), nn.GELU()]
            channels = out
        layers.append(nn.Conv2d(channels, width, 1))
        self.proj = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x).flatten(2).transpose(1, 2)  # (B, N, D)


class VideoPatchify(nn.Module):
    """A Conv3d over frames; a still (B, C, H, W) is repeated to ``frames`` frames first.

    Args:
        in_channels: input channels.
        width: token dimension.
        frames: temporal kernel (and how often a still is repeated).
        patch: spatial patch size.
    """

    def __init__(self, in_channels: int, width: int, frames: int, patch: int):
        super().__init__()
        self.frames = frames
        self.proj = nn.Conv3d(in_channels, width, (frames, patch, patch), (frames, patch, patch), bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim == 4:
            x = x.unsqueeze(2).expand(-1, -1, self.frames, -1, -1)  # (B, C, T, H, W)
        return self.proj(x).flatten(2).transpose(1, 2)  # (B, N, D)


class WindowPatchify(nn.Module):
    """Cuts a (B, C, T) signal into windows of ``window`` steps and projects each (C * window) -> width."""

    def __init__(self, in_channels: int, width: int, window: int):
        super().__init__()
        self.window = window
        self.proj = nn.Linear(in_channels * window, width, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        patches = x.unfold(-1, self.window, self.window)  # (B, C, N, W)
        patches = patches.permute(0, 2, 1, 3).flatten(2)  # (B, N, C*W)
        return self.proj(patches)  # (B, N, D)


class TokenStem(nn.Module):
    """patchify -> optional LayerNorm -> optional CLS token -> learned positions.

    Args:
        patchify: module mapping the input batch to (B, N, width).
        num_tokens: N, the number of tokens patchify yields.
        width: token dimension.
        cls_token: prepend a learned CLS token.
        norm: LayerNorm after patchify.
        eps: LayerNorm epsilon.
    """

    def __init__(self, patchify: nn.Module, num_tokens: int, width: int, *, cls_token: bool = True,
                 norm: bool = False, eps: float = 1e-6):
        super().__init__()
        self.patchify = patchify
        self.norm = nn.LayerNorm(width, eps=eps) if norm else nn.Identity()
        self.cls_token = nn.Parameter(torch.zeros(1, 1, width)) if cls_token else None
        self.pos_embed = nn.Parameter(torch.zeros(1, num_tokens + int(cls_token), width))
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        if self.cls_token is not None:
            nn.init.trunc_normal_(self.cls_token, std=0.02)

    @property
    def summary_tokens(self) -> int:
        """Leading tokens that summarise the whole input rather than one place in it (the CLS token)."""
        return int(self.cls_token is not None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        tokens = self.norm(self.patchify(x))  # (B, N, D)
        if self.cls_token is not None:
            tokens = torch.cat([self.cls_token.expand(tokens.shape[0], -1, -1), tokens], dim=1)  # (B, 1+N, D)
        if tokens.shape[1] != self.pos_embed.shape[1]:
            raise ValueError(f"stem produced {tokens.shape[1]} tokens, positions expect {self.pos_embed.shape[1]}")
        return tokens + self.pos_embed  # (B, N', D)
