"""Raw string -> (context_length,) int64 CLIP BPE token ids, exactly as ImageBind tokenises."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Any

import torch

from bindcore import InputError

from bindcore_text.config import TextConfig

# ImageBind (like OpenAI CLIP) spells the special tokens "<|startoftext|>" / "<|endoftext|>" and reads them
# when they occur in the text; open_clip spells them "<start_of_text>" / "<end_of_text>".
_SPECIALS = r"<\|startoftext\|>|<\|endoftext\|>"
_PATTERN_TAIL = r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""


def check_text(raw: Any) -> str:
    """``raw`` if it is a non-blank string, else an InputError saying what it is."""
    if not isinstance(raw, str):
        raise InputError(f"a text item must be a str, got {type(raw).__name__}")
    if not raw.strip():
        raise InputError("the text is empty or only whitespace")
    return raw


@functools.lru_cache(maxsize=1)
def clip_tokenizer():
    """The one shared open_clip SimpleTokenizer (CLIP BPE), with ImageBind's special-token spelling.

    Only open_clip's tokenizer module is loaded, on first use: ``import open_clip`` also loads its models,
    torchvision and timm (about 10 s and 250 MiB before the first text could be embedded).
    """
    import regex

    tok = _open_clip_tokenizer_module().SimpleTokenizer(context_length=None, clean="lower")  # ftfy + html unescape + whitespace + lower
    tok.pat = regex.compile(_SPECIALS + "|" + _PATTERN_TAIL, regex.IGNORECASE)
    for name, token_id in (("<|startoftext|>", tok.sot_token_id), ("<|endoftext|>", tok.eot_token_id)):
        tok.encoder[name] = token_id
        tok.cache[name] = name
    return tok


def _open_clip_tokenizer_module():
    """open_clip/tokenizer.py executed on its own, without the package's ``__init__`` (it has no relative imports)."""
    import sys

    if "open_clip.tokenizer" in sys.modules:  # open_clip already imported by someone: reuse it
        return sys.modules["open_clip.tokenizer"]
    found = importlib.util.find_spec("open_clip")
    if found is None or found.origin is None:
        raise ImportError("open_clip is not installed: pip install 'open_clip_torch>=3,<4'")
    spec = importlib.util.spec_from_file_location("bindcore_text._open_clip_tokenizer",
                                                  Path(found.origin).with_name("tokenizer.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TextPreprocessor:
    """Callable turning one string into (context_length,) int64 token ids.

    The ids are <|startoftext|>, the BPE of the cleaned, lower-cased text, <|endoftext|>, then zeros. A text too
    long for the context is cut and <|endoftext|> is forced into the last slot (ImageBind since 1125e1e).
    """

    def __init__(self, cfg: TextConfig):
        self.cfg = cfg
        self.tokenizer = clip_tokenizer()

    def __getstate__(self) -> dict:  # pickled into spawned workers without the tokenizer, rebuilt there
        return {"cfg": self.cfg}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["cfg"])

    def __call__(self, raw: Any) -> torch.Tensor:
        body = self.tokenizer.encode(check_text(raw))
        if not body:
            raise InputError("the text holds no tokens after cleaning (only control or invisible characters)")
        tok, n = self.tokenizer, self.cfg.context_length
        ids = [tok.sot_token_id, *body, tok.eot_token_id][:n]
        ids[-1] = tok.eot_token_id  # a no-op unless the text was cut
        out = torch.zeros(n, dtype=torch.long)  # (L,)
        out[: len(ids)] = torch.tensor(ids, dtype=torch.long)
        return out  # (L,)
