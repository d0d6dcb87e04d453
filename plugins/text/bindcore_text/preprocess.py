"""Raw string -> (context_length,) int64 CLIP BPE token ids, exactly as ImageBind tokenises."""

from __future__ import annotations

import functools
from typing import Any

import torch

from bindcore import InputError

from bindcore_text.config import TextConfig

# ImageBind (like OpenAI CLIP) spells the special tokens "<|startoftext|>" / "<|endoftext|>" and reads them
# when they occur in the text; open_clip spells them "<start_of_text>" / "<end_of_text>".
_SPECIALS = r"<\|startoftext\|>|<\|endoftext\|>"
_PATTERN_TAIL = r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""


@functools.lru_cache(maxsize=1)
def clip_tokenizer():
    """The one shared open_clip SimpleTokenizer (CLIP BPE), with ImageBind's special-token spelling.

    open_clip imports slowly, so it is imported here, on first use.
    """
    import regex
    from open_clip.tokenizer import SimpleTokenizer

    tok = SimpleTokenizer(context_length=None, clean="lower")  # ftfy + html unescape + whitespace + lower
    tok.pat = regex.compile(_SPECIALS + "|" + _PATTERN_TAIL, regex.IGNORECASE)
    for name, token_id in (("<|startoftext|>", tok.sot_token_id), ("<|endoftext|>", tok.eot_token_id)):
        tok.encoder[name] = token_id
        tok.cache[name] = name
    return tok


class TextPreprocessor:
    """Callable turning one string into (context_length,) int64 token ids.

    The ids are <|startoftext|>, the BPE of the cleaned, lower-cased text, <|endoftext|>, then zeros. A text too
    long for the context is cut and <|endoftext|> is forced into the last slot (ImageBind since 1125e1e).
    """

    def __init__(self, cfg: TextConfig):
        self.cfg = cfg
        self.tokenizer = clip_tokenizer()

    def __call__(self, raw: Any) -> torch.Tensor:
        if not isinstance(raw, str):
            raise InputError(f"a text item must be a str, got {type(raw).__name__}")
        if not raw.strip():
            raise InputError("the text is empty or only whitespace")
        body = self.tokenizer.encode(raw)
        if not body:
            raise InputError("the text holds no tokens after cleaning (only control or invisible characters)")
        tok, n = self.tokenizer, self.cfg.context_length
        ids = [tok.sot_token_id, *body, tok.eot_token_id][:n]
        ids[-1] = tok.eot_token_id  # a no-op unless the text was cut
        out = torch.zeros(n, dtype=torch.long)  # (L,)
        out[: len(ids)] = torch.tensor(ids, dtype=torch.long)
        return out  # (L,)
