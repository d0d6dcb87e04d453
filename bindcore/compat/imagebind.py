"""Meta's ImageBind: convert its flat state_dict to a model directory, and reproduce its outputs.

The core knows ImageBind's layout (``modality_{preprocessors,trunks,heads,postprocessors}.<name>.*``)
and its shared transformer; each modality plugin declares its own name there, its stem and head keys
and how the official constructor arguments map to its settings (``ModalitySpec.foreign["imagebind"]``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Iterable, Mapping

import torch
import torch.nn.functional as F

from bindcore.errors import CheckpointError

FORMAT = "imagebind"
PARTS = ("preprocessors", "trunks", "heads", "postprocessors")
DEFAULT_OUT_DIM = 1024  # imagebind_huge
TRUNK_RULES = (
    (r"^trunks\.blocks\.(\d+)\.attn\.in_proj_(weight|bias)$", r"trunk.blocks.\1.attn.qkv.\2"),
    (r"^trunks\.blocks\.(\d+)\.attn\.out_proj\.(weight|bias)$", r"trunk.blocks.\1.attn.proj.\2"),
    (r"^trunks\.blocks\.(\d+)\.attn\.bias_(k|v)$", r"trunk.blocks.\1.attn.bias_\2"),
    (r"^trunks\.blocks\.(\d+)\.norm_(1|2)\.(weight|bias)$", r"trunk.blocks.\1.norm\2.\3"),
    (r"^trunks\.blocks\.(\d+)\.mlp\.(fc1|fc2)\.(weight|bias)$", r"trunk.blocks.\1.mlp.\2.\3"),
    (r"^trunks\.pre_transformer_layer\.0\.(weight|bias)$", r"trunk.pre_norm.\1"),
    (r"^postprocessors\.1\.log_logit_scale$", "logit_scale.log_scale"),
)


def read_checkpoint(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    """Opens an official checkpoint without reading it all: memory-mapped, ``weights_only=True``.

    Raises:
        CheckpointError: missing, unreadable or not a state_dict.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint not found: {path}")
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            state = load_file(str(path))
        else:
            state = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
    except Exception as exc:  # pickle, zip and safetensors each raise their own types
        raise CheckpointError(f"cannot read {path} as a weights-only checkpoint: {exc}") from None
    for wrapper in ("model", "state_dict"):
        if isinstance(state, dict) and isinstance(state.get(wrapper), dict):
            state = state[wrapper]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f"{path} does not hold a flat state_dict of tensors")
    return state


def foreign_specs(host) -> dict[str, Any]:
    """{ImageBind modality name: ModalitySpec} for every installed plugin that declares the format."""
    return {spec.foreign[FORMAT].name: spec for spec in (host.modalities.get(n) for n in host.modalities.names())
            if FORMAT in spec.foreign}


def _group_keys(state: Mapping[str, torch.Tensor]) -> tuple[dict[str, dict[str, str]], list[str]]:
    """{foreign modality: {suffix "part.rest": full key}} and the keys outside ImageBind's layout."""
    groups: dict[str, dict[str, str]] = {}
    stray = []
    for key in state:
        match = re.match(r"^modality_(%s)\.([^.]+)\.(.+)$" % "|".join(PARTS), key)
        if match:
            part, name, rest = match.groups()
            groups.setdefault(name, {})[f"{part}.{rest}"] = key
        else:
            stray.append(key)
    return groups, stray


def _rename(suffix: str, rules: Iterable[tuple[str, str]]) -> str | None:
    for pattern, replacement in rules:
        if re.match(pattern, suffix):
            return re.sub(pattern, replacement, suffix)
    return None


def _map_modality(modality, fmt, keys: dict[str, str], state: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Maps one modality's foreign keys onto ``modality``'s state_dict, or raises listing every mismatch."""
    expected = modality.state_dict()
    rules = tuple(fmt.rename) + TRUNK_RULES
    mapped, origin, unexpected = {}, {}, []
    for suffix, full_key in sorted(keys.items()):
        if suffix in fmt.drop:
            continue
        ours = _rename(suffix, rules)
        if ours is None or ours not in expected:
            unexpected.append(full_key)
            continue
        mapped[ours], origin[ours] = state[full_key], full_key
    if "logit_scale.log_scale" not in mapped:  # no postprocessor scale (ImageBind's vision): the configured one
        from bindcore.layers import build_logit_scale

        mapped["logit_scale.log_scale"] = build_logit_scale(modality.cfg).log_scale.detach()
        origin["logit_scale.log_scale"] = "(configured logit scale)"
    missing = sorted(set(expected) - set(mapped))
    if missing or unexpected:
        def few(keys):
            return ", ".join(keys[:4]) + (", ..." if len(keys) > 4 else "")
        raise CheckpointError(
            f"'{fmt.name}' weights do not match the configured architecture: "
            f"{len(missing)} missing ({few(missing)}), {len(unexpected)} unexpected ({few(unexpected)}); "
            "check --config (the official constructor arguments) against the checkpoint")
    for ours, tensor in mapped.items():
        if tuple(tensor.shape) != tuple(expected[ours].shape):
            raise CheckpointError(f"'{origin[ours]}' has shape {tuple(tensor.shape)} in the checkpoint but "
                                  f"{tuple(expected[ours].shape)} in the configured model ({ours}); check --config")
    return mapped


def convert(checkpoint: str | os.PathLike, out_dir: str | os.PathLike, *, kwargs: Mapping[str, Any] | None = None,
            modalities: list[str] | None = None, host=None, progress: bool = True) -> Path:
    """Converts an official ImageBind checkpoint into a bindcore model directory, one modality at a time.

    Args:
        checkpoint: ``imagebind_huge.pth`` or any flat state_dict in the official key layout.
        out_dir: the model directory to write.
        kwargs: the official ``ImageBindModel`` constructor arguments (default: imagebind_huge's sizes).
        modalities: bindcore names to convert (default: every one the checkpoint holds).
        host: the PluginHost (default: the process's).
        progress: print one line per modality.

    Raises:
        CheckpointError: unreadable checkpoint, keys or shapes that do not match, modalities without a plugin.
    """
    from bindcore.checkpoint import ModelDirWriter, load_state, plugin_of
    from bindcore.model import build_model
    from bindcore.plugin_host import default_host

    host = host or default_host()
    kwargs = dict(kwargs or {})
    state = read_checkpoint(checkpoint)
    groups, stray = _group_keys(state)
    if stray:
        raise CheckpointError(f"{checkpoint} is not in ImageBind's layout: {len(stray)} unexpected keys "
                              f"({', '.join(stray[:4])}{', ...' if len(stray) > 4 else ''})")
    specs = foreign_specs(host)
    unknown = [name for name in groups if name not in specs]
    by_ours = {specs[name].name: name for name in groups if name in specs}
    wanted = list(by_ours) if modalities is None else list(modalities)
    missing = [m for m in wanted if m not in by_ours]
    if missing:
        raise CheckpointError(f"cannot convert {', '.join(missing)}: the checkpoint holds "
                              f"{', '.join(sorted(by_ours)) or 'no convertible modality'}")
    if unknown and modalities is None:
        raise CheckpointError(f"no installed plugin reads ImageBind's '{', '.join(unknown)}' weights; "
                              "install it or pass --modalities")
    embed_dim = int(kwargs.get("out_embed_dim", DEFAULT_OUT_DIM))
    config: dict[str, Any] = {"embed_dim": embed_dim, "modalities": {}}
    with ModelDirWriter(out_dir, embed_dim) as writer:
        for ours in wanted:
            spec = specs[by_ours[ours]]
            fmt = spec.foreign[FORMAT]
            model = build_model({"embed_dim": embed_dim, "modalities": {ours: fmt.settings(kwargs)}}, host=host, device="meta")
            modality = model.modalities[ours]
            mapped = _map_modality(modality, fmt, groups[by_ours[ours]], state)
            load_state(modality, {k: v.float() for k, v in mapped.items()}, f"{checkpoint} [{fmt.name}]")
            plugin, version = plugin_of(host, spec.name)
            writer.add(ours, spec.name, modality.state_dict(), plugin=plugin, plugin_version=version)
            config["modalities"][ours] = model.config["modalities"][ours]
            if progress:
                print(f"converted {fmt.name} -> {ours} ({sum(t.numel() for t in mapped.values()):,} parameters)")
            del model, modality, mapped
        return writer.finish(config)


def forward(model, batch: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """What the official ``model(inputs)`` returns, keyed by bindcore names.

    Each output is L2-normalised, then multiplied by the modality's logit scale; items holding several
    clips are averaged after scaling, without renormalising (as the official code does).
    """
    out = {}
    for name, x in batch.items():
        modality = model.modality(name)
        flat, clips = modality._split_clips(x)
        z = F.normalize(modality.project(flat), dim=-1) * modality.logit_scale()  # (B*S, E)
        out[name] = z.unflatten(0, (-1, clips)).mean(1) if clips > 1 else z  # (B, E)
    return out


def stem_rules(stem: str) -> tuple[tuple[str, str], ...]:
    """Rename rules for ImageBind's patch stems (``rgbt_stem``, ``depth_stem``, ``imu_stem``) onto TokenStem."""
    return (
        (rf"^preprocessors\.{stem}\.proj\.(\d+\.)?weight$", "stem.patchify.proj.weight"),
        (rf"^preprocessors\.{stem}\.norm_layer\.(weight|bias)$", r"stem.norm.\1"),
        (r"^preprocessors\.cls_token$", "stem.cls_token"),
        (r"^preprocessors\.(pos_embedding_helper\.)?pos_embed$", "stem.pos_embed"),
    )


def head_rules(norm: str = "0", proj: str = "2") -> tuple[tuple[str, str], ...]:
    """Rename rules for ImageBind's heads (LayerNorm at ``norm``, bias-free Linear at ``proj``) onto TokenHead."""
    return (
        (rf"^heads\.{re.escape(norm)}\.(weight|bias)$", r"head.norm.\1"),
        (rf"^heads\.{re.escape(proj)}\.weight$", "head.proj.weight"),
    )


def trunk_settings(kwargs: Mapping[str, Any], name: str, *, width: int, blocks: int, heads: int,
                   drop_path: float = 0.0) -> dict[str, Any]:
    """The official ``<name>_embed_dim | _num_blocks | _num_heads | _drop_path`` arguments as trunk settings.

    The keyword defaults are imagebind_huge's values for that modality.
    """
    return {"width": kwargs.get(f"{name}_embed_dim", width), "blocks": kwargs.get(f"{name}_num_blocks", blocks),
            "heads": kwargs.get(f"{name}_num_heads", heads), "drop_path": kwargs.get(f"{name}_drop_path", drop_path)}
