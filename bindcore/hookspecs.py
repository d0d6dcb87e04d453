"""The hooks a bindcore plugin may implement. Hooks only register things; the core does all the calling.

Each hook receives a ``register`` callable. The host wraps it per plugin so that it knows who
registered what, validates every spec on arrival and rejects a name registered twice.

Example plugin module (``bindcore_mymod/plugin.py``), exposed through the entry point group
``bindcore`` in its ``pyproject.toml``::

    from bindcore import hookimpl, ModalitySpec

    @hookimpl
    def register_modalities(register):
        register(ModalitySpec(name="mymod", ...))
"""

from __future__ import annotations

from typing import Callable

import pluggy

PROJECT = "bindcore"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_modalities(register: Callable) -> None:
    """Register modalities: call ``register(ModalitySpec(...))`` once per modality.

    Called once when a PluginHost loads. A ModalitySpec brings the preprocessor (raw -> tensor),
    the stem (tensor -> tokens), optional trunk and head builders, its Config class and dummy inputs.
    """


@hookspec
def register_datasets(register: Callable) -> None:
    """Register datasets: call ``register(DatasetSpec(...))`` once per dataset.

    A dataset yields dicts keyed by modality name with raw items (paths, strings, arrays), so that
    the model's own preprocessors turn them into tensors.
    """


@hookspec
def register_fusions(register: Callable) -> None:
    """Register fusion modules: call ``register(FusionSpec(...))`` once per fusion.

    ``FusionSpec.build(cfg, sizes)`` returns a module mapping {input name: tensor} to one (B, out_dim) vector;
    ``takes`` says whether the inputs are pooled vectors or trunk tokens. Users of a fusion (task heads)
    look it up by name in the host's ``fusions`` registry.
    """


@hookspec
def register_task_heads(register: Callable) -> None:
    """Register task heads (VQA, probes): call ``register(TaskHeadSpec(...))`` once per head.

    The ``task`` recipe of `bindcore train` trains a head by name with cross-entropy; the head reads dataset
    items itself (``inputs``, ``target``, ``group``) and ``bindcore.load_task_model(RUN_DIR)`` loads it back.
    """


@hookspec
def register_commands(register: Callable) -> None:
    """Register extra CLI verbs: call ``register(CommandSpec(...))`` once per subcommand."""
