"""PluginHost: loads built-in and installed plugins one at a time and fills the registries."""

from __future__ import annotations

import importlib
import importlib.metadata as md
import os
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import pluggy

from bindcore import hookspecs
from bindcore.errors import BindcoreError, PluginError
from bindcore.registry import Registry
from bindcore.specs import (
    NAME_PATTERN,
    CommandSpec,
    DatasetSpec,
    FusionSpec,
    ModalityConfig,
    ModalitySpec,
    TaskHeadSpec,
)

ENTRY_POINT_GROUP = "bindcore"
BUILTIN_PLUGINS = ("bindcore.data.builtin",)

# hook name -> (registry attribute, spec class)
HOOKS: dict[str, tuple[str, type]] = {
    "register_modalities": ("modalities", ModalitySpec),
    "register_datasets": ("datasets", DatasetSpec),
    "register_fusions": ("fusions", FusionSpec),
    "register_task_heads": ("task_heads", TaskHeadSpec),
    "register_commands": ("commands", CommandSpec),
}


@dataclass
class PluginInfo:
    """What `bindcore plugins` shows for one plugin."""

    name: str
    version: str
    module: str
    builtin: bool = False
    status: str = "ok"  # ok | failed | blocked
    error: str = ""
    hooks: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("name", "version", "module", "builtin", "status", "error", "hooks")}


def _env_list(name: str) -> list[str]:
    return [x.strip() for x in os.environ.get(name, "").split(",") if x.strip()]


def _check_spec(spec: Any, spec_cls: type) -> None:
    if not isinstance(spec, spec_cls):
        raise PluginError(f"expected a {spec_cls.__name__}, got {type(spec).__name__}")
    if not isinstance(spec.name, str) or not NAME_PATTERN.match(spec.name):
        raise PluginError(f"invalid name {spec.name!r}: use lowercase letters, digits and '_'")
    if spec_cls is ModalitySpec and not (isinstance(spec.Config, type) and issubclass(spec.Config, ModalityConfig)):
        raise PluginError(f"modality '{spec.name}': Config must subclass bindcore.ModalityConfig")
    if spec_cls is ModalitySpec and not all(isinstance(s, str) and s.startswith(".") and s == s.lower() for s in spec.accepts):
        raise PluginError(f"modality '{spec.name}': accepts must hold lower-case suffixes with the dot, like '.wav'")
    if spec_cls is ModalitySpec and spec.preview is not None and not callable(spec.preview):
        raise PluginError(f"modality '{spec.name}': preview must be callable")
    if spec_cls is CommandSpec and not (callable(spec.add_arguments) and callable(spec.run)):
        raise PluginError(f"command '{spec.name}': add_arguments and run must be callable")


class PluginHost:
    """One per process or test: a pluggy manager plus the registries the plugins filled.

    Args:
        strict: raise on the first broken plugin instead of warning and skipping it
            (default: the BINDCORE_STRICT_PLUGINS environment variable).

    Use :meth:`load` rather than the constructor.
    """

    def __init__(self, *, strict: bool | None = None):
        self.strict = os.environ.get("BINDCORE_STRICT_PLUGINS", "") not in ("", "0") if strict is None else strict
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.modalities: Registry[ModalitySpec] = Registry("modality")
        self.datasets: Registry[DatasetSpec] = Registry("dataset")
        self.fusions: Registry[FusionSpec] = Registry("fusion")
        self.task_heads: Registry[TaskHeadSpec] = Registry("task head")
        self.commands: Registry[CommandSpec] = Registry("command")
        self.plugins: dict[str, PluginInfo] = {}

    @classmethod
    def load(
        cls,
        *,
        autoload: bool = True,
        extra: Iterable[tuple[str, object]] = (),
        block: Sequence[str] | None = None,
        allow: Sequence[str] | None = None,
        strict: bool | None = None,
    ) -> "PluginHost":
        """Loads the built-ins, then each installed entry point, then ``extra`` plugins.

        Args:
            autoload: load plugins from the ``bindcore`` entry-point group
                (off when BINDCORE_DISABLE_PLUGIN_AUTOLOAD=1).
            extra: (name, plugin object or module) pairs to add, e.g. fakes in tests.
            block: plugin names to skip (default: BINDCORE_DISABLE_PLUGINS=a,b).
            allow: if given, only these entry-point plugins load (default: BINDCORE_LOAD_PLUGINS=a,b).
            strict: see the class docstring.
        """
        host = cls(strict=strict)
        block = set(_env_list("BINDCORE_DISABLE_PLUGINS") if block is None else block)
        allow_list = _env_list("BINDCORE_LOAD_PLUGINS") if allow is None else list(allow)
        version = md.version("bindcore") if _has_dist("bindcore") else "0"
        for module_name in BUILTIN_PLUGINS:
            host._add(module_name, lambda m=module_name: importlib.import_module(m), version, module_name, builtin=True)
        if autoload and os.environ.get("BINDCORE_DISABLE_PLUGIN_AUTOLOAD", "") in ("", "0"):
            for ep in sorted(md.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
                dist = ep.dist.name if ep.dist else ep.name
                dist_version = ep.dist.version if ep.dist else "?"
                if ep.name in block or dist in block or (allow_list and ep.name not in allow_list and dist not in allow_list):
                    host.plugins[ep.name] = PluginInfo(ep.name, dist_version, ep.value, status="blocked")
                    continue
                host._add(ep.name, ep.load, dist_version, ep.value, dist=dist)
        for name, plugin in extra:
            if name in block:
                host.plugins[name] = PluginInfo(name, "?", repr(plugin), status="blocked")
                continue
            host._add(name, lambda p=plugin: p, getattr(plugin, "__version__", "0"), getattr(plugin, "__name__", repr(plugin)))
        return host

    def _add(self, name: str, load: Callable[[], object], version: str, module: str, *, builtin: bool = False, dist: str = "") -> None:
        info = PluginInfo(name, version, module, builtin=builtin)
        self.plugins[name] = info
        try:
            plugin = load()
            self.pm.register(plugin, name=name)
            try:
                self.pm.check_pending()
            except pluggy.PluginValidationError as exc:
                self.pm.unregister(name=name)
                raise PluginError(f"unknown hook: {exc}") from None
            info.hooks = sorted(impl for impl in HOOKS if any(i.plugin_name == name for i in getattr(self.pm.hook, impl).get_hookimpls()))
            for hook_name in info.hooks:
                self._call_hook(name, hook_name)
        except Exception as exc:  # a broken plugin is recorded, never fatal unless strict
            self._rollback(name)
            info.status, info.error = "failed", f"{type(exc).__name__}: {exc}"
            message = (
                f"bindcore plugin '{name}' ({dist or module}) failed to load and was skipped: {info.error}. "
                f"Fix or uninstall it, or block it with BINDCORE_DISABLE_PLUGINS={name}."
            )
            if self.strict or builtin:
                raise PluginError(message) from exc
            warnings.warn(message, RuntimeWarning, stacklevel=3)

    def _call_hook(self, plugin_name: str, hook_name: str) -> None:
        attr, spec_cls = HOOKS[hook_name]
        registry: Registry = getattr(self, attr)
        impl = next(i for i in getattr(self.pm.hook, hook_name).get_hookimpls() if i.plugin_name == plugin_name)

        def register(spec: Any) -> None:
            _check_spec(spec, spec_cls)
            registry.add(spec.name, spec, source=plugin_name)

        try:
            impl.function(register=register)
        except BindcoreError as exc:
            raise PluginError(f"{hook_name}: {exc}") from exc

    def _rollback(self, name: str) -> None:
        for attr, _ in HOOKS.values():
            getattr(self, attr).remove_source(name)
        if self.pm.has_plugin(name):
            self.pm.unregister(name=name)

    def list_plugins(self, *, include_builtin: bool = False) -> list[PluginInfo]:
        """Returns every plugin seen, in load order, with its status."""
        return [p for p in self.plugins.values() if include_builtin or not p.builtin]


def _has_dist(name: str) -> bool:
    try:
        md.version(name)
        return True
    except md.PackageNotFoundError:
        return False


_DEFAULT_HOST: PluginHost | None = None


def default_host() -> PluginHost:
    """The host used when a caller passes none (loaded once per process on first use)."""
    global _DEFAULT_HOST
    if _DEFAULT_HOST is None:
        _DEFAULT_HOST = PluginHost.load()
    return _DEFAULT_HOST
