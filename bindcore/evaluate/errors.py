"""The error evaluation raises for a dataset or setting it cannot evaluate."""

from __future__ import annotations

from bindcore.errors import BindcoreError


class EvaluationError(BindcoreError):
    """A dataset lacks what an evaluation needs, or the evaluation settings do not fit the model or data."""
