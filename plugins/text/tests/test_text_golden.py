"""Token ids must equal what the official ImageBind loader fed its model (shared fixture)."""

import json
from pathlib import Path

import pytest
import torch

from bindcore_text.config import TextConfig
from bindcore_text.preprocess import TextPreprocessor

REPO_ROOT = Path(__file__).resolve().parents[3]
FIXTURE = REPO_ROOT.parent / "shared" / "fixtures" / "imagebind"


@pytest.mark.skipif(not (FIXTURE / "inputs.safetensors").is_file(),
                    reason=f"ImageBind fixture not found at {FIXTURE}")
def test_tokens_match_imagebind():
    from safetensors.torch import load_file

    texts = json.loads((FIXTURE / "raw" / "texts.json").read_text())
    expected = load_file(str(FIXTURE / "inputs.safetensors"))["text"]  # (4, 77) int64
    pre = TextPreprocessor(TextConfig())
    got = torch.stack([pre(t) for t in texts])  # (4, 77)
    assert got.dtype == expected.dtype == torch.int64
    assert torch.equal(got, expected)
