"""Fixtures of the realdata tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def espeak_cache(tmp_path: Path) -> Path:
    return tmp_path / "espeak"
