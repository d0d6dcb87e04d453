"""The VQA head: question and visual side encoded by the model's trunks, fused, then classified over answers."""

from __future__ import annotations

from typing import Any, Mapping

import torch
import torch.nn.functional as F
from torch import nn

from bindcore import BindcoreError, ConfigError, InputError
from bindcore.config import validate
from bindcore.layers import masked_mean

from bindcore_vqa.config import UNKNOWN, VQAConfig


def _check_modality(model, name: str, role: str) -> None:
    if name not in model.names:
        raise ConfigError(f"vqa: the model has no modality '{name}' for the {role} (it has: {', '.join(model.names)}); "
                          f"set head.params.{role} to one of them")


class VQAHead(nn.Module):
    """Answers a question about the visual side, over a closed answer vocabulary (index 0 is <unk>).

    Args:
        cfg: the settings.
        model: the BindModel whose trunks encode the question and the visual side.
        state: {"answers": [...]} from :func:`bindcore_vqa.vocabulary.build_vocabulary`.
        host: the PluginHost whose registry holds the fusion.
    """

    def __init__(self, cfg: VQAConfig, model, state: Mapping[str, Any], host):
        super().__init__()
        self.cfg = cfg
        _check_modality(model, cfg.question, "question")
        if cfg.fusion is not None:
            _check_modality(model, cfg.visual, "visual")
        self.classes = list(state["answers"])
        self.index = {a: i for i, a in enumerate(self.classes)}
        self.takes, self.fusion = "pooled", None
        if cfg.fusion is None:  # the prior: the question alone
            width = model.embed_dim
        else:
            spec = self._fusion_spec(host, cfg.fusion.name)
            self.takes = spec.takes
            params = dict(cfg.fusion.params)
            if "query" in spec.Config.model_fields:  # which input asks and which answers, when the fusion cares
                params.setdefault("query", cfg.question)
                params.setdefault("context", cfg.visual)
            settings = validate(spec.Config, params, "head.params.fusion.params")
            sizes = ({cfg.question: model.modality(cfg.question).cfg.width, cfg.visual: model.modality(cfg.visual).cfg.width}
                     if spec.takes == "tokens" else {cfg.question: model.embed_dim, cfg.visual: model.embed_dim})
            self.fusion = spec.build(settings, sizes)
            width = self.fusion.out_dim
        self.classifier = self._classifier(width)
        self.question_only = None  # trained on the question alone; debiases the training loss
        if cfg.debias is not None:
            self.question_only = self._classifier(model.modality(cfg.question).cfg.width if self.takes == "tokens"
                                                  else model.embed_dim)

    def _classifier(self, width: int) -> nn.Module:
        return nn.Sequential(nn.LayerNorm(width), nn.Linear(width, self.cfg.hidden), nn.GELU(),
                             nn.Dropout(self.cfg.dropout), nn.Linear(self.cfg.hidden, len(self.classes)))

    @staticmethod
    def _fusion_spec(host, name: str):
        try:
            return host.fusions.get(name)
        except BindcoreError as exc:
            raise ConfigError(f"head.params.fusion.name: {exc} (install bindcore-fusion, see `bindcore list fusions`)") from None

    # -- the task head protocol (see bindcore.TaskHeadSpec) -------------------------------------------
    @property
    def modalities(self) -> list[str]:
        return [self.cfg.question] + ([self.cfg.visual] if self.fusion is not None else [])

    def inputs(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """{question modality: the question, visual modality: the rendering} of a dataset item."""
        out = {}
        for name, key in ((self.cfg.question, self.cfg.question_key), (self.cfg.visual, self.cfg.visual)):
            if name not in self.modalities:
                continue
            if item.get(key) is None:
                raise InputError(f"the item has no '{key}' (the VQA head reads '{self.cfg.question_key}' and "
                                 f"'{self.cfg.visual}'; check the dataset's modalities or head.params)")
            out[name] = item[key]
        return out

    def target(self, item: Mapping[str, Any]) -> int:
        """The answer's class index; an answer outside the vocabulary is <unk> (0)."""
        return self.index.get(str(item.get(self.cfg.answer_key)), self.index[UNKNOWN])

    def group(self, item: Mapping[str, Any]) -> str:
        return str(item.get(self.cfg.group_key, "all"))

    def forward(self, model, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
        """{question: (B, L) ids, visual: (B, ...)} -> answer logits (B, answers)."""
        return self._answer(model, batch)[0]

    def losses(self, model, batch: Mapping[str, torch.Tensor], targets: torch.Tensor) -> dict[str, torch.Tensor]:
        """The training losses: cross-entropy, or with ``debias`` the debiased and the question-only ones."""
        logits, question = self._answer(model, batch)  # (B, A), (B, Dq)
        if self.question_only is None:
            return {"task": F.cross_entropy(logits.float(), targets)}
        prior = self.question_only(question.detach()).float()  # (B, A): the question encoder learns nothing from it
        if self.cfg.debias == "rubi":
            debiased = logits.float() * torch.sigmoid(prior)  # (B, A)
        else:  # poe: the head's and the branch's log-probabilities summed, the branch held fixed
            debiased = F.log_softmax(logits.float(), -1) + F.log_softmax(prior, -1).detach()  # (B, A)
        return {"task": F.cross_entropy(debiased, targets), "question_only": F.cross_entropy(prior, targets)}

    def _answer(self, model, batch: Mapping[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        """Answer logits (B, A) and the question's pooled features (B, Dq)."""
        q = batch[self.cfg.question]
        if self.fusion is None:
            question = model.modality(self.cfg.question)(q)  # (B, E)
            return self.classifier(question), question
        v = batch[self.cfg.visual]
        if self.takes == "tokens":
            q_tokens = model.encode_tokens(self.cfg.question, q)  # (B, L, Dq)
            v_tokens = model.encode_tokens(self.cfg.visual, v, self.cfg.visual_summary)  # (B*S, N, Dv): clips fold in
            v_tokens = v_tokens.reshape(q.shape[0], -1, v_tokens.shape[-1])  # (B, S*N, Dv)
            masks = {self.cfg.question: q != 0} if not q.is_floating_point() else None  # (B, L) real tokens, not padding
            fused = self.fusion({self.cfg.question: q_tokens, self.cfg.visual: v_tokens}, masks)  # (B, F)
            question = masked_mean(q_tokens, (masks or {}).get(self.cfg.question))  # (B, Dq)
        else:
            question = model.modality(self.cfg.question)(q)  # (B, E)
            visual = model.modality(self.cfg.visual)(v)  # (B, E)
            fused = self.fusion({self.cfg.question: question, self.cfg.visual: visual})  # (B, F)
        return self.classifier(fused), question  # (B, A), (B, Dq)


def build(cfg: VQAConfig, *, model, state: Mapping[str, Any], host) -> VQAHead:
    """TaskHeadSpec.build."""
    return VQAHead(cfg, model, state, host)
