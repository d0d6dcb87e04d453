"""Every bad recording is an InputError that names the problem."""

import numpy as np
import pytest
import torch

from bindcore import InputError
from bindcore.model import Modality
from bindcore.testing import load_host, small_config
from bindcore_imu.config import ImuConfig
from bindcore_imu.preprocess import ImuPreprocessor

GOOD = np.zeros((6, 100))


def with_values(**cells):
    x = np.random.default_rng(0).standard_normal((6, 100))
    for key, value in cells.items():
        x[tuple(int(i) for i in key[1:].split("_"))] = value
    return x


BAD_ARRAYS = [
    (np.full((6, 100), np.nan), "every value of the recording is NaN"),
    (with_values(c1_5=np.inf), "infinite"),
    (with_values(c2_50=-np.inf), "infinite"),
    (np.zeros((5, 100)), "expected 6 channels on one axis, got shape \\(5, 100\\)"),
    (np.zeros((100, 7)), "expected 6 channels"),
    (np.zeros((6, 0)), "empty"),
    (np.zeros((0, 6)), "empty"),
    (np.zeros(600), "2-D"),
    (np.zeros((2, 6, 100)), "2-D"),
    (np.array([["a"] * 6] * 3), "not numeric"),
    (np.zeros((6, 10), dtype=object), "not numeric"),
    (np.zeros((6, 10), dtype=bool), "not numeric"),
    (np.zeros((6, 10), dtype=complex), "not numeric"),
    (torch.zeros(6, 0), "empty"),
    ([[0.0] * 6] * 10, "unsupported input type list"),
    (3.5, "unsupported input type float"),
    ("no/such/file.npy", "file not found"),
]


@pytest.mark.parametrize("raw, match", BAD_ARRAYS)
def test_bad_arrays(raw, match):
    with pytest.raises(InputError, match=match):
        ImuPreprocessor(ImuConfig())(raw)


@pytest.mark.filterwarnings("ignore:loadtxt")
@pytest.mark.parametrize("name, content, match", [
    ("text.csv", "time,label\n0.1,walk\n0.2,run\n", "cannot read"),
    ("words.csv", "a,b,c,d,e,f\nx,y,z,u,v,w\n", "cannot read"),
    ("empty.csv", "", "empty"),
    ("header_only.csv", "acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n", "empty"),
    ("seven.csv", "1,2,3,4,5,6,7\n1,2,3,4,5,6,7\n", "expected 6 channels"),
    ("rec.txt", "1,2,3,4,5,6\n", "unsupported file type"),
    ("broken.npy", "not an npy file", "cannot read"),
])
def test_bad_files(tmp_path, name, content, match):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError, match=match):
        ImuPreprocessor(ImuConfig())(path)


def test_object_npy_is_refused(tmp_path):
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(InputError, match="cannot read"):
        ImuPreprocessor(ImuConfig())(tmp_path / "obj.npy")


def test_modality_reports_the_item(tmp_path):
    spec = load_host().modalities.get("imu")
    modality = Modality("imu", spec, small_config(spec), 8)
    np.save(tmp_path / "bad.npy", np.zeros((100, 5)))
    with pytest.raises(InputError, match="bad.npy: expected 6 channels"):
        modality.preprocess([GOOD, str(tmp_path / "bad.npy")])
