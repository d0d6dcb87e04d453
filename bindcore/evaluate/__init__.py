"""Evaluation: zero-shot classification, cross-modal retrieval, the compositional probe and composed queries
(on the same item, and on multi-object scenes where the dataset offers ``composed_retrieval``).

Example:
    >>> from bindcore.evaluate import evaluate, write_report  # doctest: +SKIP
    >>> results = evaluate(model, dataset, EvalConfig(prompts="caption_modality"))  # doctest: +SKIP
    >>> write_report(results, "runs/quickstart")  # doctest: +SKIP
"""

from bindcore.evaluate.errors import EvaluationError
from bindcore.evaluate.markdown import to_markdown
from bindcore.evaluate.protocol import (ComposedTask, EvalDataset, HasCaptionSwaps, HasComposedRetrieval,
                                        HasTasksByModality)
from bindcore.evaluate.report import write_report
from bindcore.evaluate.run import evaluate

__all__ = ["ComposedTask", "EvalDataset", "EvaluationError", "HasCaptionSwaps", "HasComposedRetrieval",
           "HasTasksByModality", "evaluate", "to_markdown", "write_report"]
