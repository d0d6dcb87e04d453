"""The answer vocabulary, built from the training split's answers."""

from __future__ import annotations

from collections import Counter

from bindcore import ConfigError

from bindcore_vqa.config import UNKNOWN, VQAConfig


def training_answers(cfg: VQAConfig, dataset) -> list[str]:
    """Every training answer: from ``dataset.answers()`` when it offers it (no rendering), else item by item."""
    if hasattr(dataset, "answers"):
        return list(dataset.answers())
    from tqdm.auto import tqdm

    out = []
    for i in tqdm(range(len(dataset)), desc="reading answers", unit="item", leave=False):
        item = dataset[i]
        if cfg.answer_key not in item:
            raise ConfigError(f"vqa: training item {i} has no '{cfg.answer_key}'; set head.params.answer_key")
        out.append(str(item[cfg.answer_key]))
    return out


def build_vocabulary(cfg: VQAConfig, dataset) -> dict:
    """TaskHeadSpec.prepare: {"answers": ["<unk>", the kept answers by frequency]}."""
    counts = Counter(training_answers(cfg, dataset))
    kept = [a for a, n in counts.most_common(cfg.max_answers) if n >= cfg.min_answer_count and a != UNKNOWN]
    if not kept:
        raise ConfigError(f"vqa: no answer occurs {cfg.min_answer_count} times in the training data")
    return {"answers": [UNKNOWN, *kept]}
