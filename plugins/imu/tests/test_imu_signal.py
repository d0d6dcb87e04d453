"""NaN gaps, resampling, cropping, padding and normalisation."""

import numpy as np
import pytest
import torch

from bindcore import InputError
from bindcore_imu.config import ImuConfig
from bindcore_imu.gaps import fill_nan_gaps, nan_runs
from bindcore_imu.preprocess import ImuPreprocessor
from bindcore_imu.timing import fit_length, resample


def ramp(steps=100, channels=6):
    return np.tile(np.arange(steps, dtype=np.float64), (channels, 1)) * np.arange(1, channels + 1)[:, None]  # (C, T)


def test_nan_runs():
    assert nan_runs(np.array([1, 1, 0, 0, 1, 0, 1], bool)) == [(0, 2), (4, 5), (6, 7)]


def test_interior_gap_is_linear():
    x = ramp()
    x[2, 40:50] = np.nan  # 10 samples = max_nan_gap
    x[5, 7] = np.nan
    assert np.allclose(fill_nan_gaps(x, 10), ramp())


def test_edge_gaps_take_the_nearest_value():
    x = ramp()
    x[0, :3] = np.nan
    x[1, -4:] = np.nan
    out = fill_nan_gaps(x, 10)
    assert (out[0, :3] == x[0, 3]).all() and (out[1, -4:] == x[1, -5]).all()
    assert np.array_equal(out[2:], ramp()[2:])


def test_long_gap_is_an_error_unless_unlimited():
    x = ramp()
    x[3, 20:31] = np.nan  # 11 samples
    with pytest.raises(InputError, match=r"channel 3 has 11 NaN samples in a row at 20\.\.30"):
        fill_nan_gaps(x, 10)
    assert np.allclose(fill_nan_gaps(x, None), ramp())
    with pytest.raises(InputError, match="max_nan_gap is 0"):
        fill_nan_gaps(ramp() * np.where(np.arange(100) == 5, np.nan, 1), 0)


def test_all_nan_channel_is_an_error():
    x = ramp()
    x[4] = np.nan
    with pytest.raises(InputError, match="channel 4 is all NaN"):
        fill_nan_gaps(x, None)


def test_preprocessor_fills_gaps_before_padding():
    x = ramp()
    x[:, 10:13] = np.nan
    out = ImuPreprocessor(ImuConfig())(x)
    assert torch.allclose(out[:, :100], torch.from_numpy(ramp()).float()) and not out[:, 100:].any()


@pytest.mark.parametrize("source, steps, expected_steps", [(100.0, 500, 2000), (50.0, 100, 800), (800.0, 4000, 2000),
                                                          (400.0, 123, 123), (30.0, 7, 93)])
def test_resample_length(source, steps, expected_steps):
    assert resample(ramp(steps), source, 400.0).shape == (6, expected_steps)


def test_resample_is_linear_and_keeps_the_start():
    out = resample(ramp(50), 100.0, 400.0)  # 4x upsampling
    assert np.allclose(out[:, :197], ramp(197) / 4)  # inside the input span a ramp stays a ramp
    assert np.allclose(out[:, -3:], ramp(50)[:, -1:])  # past the last input sample: hold
    assert np.allclose(resample(ramp(100), 800.0, 400.0), ramp(50) * 2)


def test_preprocessor_resamples_to_model_rate():
    out = ImuPreprocessor(ImuConfig(source_rate=100.0))(ramp(500).T)  # 5 s at 100 Hz
    assert out.shape == (6, 2000)
    assert torch.allclose(out[0, :8], torch.arange(8) / 4.0)
    assert out[:, -1].abs().min() > 0  # the full 2000 steps are signal, not padding


def test_crop_and_pad_modes():
    x = ramp(10)
    assert np.array_equal(fit_length(x, 4), x[:, :4])
    assert np.array_equal(fit_length(x, 4, crop="center"), x[:, 3:7])
    assert np.array_equal(fit_length(x, 12)[:, 10:], np.zeros((6, 2)))
    assert np.array_equal(fit_length(x, 12, pad_mode="edge")[:, 10:], np.repeat(x[:, -1:], 2, axis=1))
    assert fit_length(x, 10) is x


def test_preprocessor_crop_center_and_edge_pad():
    long, short = ramp(2400), ramp(100)
    assert torch.equal(ImuPreprocessor(ImuConfig(crop="center"))(long), torch.from_numpy(long[:, 200:2200]).float())
    out = ImuPreprocessor(ImuConfig(pad_mode="edge"))(short)
    assert torch.equal(out[:, 100:], torch.from_numpy(short[:, -1:]).float().expand(6, 1900))


def test_normalisation():
    cfg = ImuConfig(mean=(1, 2, 3, 4, 5, 6), std=(2,) * 6)
    out = ImuPreprocessor(cfg)(np.tile(np.arange(1.0, 7.0)[:, None], (1, 2000)))
    assert torch.equal(out, torch.zeros(6, 2000))


@pytest.mark.parametrize("settings, match", [
    ({"length": 2001}, "multiple of window"), ({"mean": (0.0,) * 6}, "both mean and std"),
    ({"mean": (0.0,) * 3, "std": (1.0,) * 3}, "one per channel"), ({"mean": (0.0,) * 6, "std": (0.0,) * 6}, "positive"),
    ({"pad_mode": "reflect"}, "pad_mode"), ({"crop": "end"}, "crop"), ({"max_nan_gap": -1}, "max_nan_gap"),
])
def test_bad_settings(settings, match):
    with pytest.raises(ValueError, match=match):
        ImuConfig(**settings)


def test_center_removes_each_recordings_offsets():
    from bindcore_imu.config import ImuConfig
    from bindcore_imu.preprocess import ImuPreprocessor

    rng = np.random.default_rng(0)
    x = rng.standard_normal((96, 6)) + np.array([0, 9.81, 0, 0.5, 0, 0])  # gravity on y, a gyro bias
    out = ImuPreprocessor(ImuConfig(length=96, center=True))(x)
    assert np.allclose(out.numpy().mean(axis=1), 0, atol=1e-5)
    plain = ImuPreprocessor(ImuConfig(length=96))(x)
    assert abs(float(plain[1].mean()) - 9.81) < 0.5
