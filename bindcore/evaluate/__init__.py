"""Evaluation: zero-shot classification, cross-modal retrieval, the compositional probe and composed queries.

Example:
    >>> from bindcore.evaluate import evaluate, write_report  # doctest: +SKIP
    >>> results = evaluate(model, dataset, EvalConfig(prompts="caption_modality"))  # doctest: +SKIP
    >>> write_report(results, "runs/quickstart")  # doctest: +SKIP
"""

from bindcore.evaluate.errors import EvaluationError
from bindcore.evaluate.markdown import to_markdown
from bindcore.evaluate.protocol import EvalDataset, HasCaptionSwaps, HasTasksByModality
from bindcore.evaluate.report import write_report
from bindcore.evaluate.run import evaluate

__all__ = ["EvalDataset", "EvaluationError", "HasCaptionSwaps", "HasTasksByModality", "evaluate", "to_markdown",
           "write_report"]
