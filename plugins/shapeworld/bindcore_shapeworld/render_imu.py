"""Renders the camera motion as IMU readings: accelerometer xyz (m/s^2) and gyroscope xyz (rad/s)."""

from __future__ import annotations

import numpy as np

from bindcore_shapeworld.config import ShapeWorldConfig
from bindcore_shapeworld.rng import noise
from bindcore_shapeworld.scene import Scene

GRAVITY = 9.81
_PEAK_RATE = 0.9  # rad/s at full speed
_LEVER_M = 0.08  # accelerometer offset from the rotation axis
_NOISE_STD = np.array([0.05] * 3 + [0.01] * 3, np.float32)  # m/s^2, rad/s
_BIAS_RANGE = np.array([0.2] * 3 + [0.02] * 3, np.float32)


def angular_rate(scene: Scene, t: np.ndarray, u: list[float]) -> np.ndarray:
    """Gyroscope truth (T, 3) for the scene's motion; ``u`` holds 28 uniform numbers."""
    gyro = np.zeros((len(t), 3))
    if scene.motion == "shake":  # three 4-9 Hz sines per axis
        r = np.asarray(u[:27]).reshape(3, 3, 3)
        freqs, phases, amps = 4.0 + 5.0 * r[0], 2 * np.pi * r[1], (0.15 + 0.25 * r[2]) * scene.speed
        return (amps * np.sin(2 * np.pi * freqs * t[:, None, None] + phases)).sum(-1)
    if scene.motion != "still":  # a smooth sin^2 bump over a random window
        span = len(t) * (t[1] - t[0])
        start, width = (0.05 + 0.25 * u[0]) * span, (0.4 + 0.25 * u[1]) * span
        bump = np.sin(np.pi * np.clip((t - start) / width, 0.0, 1.0)) ** 2
        sign = 1.0 if scene.motion in ("pan left", "tilt up") else -1.0
        gyro[:, 1 if scene.motion.startswith("pan") else 0] = sign * _PEAK_RATE * scene.speed * bump
    return gyro


def render_imu(scene: Scene, rng: np.random.Generator, cfg: ShapeWorldConfig) -> np.ndarray:
    """Returns np.float32 (T, 6): camera frame x right, y up, z forward; accelerometer first, gyroscope second.

    Pan = yaw about y (left positive), tilt = pitch about x (up positive), shake = 4-9 Hz jitter on every
    axis, still = sensor noise only. Only the motion and its speed matter, never the objects.
    """
    n, rate = cfg.imu_length, cfg.imu_rate
    t = np.arange(n) / rate
    u = rng.random(35).tolist()
    gyro = angular_rate(scene, t, u)
    roll = 0.2 * u[28] - 0.1
    pitch = np.cumsum(gyro[:, 0]) / rate
    cos_pitch = np.cos(pitch)
    accel = np.stack([GRAVITY * np.sin(roll) * cos_pitch, GRAVITY * np.cos(roll) * cos_pitch,
                      GRAVITY * np.sin(pitch)], axis=1)
    accel[1:] += _LEVER_M * rate * np.diff(gyro, axis=0)[:, [1, 0, 2]]  # tangential kick of the rotation
    out = np.concatenate([accel, gyro], axis=1).astype(np.float32)
    scale = cfg.noise.imu
    if scale:  # white noise plus a constant bias per axis
        out += noise(rng, out.shape, 1.0) * (scale * _NOISE_STD)
        out += (scale * _BIAS_RANGE) * (np.asarray(u[29:35], np.float32) - 0.5)
    return out
