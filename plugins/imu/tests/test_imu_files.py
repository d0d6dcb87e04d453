"""Recordings read from .npy, .npz and .csv files in either layout give the same tensor."""

import numpy as np
import pytest
import torch

from bindcore_imu.config import ImuConfig
from bindcore_imu.preprocess import ImuPreprocessor

HEADER = "acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z"


@pytest.fixture
def signal():
    return np.random.default_rng(1).standard_normal((6, 300))  # (C, T)


@pytest.fixture
def pre():
    return ImuPreprocessor(ImuConfig())


def expected(signal):
    out = torch.zeros(6, 2000)
    out[:, :300] = torch.from_numpy(signal).float()
    return out


def test_npy_both_layouts(tmp_path, pre, signal):
    np.save(tmp_path / "cf.npy", signal.astype(np.float32))
    np.save(tmp_path / "cl.npy", signal.T.copy())
    for name in ("cf.npy", "cl.npy"):
        out = pre(str(tmp_path / name))
        assert out.shape == (6, 2000) and out.dtype == torch.float32
        assert torch.allclose(out, expected(signal))


def test_npz_first_array_and_key(tmp_path, signal):
    path = tmp_path / "rec.npz"
    np.savez(path, imu=signal.T, other=np.zeros((6, 10)))
    assert torch.allclose(ImuPreprocessor(ImuConfig())(path), expected(signal))
    assert not ImuPreprocessor(ImuConfig(npz_key="other"))(path).any()


@pytest.mark.parametrize("header", [False, True])
def test_csv_with_and_without_header(tmp_path, pre, signal, header):
    path = tmp_path / "rec.csv"
    np.savetxt(path, signal.T, delimiter=",", header=HEADER if header else "", comments="")
    assert torch.allclose(pre(str(path)), expected(signal), atol=1e-6)


def test_arrays_and_tensors(pre, signal):
    want = expected(signal)
    assert torch.allclose(pre(signal), want)
    assert torch.allclose(pre(torch.from_numpy(signal.T)), want)
    assert torch.allclose(pre(torch.from_numpy(signal).bfloat16()), want, atol=0.05)
    assert torch.equal(pre(np.arange(12).reshape(2, 6))[:, :2], torch.tensor([[0, 6], [1, 7], [2, 8], [3, 9], [4, 10], [5, 11]]).float())


def test_square_recording_is_channels_first(pre):
    square = np.arange(36.0).reshape(6, 6)
    assert torch.equal(pre(square)[:, :6], torch.from_numpy(square).float())
