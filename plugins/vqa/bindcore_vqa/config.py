"""Settings of the VQA head."""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import Field

from bindcore import StrictModel

UNKNOWN = "<unk>"


class FusionRef(StrictModel):
    """A registered fusion (`bindcore list fusions`) and its settings."""

    name: str
    params: dict[str, Any] = Field(default_factory=dict)


class VQAConfig(StrictModel):
    """The VQA head: which modalities it reads, how it fuses them, and its answer vocabulary.

    Attributes:
        visual: the model modality of the visual side (image; depth, thermal or audio work too).
        question: the model modality that encodes the question (a text modality).
        fusion: how question and visual side meet. cross_attention (the default) lets the question's
            tokens attend to the visual patch tokens; a pooled fusion such as concat_mlp sees one embedding
            of each (late fusion); null answers from the question alone (the prior).
        debias: while training, a question-only branch learns the answers from the question alone and
            ``rubi`` masks the head's logits by its sigmoid (RUBi, Cadene et al. 2019), ``poe`` adds its
            log-probabilities to the head's (a product of experts, Clark et al. 2019), so the head gains
            nothing from what the question's wording already tells and must look; the branch is left out
            when answering. None: plain cross-entropy.
        visual_summary: let the question attend to the visual side's summary token (CLS) too. Off by default
            (patch tokens only): with encoders trained from scratch, a head that sees the summary token
            leans on it and learns where things are more slowly (docs/vqa.md). Heads trained
            before this setting existed (2026-12-08) attended to it: set it true to load one as trained.
        hidden: width of the classifier's hidden layer.
        dropout: dropout in the classifier.
        min_answer_count: answers seen fewer times in training map to <unk>.
        max_answers: keep at most this many answers (the most frequent).
        question_key, answer_key, group_key: where a dataset item holds the question, its answer and its
            question type.
    """

    visual: str = "image"
    question: str = "text"
    fusion: Optional[FusionRef] = Field(default_factory=lambda: FusionRef(name="cross_attention"))
    debias: Optional[Literal["rubi", "poe"]] = None
    visual_summary: bool = False
    hidden: int = Field(256, gt=0)
    dropout: float = Field(0.0, ge=0, lt=1)
    min_answer_count: int = Field(1, ge=1)
    max_answers: int = Field(1000, ge=1)
    question_key: str = "question"
    answer_key: str = "answer"
    group_key: str = "_type"

    def model_post_init(self, _context) -> None:
        if self.visual == self.question:
            raise ValueError(f"visual and question are both {self.visual!r}; the visual side must be another modality")
        if self.debias and self.fusion is None:
            raise ValueError("debias needs a fusion: with fusion null the head answers from the question alone")
