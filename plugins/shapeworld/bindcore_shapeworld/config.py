"""Settings of the ShapeWorld dataset."""

from __future__ import annotations

from typing import Optional

from pydantic import Field

from bindcore import StrictModel

from bindcore_shapeworld.vocab import COLOURS, DEFAULT_HOLDOUT, MODALITIES, SHAPES


class SplitSizes(StrictModel):
    """Number of (virtual) items per split."""

    train: int = Field(20000, ge=0)
    val: int = Field(500, ge=0)
    test: int = Field(1000, ge=0)


class NoiseLevels(StrictModel):
    """Noise of each rendering (0 turns it off)."""

    image: float = Field(0.03, ge=0, description="pixel noise std (RGB in [0, 1])")
    texture: float = Field(0.08, ge=0, description="multiplicative per-pixel texture std on objects")
    background: float = Field(0.08, ge=0, description="amplitude of the smooth background pattern")
    depth: float = Field(0.01, ge=0, description="depth noise std relative to depth")
    thermal: float = Field(4.0, ge=0, description="thermal noise std in grey levels")
    audio: float = Field(0.01, ge=0, description="waveform noise std")
    imu: float = Field(1.0, ge=0, description="scale of IMU sensor noise and bias")


class ShapeWorldConfig(StrictModel):
    """Settings of the ShapeWorld procedural dataset.

    Attributes:
        seed: item i of split s is a pure function of (seed, s, i).
        sizes: items per split.
        modalities: renderings to produce (default: all six).
        image_size: side of the square image, depth and thermal maps.
        sample_rate: audio sample rate in Hz.
        audio_seconds: audio clip length.
        imu_length: IMU samples per item.
        imu_rate: IMU sample rate in Hz.
        two_object_prob: probability that a scene has two objects (0: one object always).
        motion_blur: blur the image along the camera motion.
        holdout: (shape, colour) pairs never sampled in train; val and test contain them.
        text_holdout: val and test captions also use the phrasings and templates held out of train.
        noise: noise levels per rendering.
    """

    seed: int = Field(0, ge=0)
    sizes: SplitSizes = SplitSizes()
    modalities: Optional[list[str]] = None
    image_size: int = Field(64, ge=16, le=1024)
    sample_rate: int = Field(16000, ge=1000)
    audio_seconds: float = Field(2.0, gt=0.1, le=60)
    imu_length: int = Field(200, ge=8)
    imu_rate: float = Field(40.0, gt=0)
    two_object_prob: float = Field(0.5, ge=0, le=1)
    motion_blur: bool = True
    holdout: list[tuple[str, str]] = Field(default_factory=lambda: [tuple(p) for p in DEFAULT_HOLDOUT])
    text_holdout: bool = True
    noise: NoiseLevels = NoiseLevels()

    def model_post_init(self, _context) -> None:
        for name in self.modalities or ():
            if name not in MODALITIES:
                raise ValueError(f"unknown modality {name!r}; choose from {list(MODALITIES)}")
        for shape, colour in self.holdout:
            if shape not in SHAPES or colour not in COLOURS:
                raise ValueError(f"holdout pair ({shape!r}, {colour!r}) is not (shape, colour) of {SHAPES} x {COLOURS}")
        held = {tuple(p) for p in self.holdout}
        for shape in SHAPES:
            if all((shape, c) in held for c in COLOURS):
                raise ValueError(f"holdout removes every colour of {shape!r} from train")
        for colour in COLOURS:
            if all((s, colour) in held for s in SHAPES):
                raise ValueError(f"holdout removes every shape of {colour!r} from train")

    @property
    def active_modalities(self) -> tuple[str, ...]:
        """The renderings to produce, in canonical order."""
        return tuple(m for m in MODALITIES if self.modalities is None or m in self.modalities)
