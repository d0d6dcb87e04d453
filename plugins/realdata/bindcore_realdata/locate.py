"""Where the installed data files live, and one clear message saying what to install when they are missing."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import Optional

from bindcore.errors import ConfigError

MAKE_HINT = "run `make data` in the bindcore repository"
PIP_DATA = "pip install 'bindcore-realdata[data]'"

# Default install locations of the Debian packages (`dpkg -L PACKAGE` lists them).
OPENCV_DATA = Path("/usr/share/doc/opencv-doc/examples/data")  # opencv-doc
FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")  # dataset-fashion-mnist
ASTERISK_SOUNDS = Path("/usr/share/asterisk/sounds")  # asterisk-core-sounds-{en,es,fr,it,ru}-wav, asterisk-prompt-it-menardi-wav


def apt_hint(package: str) -> str:
    return f"{MAKE_HINT}, or: apt-get install {package}"


def require_file(path: Path, dataset: str, what: str, package: str, param: str) -> Path:
    """``path`` if it is a file, else a ConfigError naming the Debian package and the config param to override."""
    return _require(Path(path).expanduser(), Path.is_file, "where the file is", dataset, what, package, param)


def require_dir(path: Path, dataset: str, what: str, package: str, param: str) -> Path:
    """``path`` if it is a folder, else a ConfigError naming the Debian package and the config param."""
    return _require(Path(path).expanduser(), Path.is_dir, "the folder", dataset, what, package, param)


def _require(path: Path, exists, place: str, dataset: str, what: str, package: str, param: str) -> Path:
    if not exists(path):
        raise ConfigError(f"{dataset}: {what} not found at {path}; {apt_hint(package)} (or set params.{param} to {place})")
    return path


def module_file(dataset: str, module: str, relative: str, pip_name: str, override: Optional[str], param: str) -> Path:
    """A data file shipped inside an installed Python package (or ``override`` when given).

    Raises:
        ConfigError: the package is not installed or lacks the file, naming what to install.
    """
    if override:
        path = Path(override).expanduser()
        if not path.exists():
            raise ConfigError(f"{dataset}: params.{param} = {override!r} does not exist")
        return path
    spec = importlib.util.find_spec(module)  # finds the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"{dataset}: the Python package '{pip_name}' is not installed; {MAKE_HINT}, "
                          f"or: {PIP_DATA} (or: pip install {pip_name})")
    path = Path(list(spec.submodule_search_locations)[0]) / relative
    if not path.exists():
        raise ConfigError(f"{dataset}: {path} is missing from the installed '{pip_name}'; reinstall it "
                          f"(pip install --force-reinstall {pip_name}) or set params.{param}")
    return path


def import_module(dataset: str, module: str, pip_name: str):
    """Imports ``module`` or raises a ConfigError naming the PyPI package to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ConfigError(f"{dataset}: needs the Python package '{pip_name}'; {MAKE_HINT}, or: {PIP_DATA}") from None
