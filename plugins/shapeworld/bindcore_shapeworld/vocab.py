"""The closed vocabulary of ShapeWorld: attribute values and the constants each renderer maps them to."""

from __future__ import annotations

SHAPES = ("circle", "square", "triangle", "star")
COLOURS = ("red", "green", "blue", "yellow")
SIZES = ("small", "large")
DISTANCES = ("near", "far")
RELATIONS = ("left of", "right of", "above", "below")
MOTIONS = ("still", "pan left", "pan right", "tilt up", "tilt down", "shake")
MODALITIES = ("image", "text", "depth", "thermal", "audio", "imu")

ATTRIBUTES = {"shape": SHAPES, "colour": COLOURS, "size": SIZES, "distance": DISTANCES,
              "relation": RELATIONS, "motion": MOTIONS}

INVERSE_RELATION = {"left of": "right of", "right of": "left of", "above": "below", "below": "above"}

# Default (shape, colour) pairs that never appear in training.
DEFAULT_HOLDOUT = (("star", "red"), ("triangle", "blue"), ("square", "green"), ("circle", "yellow"))

# Apparent radius (fraction of the image side) by size, and its factor by distance.
RADIUS = {"small": 0.15, "large": 0.26}
DISTANCE_SCALE = {"near": 1.0, "far": 0.72}
# Depth in metres of an object's surface by distance (centre, half-width of jitter); the back wall.
DEPTH_M = {"near": (1.5, 0.2), "far": (4.0, 0.4)}
WALL_M = 8.0

# Image: RGB in [0, 1]; thermal: intensity in [0, 255] (red hot ... blue cold); audio: base pitch in Hz.
RGB = {"red": (0.86, 0.12, 0.10), "green": (0.13, 0.70, 0.18), "blue": (0.12, 0.25, 0.90),
       "yellow": (0.95, 0.85, 0.10)}
THERMAL = {"red": 235.0, "yellow": 185.0, "green": 60.0, "blue": 20.0}
THERMAL_AMBIENT = 110.0
PITCH_HZ = {"red": 130.8, "yellow": 261.6, "green": 523.3, "blue": 1046.5}
LOUDNESS = {"small": 0.15, "large": 0.5}
