"""Settings of the text modality (defaults follow ImageBind's text tower)."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field

from bindcore import ModalityConfig

CLIP_VOCAB_SIZE = 49408  # the CLIP BPE vocabulary; <|endoftext|> = 49407 is the largest id


class TextConfig(ModalityConfig):
    """Tokenizer and stem settings on top of the shared trunk settings.

    ``tower`` picks the text encoder: "clip" (CLIP BPE tokens through this modality's own transformer, trained
    from scratch, ImageBind's layout) or "minilm" (the pretrained all-MiniLM-L6-v2 sentence encoder, frozen,
    followed by a trainable stem, trunk and head; see :mod:`bindcore_text.minilm`).
    """

    tower: Literal["clip", "minilm"] = Field("clip", description="text encoder: own CLIP-BPE transformer, or frozen "
                                                                 "pretrained MiniLM + trainable projection")
    context_length: int = Field(77, ge=2, description="tokens per text (start, body, end), zero padded")
    vocab_size: int = Field(CLIP_VOCAB_SIZE, ge=CLIP_VOCAB_SIZE, description="rows of the token embedding table")
    causal: bool = True
    logit_scale: Optional[float] = Field(1 / 0.07, gt=0, description="temperature multiplier (CLIP init 1/0.07)")
    logit_scale_learnable: bool = True
    logit_scale_max: float = Field(100.0, gt=0, description="upper clip of the logit scale")
