"""Tokenisation details and input errors of the text preprocessor."""

import pytest
import torch

from bindcore import InputError
from bindcore_text.config import TextConfig
from bindcore_text.encoder import EndOfTextHead
from bindcore_text.preprocess import TextPreprocessor

SOT, EOT = 49406, 49407


@pytest.fixture(scope="module")
def pre():
    return TextPreprocessor(TextConfig())


def test_short_text_is_padded(pre):
    ids = pre("a cat")
    assert ids.shape == (77,) and ids.dtype == torch.int64
    assert ids[:4].tolist() == [SOT, 320, 2368, EOT]
    assert not ids[4:].any()


def test_cleaning_matches_clip(pre):
    assert torch.equal(pre("  A   CAT\n"), pre("a cat"))
    assert torch.equal(pre("caf&amp;e"), pre("caf&e"))  # html unescape


def test_long_text_keeps_end_token_last(pre):
    ids = pre("word " * 200)
    assert ids[0] == SOT and ids[-1] == EOT
    assert (ids[1:-1] != EOT).all() and ids.argmax() == 76


def test_context_length_setting():
    ids = TextPreprocessor(TextConfig(context_length=8))("one two three four five six seven eight")
    assert ids.shape == (8,) and ids[-1] == EOT


def test_imagebind_special_token_spelling(pre):
    ids = pre("hi <|endoftext|>")
    assert ids[:4].tolist() == [SOT, 1883, EOT, EOT]
    assert (pre("<end_of_text>") == EOT).sum() == 1  # open_clip's spelling is plain text here


@pytest.mark.parametrize("raw, match", [
    ("", "empty"), ("   \n\t", "empty"), ("\x00\x01", "no tokens"),
    (b"bytes", "must be a str"), (3, "must be a str"), (None, "must be a str"), (["a"], "must be a str"),
])
def test_bad_input(pre, raw, match):
    with pytest.raises(InputError, match=match):
        pre(raw)


def test_head_picks_end_of_text_token():
    head = EndOfTextHead(4, 3)
    tokens = torch.randn(2, 5, 4)  # (B, N, D)
    ids = torch.tensor([[SOT, 7, EOT, 0, 0], [SOT, 7, 8, 9, EOT]])  # (B, N)
    picked = torch.stack([tokens[0, 2], tokens[1, 4]])  # (B, D)
    assert torch.allclose(head(tokens, ids), head.proj(head.norm(picked)))
    assert {n for n, _ in head.named_parameters()} == {"norm.weight", "norm.bias", "proj.weight"}
