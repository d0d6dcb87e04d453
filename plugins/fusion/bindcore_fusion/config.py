"""Settings of the fusion modules."""

from __future__ import annotations

from typing import Optional

from pydantic import Field

from bindcore import StrictModel


class ConcatMLPConfig(StrictModel):
    """Late fusion: concatenate one pooled vector per input, then an MLP."""

    out_dim: int = Field(256, gt=0, description="size of the fused vector")
    hidden: int = Field(512, gt=0, description="hidden width of the MLP")
    layers: int = Field(2, ge=1, description="linear layers of the MLP")
    dropout: float = Field(0.0, ge=0, lt=1)


class GatedConfig(StrictModel):
    """Per-modality gates: each input is projected, scored, and the present ones mixed by softmax of their scores."""

    out_dim: int = Field(256, gt=0, description="size of the fused vector")
    dropout: float = Field(0.0, ge=0, lt=1)


class CrossAttentionConfig(StrictModel):
    """The ``query`` input's tokens attend to the ``context`` input's tokens through pre-norm blocks."""

    query: Optional[str] = Field(None, description="the input whose tokens ask (default: the first input)")
    context: Optional[str] = Field(None, description="the input whose tokens answer (default: the second input)")
    width: int = Field(256, gt=0, description="token width inside the blocks")
    layers: int = Field(2, ge=1, description="cross-attention blocks")
    heads: int = Field(4, gt=0)
    mlp_ratio: float = Field(4.0, gt=0)
    self_attention: bool = Field(True, description="queries also attend to each other in every block")
    out_dim: int = Field(256, gt=0, description="size of the fused vector")
    pool: str = Field("mean", pattern="^(mean|first)$", description="query tokens -> one vector: masked mean or the first")

    def model_post_init(self, _context) -> None:
        if self.width % self.heads:
            raise ValueError(f"width {self.width} is not divisible by heads {self.heads}")
