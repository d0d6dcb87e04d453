"""Registers the text modality with bindcore."""

from __future__ import annotations

from bindcore import ModalitySpec, hookimpl
from bindcore.specs import ForeignFormat

from bindcore_text.config import TextConfig
from bindcore_text.encoder import build_head, build_stem


def dummy_raw(cfg: TextConfig) -> list:
    return ["a cat sitting on a chair", "A Cup of COFFEE!!", "a dog " * 60]  # the last is over 77 tokens


def imagebind_settings(kw: dict) -> dict:
    """ImageBindModel arguments -> TextConfig params (defaults: imagebind_huge)."""
    from bindcore.compat.imagebind import trunk_settings

    return {**trunk_settings(kw, "text", width=1024, blocks=24, heads=16), "context_length": 77,
            "vocab_size": 49408, "causal": True}


def imagebind_format() -> ForeignFormat:
    return ForeignFormat("text", imagebind_settings, (
        (r"^preprocessors\.token_embedding\.weight$", "stem.patchify.weight"),
        (r"^preprocessors\.pos_embed$", "stem.pos_embed"),
        (r"^heads\.proj\.0\.(weight|bias)$", r"head.norm.\1"),
        (r"^heads\.proj\.1\.weight$", "head.proj.weight"),
    ), drop=("preprocessors.mask",))


def build_preprocessor(cfg: TextConfig):
    if cfg.tower == "minilm":
        from bindcore_text.minilm import MiniLMPreprocessor, minilm_path

        minilm_path()  # a missing wheel fails here with what to install, not inside a worker
        return MiniLMPreprocessor(cfg)
    from bindcore_text.preprocess import TextPreprocessor  # heavy decoders load on first use

    return TextPreprocessor(cfg)


@hookimpl
def register_modalities(register):
    register(ModalitySpec(
        name="text",
        Config=TextConfig,
        build_preprocessor=build_preprocessor,
        build_stem=build_stem,
        dummy_raw=dummy_raw,
        summary="Captions and prompts (str): CLIP BPE, 77 tokens, causal transformer, end-of-text head; "
                "or tower: minilm (frozen pretrained all-MiniLM-L6-v2 + trainable projection)",
        item_ndim=1,
        foreign={"imagebind": imagebind_format()},
        build_head=build_head,
        literal=True,
    ))
