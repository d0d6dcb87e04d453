"""Spoken digits: real recordings (Asterisk's voice prompts) and speech synthesised with espeak-ng (cached)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bindcore.errors import ConfigError

from bindcore_realdata.locate import MAKE_HINT, require_dir

RATE = 8000  # the recordings are 8 kHz telephone prompts; synthetic speech is band-limited to match
LANGUAGES = ("en", "es", "fr", "it", "ru")
RECORDED_PACKAGES = "asterisk-core-sounds-{en,es,fr,it,ru}-wav asterisk-prompt-it-menardi-wav"


@dataclass(frozen=True)
class Clip:
    """One spoken digit: where it is, its class, and who speaks it ("voice")."""

    path: Path
    digit: int
    voice: str


def recorded_voices(root: Path) -> list[str]:
    """Voice folders under ``root`` holding all ten of digits/0.wav .. 9.wav (e.g. en_US_f_Allison)."""
    root = require_dir(root, "digits", "the Asterisk voice prompts", RECORDED_PACKAGES, "recordings_dir")
    return sorted(d.name for d in root.iterdir() if all((d / "digits" / f"{k}.wav").is_file() for k in range(10)))


def recorded_clips(root: Path, voices: list[str] | None = None) -> list[Clip]:
    """The real spoken digits: 10 clips per voice (one speaker each), all voices or ``voices``.

    Raises:
        ConfigError: no voice is installed, or a requested one is missing.
    """
    found = recorded_voices(root)
    if not found:
        raise ConfigError(f"digits: no Asterisk voice with digits/0..9.wav under {root}; {MAKE_HINT}, "
                          f"or: apt-get install {RECORDED_PACKAGES}")
    missing = [v for v in voices or [] if v not in found]
    if missing:
        raise ConfigError(f"digits: params.voices: {missing} not installed under {root} (installed: {found})")
    return [Clip(Path(root) / v / "digits" / f"{k}.wav", k, v) for v in (voices or found) for k in range(10)]


def read_clip(path: Path) -> np.ndarray:
    """A clip as mono float32 at 8 kHz."""
    import soundfile as sf

    wave, rate = sf.read(str(path), dtype="float32", always_2d=True)  # (T, C)
    wave = wave.mean(axis=1)  # (T,)
    if rate != RATE:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(rate, RATE)
        wave = resample_poly(wave, RATE // g, rate // g).astype(np.float32)  # (T',)
    return wave


@dataclass(frozen=True)
class EspeakVoice:
    """One synthetic speaker: espeak-ng language voice, variant, speed (words/min) and pitch (0..99)."""

    language: str
    variant: str
    speed: int
    pitch: int

    @property
    def name(self) -> str:
        return f"{self.language}+{self.variant}_s{self.speed}_p{self.pitch}"


def espeak_binary() -> str:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise ConfigError(f"digits: synthetic training speech needs espeak-ng; {MAKE_HINT}, or: apt-get install espeak-ng")
    return exe


def synthesise(voices: list[EspeakVoice], cache: Path, progress: bool | None = None) -> list[Clip]:
    """Spoken digits 0-9 for every voice, synthesised once into ``cache`` (8 kHz WAV) and reused afterwards.

    espeak-ng reads the numeral in the voice's language ("3" -> "three", "tres", "trois", "tre", "три").
    Files are written to a temporary name and renamed, so an interrupted run leaves no half file.
    """
    cache = Path(cache).expanduser()
    cache.mkdir(parents=True, exist_ok=True)
    clips = [Clip(cache / f"{v.name}_{k}.wav", k, v.name) for v in voices for k in range(10)]
    todo = [(c, v) for c, v in zip(clips, [v for v in voices for _ in range(10)]) if not c.path.is_file()]
    if todo:
        exe = espeak_binary()
        from tqdm import tqdm

        with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
            jobs = pool.map(lambda job: _synthesise_one(exe, *job), todo)
            for _ in tqdm(jobs, total=len(todo), desc=f"espeak-ng -> {cache}", disable=progress is False, leave=False):
                pass
    return clips


def _synthesise_one(exe: str, clip: Clip, voice: EspeakVoice) -> None:
    import soundfile as sf

    with tempfile.TemporaryDirectory(dir=clip.path.parent) as tmp:
        raw = Path(tmp) / "raw.wav"
        cmd = [exe, "-v", f"{voice.language}+{voice.variant}", "-s", str(voice.speed), "-p", str(voice.pitch),
               "-w", str(raw), str(clip.digit)]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0 or not raw.is_file():
            raise ConfigError(f"digits: espeak-ng failed for voice {voice.name}: {result.stderr.strip()[:200]}")
        wave = read_clip(raw)  # (T,) at 8 kHz
        out = Path(tmp) / "out.wav"
        sf.write(str(out), wave, RATE, subtype="PCM_16")
        os.replace(out, clip.path)


def augment(wave: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Training-time variation of a clip: gain, a leading pause, and background noise at 15-40 dB SNR."""
    wave = wave * rng.uniform(0.4, 1.6)  # (T,)
    wave = np.concatenate([np.zeros(int(rng.uniform(0, 0.15) * RATE), np.float32), wave])  # (T',)
    power = float(np.mean(wave ** 2)) + 1e-12
    snr_db = rng.uniform(15, 40)
    wave = wave + rng.normal(0, np.sqrt(power / 10 ** (snr_db / 10)), wave.shape)  # (T',)
    return np.clip(wave, -1, 1).astype(np.float32)
