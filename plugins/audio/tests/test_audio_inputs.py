"""Real files written with soundfile, arrays and bad inputs through the audio preprocessor."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
import torch

from bindcore import InputError, Modality
from bindcore.testing import load_host, small_config

from bindcore_audio.config import AudioConfig
from bindcore_audio.preprocess import AudioPreprocessor

SHAPE = (3, 1, 128, 204)


def tone(seconds: float, rate: int, channels: int = 1, freq: float = 440.0) -> np.ndarray:
    """A (T, C) float32 sine, the layout soundfile writes."""
    t = np.arange(int(seconds * rate)) / rate
    wave = 0.5 * np.sin(2 * np.pi * freq * t)
    return np.stack([wave * (c + 1) / channels for c in range(channels)], axis=1).astype(np.float32)  # (T, C)


@pytest.fixture(scope="module")
def pre() -> AudioPreprocessor:
    return AudioPreprocessor(AudioConfig())


def check(out: torch.Tensor) -> None:
    assert out.shape == SHAPE and out.dtype == torch.float32
    assert torch.isfinite(out).all()


@pytest.mark.parametrize("fmt, subtype, ext", [("WAV", "PCM_16", "wav"), ("FLAC", "PCM_16", "flac"),
                                               ("OGG", "VORBIS", "ogg"), ("WAV", "FLOAT", "wav")])
def test_file_formats(pre, tmp_path, fmt, subtype, ext):
    path = tmp_path / f"a.{ext}"
    sf.write(path, tone(3.0, 16000), 16000, format=fmt, subtype=subtype)
    out = pre(str(path))
    check(out)
    assert not torch.equal(out[0], out[2])  # 3 s: the clips differ
    check(pre(path))  # a Path works too
    check(pre(path.read_bytes()))


def test_flac_matches_wav(pre, tmp_path):
    ints = (tone(2.5, 16000) * 32767).astype(np.int16)  # the same 16-bit samples in both files
    sf.write(tmp_path / "a.wav", ints, 16000, subtype="PCM_16")
    sf.write(tmp_path / "a.flac", ints, 16000, subtype="PCM_16")
    assert torch.equal(pre(str(tmp_path / "a.wav")), pre(str(tmp_path / "a.flac")))  # FLAC is lossless


def test_stereo_fbank_sees_channel_0(tmp_path):
    pre = AudioPreprocessor(AudioConfig(exact_imagebind_clip_mean=False))
    stereo = tone(3.0, 16000, channels=2)
    stereo[:, 1] = np.random.default_rng(0).standard_normal(len(stereo)) * 0.3  # channel 1 is noise
    sf.write(tmp_path / "s.wav", stereo, 16000, subtype="FLOAT")
    sf.write(tmp_path / "m.wav", stereo[:, :1], 16000, subtype="FLOAT")
    assert torch.equal(pre(str(tmp_path / "s.wav")), pre(str(tmp_path / "m.wav")))


def test_stereo_exact_mode(pre, tmp_path):
    sf.write(tmp_path / "s.wav", tone(3.5, 44100, channels=2), 44100, subtype="PCM_16")
    check(pre(str(tmp_path / "s.wav")))
    sf.write(tmp_path / "one.wav", np.float32([[0.1, -0.1]]), 16000, subtype="FLOAT")  # one stereo frame
    check(pre(str(tmp_path / "one.wav")))


@pytest.mark.parametrize("rate", [8000, 11025, 22050, 44100, 48000, 11127])
def test_sample_rates(pre, tmp_path, rate):
    sf.write(tmp_path / "r.wav", tone(2.5, rate), rate, subtype="PCM_16")
    check(pre(str(tmp_path / "r.wav")))


def test_resampled_tone_keeps_its_pitch(pre):
    at16 = pre((tone(3.0, 16000)[:, 0], 16000))
    at8 = pre((tone(3.0, 8000)[:, 0], 8000))
    peak16 = at16[0, 0, :, 50].argmax()
    peak8 = at8[0, 0, :, 50].argmax()
    assert peak16 == peak8


@pytest.mark.parametrize("n", [1, 10, 399, 400, 401])
def test_very_short_files(pre, tmp_path, n):
    sf.write(tmp_path / "short.wav", tone(1.0, 16000)[:n], 16000, subtype="PCM_16")
    out = pre(str(tmp_path / "short.wav"))
    check(out)
    # shorter than a clip: every clip is the whole file (exact mode re-centres it, so float noise only)
    assert torch.allclose(out[0], out[1], atol=1e-3) and torch.allclose(out[1], out[2], atol=1e-3)


@pytest.mark.parametrize("raw", [(np.zeros(1, np.float32), 16000), (np.zeros(10, np.float32), 8000),
                                 (np.ones(1, np.float32), 16000), (np.zeros((2, 5), np.float32), 44100)])
def test_tiny_arrays(pre, raw):
    check(pre(raw))


def test_silence(pre, tmp_path):
    sf.write(tmp_path / "silence.wav", np.zeros((48000, 1), np.float32), 16000, subtype="PCM_16")
    out = pre(str(tmp_path / "silence.wav"))
    check(out)
    assert torch.equal(out, pre((np.zeros(48000, np.float32), 16000)))


def test_tensor_and_int_rate_inputs(pre):
    wave = torch.from_numpy(tone(1.5, 16000)[:, 0])
    assert torch.equal(pre((wave, 16000)), pre((wave.numpy(), np.int64(16000))))


def test_caller_array_not_modified(pre):
    wave = tone(3.0, 16000)[:, 0] + 0.25  # DC offset: the in-place clip centring must not reach it
    before = wave.copy()
    pre((wave, 16000))
    pre((wave[None], 16000))
    np.testing.assert_array_equal(wave, before)


def test_exact_mode_reproduces_in_place_quirk():
    wave = (tone(3.0, 16000)[:, 0] + np.linspace(0, 0.5, 48000)).astype(np.float32)  # a ramp: clip means differ
    exact = AudioPreprocessor(AudioConfig())((wave, 16000))
    copy = AudioPreprocessor(AudioConfig(exact_imagebind_clip_mean=False))((wave, 16000))
    assert torch.equal(exact[0], copy[0])  # the first clip sees the untouched signal
    assert not torch.equal(exact[1], copy[1])  # later clips overlap the first, already centred one


def test_clips_span_end_option():
    wave = tone(6.0, 16000, freq=300)[:, 0]
    wave[-16000:] = 0  # silent last second: only a clip reaching the end sees it
    base = AudioPreprocessor(AudioConfig(exact_imagebind_clip_mean=False))((wave, 16000))
    span = AudioPreprocessor(AudioConfig(exact_imagebind_clip_mean=False, clips_span_end=True))((wave, 16000))
    assert torch.equal(base[0], span[0])
    assert span[2].mean() < base[2].mean()


def write(path, data: bytes):
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("make, match", [
    (lambda p: write(p / "corrupt.wav", np.random.default_rng(0).bytes(4096)), "cannot decode"),
    (lambda p: write(p / "empty.wav", b""), "cannot decode"),
    (lambda p: write(p / "notes.txt", b"hello, not audio"), "cannot decode"),
    (lambda p: str(p / "missing.wav"), "not found"),
    (lambda p: b"\x00\x01garbage", "cannot decode"),
    (lambda p: (np.full(100, np.nan, np.float32), 16000), "NaN"),
    (lambda p: (np.array([0.0, np.inf], np.float32), 16000), "NaN or infinite"),
    (lambda p: (np.zeros((2, 3, 100), np.float32), 16000), "shape"),
    (lambda p: (np.zeros((16000, 2), np.float32), 16000), "channels first"),
    (lambda p: (np.zeros(0, np.float32), 16000), "empty"),
    (lambda p: (np.zeros(100, np.float32), 0), "sample rate"),
    (lambda p: (np.resize(np.float32([1e30, -1e30]), 1000), 16000), "overflowed"),
    (lambda p: 12.5, "unsupported input type"),
])
def test_bad_inputs_raise_input_error(pre, tmp_path, make, match):
    with pytest.raises(InputError, match=match):
        pre(make(tmp_path))


def test_header_only_wav_is_empty(pre, tmp_path):
    sf.write(tmp_path / "zero.wav", np.zeros((0, 1), np.float32), 16000)
    with pytest.raises(InputError, match="empty"):
        pre(str(tmp_path / "zero.wav"))


def test_modality_batch_and_error_names_item(tmp_path):
    spec = load_host().modalities.get("audio")
    modality = Modality("audio", spec, small_config(spec), 16)
    sf.write(tmp_path / "a.ogg", tone(1.0, 22050), 22050, format="OGG", subtype="VORBIS")
    batch = modality.preprocess([str(tmp_path / "a.ogg"), (tone(4.0, 16000)[:, 0], 16000)])
    assert batch.shape == (2, *SHAPE)
    bad = write(tmp_path / "bad.wav", b"RIFF....WAVEfmt ")
    with pytest.raises(InputError, match="bad.wav"):
        modality.preprocess([bad])
