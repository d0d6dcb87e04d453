"""bindcore: bind many modalities into one embedding space, with plugins for each modality.

The public API. Heavy modules (torch, the model) load on first use, so `import bindcore` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from bindcore.errors import (
    BindcoreError,
    CheckpointError,
    ConfigError,
    DuplicateComponentError,
    InputError,
    PluginError,
    UnknownComponentError,
)
from bindcore.hookspecs import hookimpl
from bindcore.specs import (
    CommandSpec,
    DatasetSpec,
    FusionSpec,
    ModalityConfig,
    ModalitySpec,
    StrictModel,
    TaskHeadSpec,
)

__version__ = "0.1.0"

_LAZY = {  # name -> (module, attribute; None for the module itself)
    "BindModel": ("bindcore.model", "BindModel"),
    "Modality": ("bindcore.model", "Modality"),
    "build_model": ("bindcore.model", "build_model"),
    "load_model": ("bindcore.checkpoint", "load_model"),
    "load_task_model": ("bindcore.task", "load_task_model"),
    "TaskModel": ("bindcore.task", "TaskModel"),
    "PluginHost": ("bindcore.plugin_host", "PluginHost"),
    "embed": ("bindcore.embedding", "embed"),
    "Index": ("bindcore.index", "Index"),
    "layers": ("bindcore.layers", None),
    "io": ("bindcore.io", None),
    "compat": ("bindcore.compat", None),
}

if TYPE_CHECKING:
    from bindcore import io, layers
    from bindcore.checkpoint import load_model
    from bindcore.embedding import embed
    from bindcore.index import Index
    from bindcore.model import BindModel, Modality, build_model
    from bindcore.plugin_host import PluginHost
    from bindcore.task import TaskModel, load_task_model


def __getattr__(name: str):
    if name in _LAZY:
        module_name, attribute = _LAZY[name]
        module = importlib.import_module(module_name)
        value = module if attribute is None else getattr(module, attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bindcore' has no attribute '{name}'")


__all__ = [
    "BindModel", "BindcoreError", "CheckpointError", "CommandSpec", "ConfigError", "DatasetSpec",
    "DuplicateComponentError", "FusionSpec", "Index", "InputError", "Modality", "ModalityConfig", "ModalitySpec",
    "PluginError", "PluginHost", "StrictModel", "TaskHeadSpec", "TaskModel", "UnknownComponentError",
    "build_model", "embed", "hookimpl", "load_model", "load_task_model", "__version__",
]
