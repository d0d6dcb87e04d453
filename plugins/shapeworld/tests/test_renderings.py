"""Each rendering's raw format, and that it carries exactly the signals it should."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bindcore_shapeworld import ShapeWorldConfig, build
from bindcore_shapeworld.render_audio import render_audio
from bindcore_shapeworld.render_depth import render_depth
from bindcore_shapeworld.render_imu import render_imu
from bindcore_shapeworld.render_thermal import render_thermal
from bindcore_shapeworld.rng import make_rng
from bindcore_shapeworld.scene import Scene, SceneObject
from bindcore_shapeworld.vocab import COLOURS

CFG = ShapeWorldConfig()


def _obj(shape="circle", colour="red", size="large", distance="near", x=0.5, y=0.5, radius=0.2, depth=1.5):
    return SceneObject(shape, colour, size, distance, x, y, radius, depth, 0.1)


def _rng(stream=0):
    return make_rng(0, 0, 0, stream)


def test_raw_formats():
    item = build(ShapeWorldConfig(image_size=48, imu_length=120, sample_rate=8000, audio_seconds=1.5), "val")[0]
    image = item["image"]
    assert image.dtype == np.uint8 and image.shape == (48, 48, 3) and image.flags.c_contiguous
    assert isinstance(item["text"], str) and len(item["text"].split()) >= 2
    assert item["depth"].dtype == np.float32 and item["depth"].shape == (48, 48)
    assert 0.5 < item["depth"].min() and item["depth"].max() < 10.0
    assert item["thermal"].dtype == np.uint8 and item["thermal"].shape == (48, 48)
    wave, sr = item["audio"]
    assert wave.dtype == np.float32 and wave.shape == (12000,) and sr == 8000 and isinstance(sr, int)
    assert np.abs(wave).max() < 1.0
    assert item["imu"].dtype == np.float32 and item["imu"].shape == (120, 6)


def test_depth_values_by_distance():
    near, far = _obj(depth=1.5), _obj(distance="far", depth=4.0, radius=0.12)
    for obj, metres in ((near, 1.5), (far, 4.0)):
        depth = render_depth(Scene((obj,), None, "still", 1.0), _rng(), CFG)
        assert abs(float(np.median(depth[30:34, 30:34])) - metres) < 0.2
        assert abs(float(np.median(depth[:4, :4])) - 8.0) < 0.5


def test_depth_carries_no_colour():
    ds = build(ShapeWorldConfig(two_object_prob=1.0), "test")
    for i in range(10):
        scene = ds.scene(i)
        recoloured = replace(scene, objects=tuple(replace(o, colour=COLOURS[(COLOURS.index(o.colour) + 1) % 4])
                                                  for o in scene.objects))
        assert np.array_equal(render_depth(scene, _rng(), CFG), render_depth(recoloured, _rng(), CFG))
    # and through the dataset: same seed stream, colours differ only
    assert np.array_equal(ds.render(scene, 0, "depth"), ds.render(recoloured, 0, "depth"))


def test_thermal_has_no_hue_and_heat_follows_colour():
    levels = {}
    for colour in ("red", "yellow", "green", "blue"):
        heat = render_thermal(Scene((_obj(colour=colour),), None, "still", 1.0), _rng(), CFG)
        assert heat.ndim == 2 and heat.dtype == np.uint8
        levels[colour] = float(heat[28:36, 28:36].mean())
    background = float(heat[:6, :6].mean())
    assert levels["red"] > levels["yellow"] > background > levels["green"] > levels["blue"]


def test_imu_depends_on_motion_not_on_objects():
    scene = Scene((_obj(),), None, "pan left", 0.8)
    other_objects = replace(scene, objects=(_obj(shape="star", colour="blue", size="small", x=0.2),))
    base = render_imu(scene, _rng(), CFG)
    assert np.array_equal(base, render_imu(other_objects, _rng(), CFG))
    outputs = {m: render_imu(replace(scene, motion=m), _rng(), CFG) for m in
               ("still", "pan left", "pan right", "tilt up", "tilt down", "shake")}
    names = list(outputs)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not np.allclose(outputs[a], outputs[b], atol=0.05), (a, b)
    gyro = {m: out[:, 3:] for m, out in outputs.items()}
    assert gyro["pan left"][:, 1].sum() > 0 > gyro["pan right"][:, 1].sum()
    assert gyro["tilt up"][:, 0].sum() > 0 > gyro["tilt down"][:, 0].sum()
    assert np.abs(gyro["still"]).max() < 0.1 < np.abs(gyro["shake"]).max()


def _halves_energy(wave):
    half = len(wave) // 2
    return float(np.mean(wave[:half] ** 2)), float(np.mean(wave[half:] ** 2))


def test_audio_sounds_objects_left_to_right():
    loud, quiet = _obj(size="large", x=0.25), _obj(shape="star", size="small", x=0.75, radius=0.1)
    for objects in ((loud, quiet), (quiet, loud)):  # the order of the objects in the scene does not matter
        first, second = _halves_energy(render_audio(Scene(objects, "left of", "still", 1.0), _rng(), CFG)[0])
        assert first > 4 * second
    swapped = (replace(loud, x=0.75), replace(quiet, x=0.25))
    first, second = _halves_energy(render_audio(Scene(swapped, "right of", "still", 1.0), _rng(), CFG)[0])
    assert second > 4 * first


def _dominant_hz(wave, sr):
    spectrum = np.abs(np.fft.rfft(wave))
    return float(np.fft.rfftfreq(len(wave), 1 / sr)[spectrum.argmax()])


def test_audio_pitch_follows_colour_and_not_position():
    pitches = {}
    for colour in ("red", "yellow", "green", "blue"):
        wave, sr = render_audio(Scene((_obj(colour=colour),), None, "still", 1.0), _rng(), CFG)
        pitches[colour] = _dominant_hz(wave, sr)
    assert pitches["red"] < pitches["yellow"] < pitches["green"] < pitches["blue"]
    a = render_audio(Scene((_obj(x=0.3),), None, "shake", 1.0), _rng(), CFG)[0]
    b = render_audio(Scene((_obj(x=0.6, distance="far"),), None, "still", 1.0), _rng(), CFG)[0]
    assert np.array_equal(a, b)  # audio carries shape, colour, size and order only


def test_audio_timbre_differs_by_shape():
    waves = {s: render_audio(Scene((_obj(shape=s),), None, "still", 1.0), _rng(), CFG)[0]
             for s in ("circle", "square", "triangle", "star")}
    rms = {s: float(np.sqrt(np.mean(w ** 2))) for s, w in waves.items()}
    assert max(rms.values()) < 1.2 * min(rms.values())  # loudness does not give the shape away
    harmonics = {}
    for s, w in waves.items():
        spectrum = np.abs(np.fft.rfft(w))
        fundamental = spectrum.argmax()
        harmonics[s] = spectrum[2 * fundamental - 3:2 * fundamental + 4].max() / spectrum[fundamental]
    assert harmonics["star"] > 0.2 > harmonics["circle"]  # the sawtooth has even harmonics, the sine none


def test_image_far_objects_are_smaller_and_dimmer():
    ds = build(ShapeWorldConfig(noise={"image": 0, "texture": 0, "background": 0}, motion_blur=False), "test")
    near = Scene((_obj(colour="red"),), None, "still", 1.0)
    far = Scene((_obj(colour="red", distance="far", radius=0.2 * 0.62, depth=4.0),), None, "still", 1.0)

    def red_pixels(scene):
        img = ds.render(scene, 0, "image").astype(int)
        mask = (img[..., 0] - img[..., 1]) > 40
        return mask.sum(), img[mask][:, 0].mean()
    (n_near, r_near), (n_far, r_far) = red_pixels(near), red_pixels(far)
    assert n_far < 0.6 * n_near and r_far < r_near
