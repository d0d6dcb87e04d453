"""bindcore.io: waveforms from (array, rate) pairs, arrays from files and tensors, rasters in their own sample type."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from bindcore import InputError
from bindcore.io import open_image, read_array, read_raster, read_waveform, single_channel


# read_waveform

@pytest.mark.parametrize("dtype, raw, expected", [
    (np.int16, [-32768, 0, 16384, 32767], [-1.0, 0.0, 0.5, 32767 / 32768]),
    (np.int32, [-2**31, 0, 2**30, 2**31 - 1], [-1.0, 0.0, 0.5, (2**31 - 1) / 2**31]),
    (np.uint8, [0, 128, 192, 255], [-1.0, 0.0, 0.5, 127 / 128]),
    (np.int8, [-128, 0, 64], [-1.0, 0.0, 0.5]),
    (np.float32, [-1.0, 0.25, 1.0], [-1.0, 0.25, 1.0]),
    (np.float64, [-0.5, 2.0], [-0.5, 2.0]),  # floats are taken as they are
])
def test_waveform_integer_pcm_is_scaled(dtype, raw, expected):
    samples, rate = read_waveform((np.array(raw, dtype), 16000))
    assert samples.dtype == np.float32 and samples.shape == (1, len(raw)) and rate == 16000
    np.testing.assert_allclose(samples[0], np.array(expected, np.float32), rtol=0, atol=1e-7)


def test_waveform_tensors_and_channels():
    pcm = np.array([[-32768, 0, 16384], [100, -100, 0]], np.int16)  # (C, T)
    ref, _ = read_waveform((pcm, 8000))
    assert ref.shape == (2, 3) and ref[0, 0] == -1.0
    np.testing.assert_array_equal(read_waveform((torch.from_numpy(pcm), 8000))[0], ref)
    half, _ = read_waveform((torch.tensor([0.5, -0.25], dtype=torch.bfloat16), 8000))
    np.testing.assert_array_equal(half, [[0.5, -0.25]])


@pytest.mark.parametrize("rate", [16000, 16000.0, np.int64(16000), np.float32(16000.0), np.uint16(16000)])
def test_waveform_whole_rates(rate):
    _, out = read_waveform((np.zeros(10, np.float32), rate))
    assert out == 16000 and type(out) is int


@pytest.mark.parametrize("rate", [16000.5, 0, -8000, 0.0, float("nan"), float("inf"), True, "16000", None])
def test_waveform_bad_rates(rate):
    with pytest.raises(InputError, match="invalid sample rate"):
        read_waveform((np.zeros(10, np.float32), rate))


@pytest.mark.parametrize("samples, match", [
    (np.zeros(10, bool), "numeric"),
    (np.array(["a", "b"]), "numeric"),
    (np.zeros(10, np.complex64), "numeric"),
    ([[0.0, 1.0], [0.5]], "numeric"),  # ragged
    (np.zeros((0,), np.int16), "empty"),
])
def test_waveform_bad_samples(samples, match):
    with pytest.raises(InputError, match=match):
        read_waveform((samples, 16000))


def test_waveform_file_keeps_its_rate(tmp_path):
    sf = pytest.importorskip("soundfile")
    pcm = np.array([0, 16384, -32768], np.int16)
    sf.write(tmp_path / "a.wav", pcm, 22050, subtype="PCM_16")
    samples, rate = read_waveform(str(tmp_path / "a.wav"))
    assert rate == 22050 and type(rate) is int
    np.testing.assert_array_equal(samples, read_waveform((pcm, 22050))[0])  # a file and its PCM agree


# read_array

@pytest.mark.parametrize("content", ["", "\n\n", "acc_x,acc_y,acc_z\n", "a,b\n\n  \n"])
def test_csv_without_rows(tmp_path, content):
    path = tmp_path / "rec.csv"
    path.write_text(content)
    with pytest.raises(InputError, match="the CSV file holds no rows"):
        read_array(path)


def test_csv_with_header_and_blank_lines(tmp_path):
    path = tmp_path / "rec.csv"
    path.write_text("\nx,y\n1,2\n\n3,4.5\n")
    np.testing.assert_array_equal(read_array(path), [[1, 2], [3, 4.5]])
    path.write_text("7\n")
    assert read_array(path).shape == (1, 1)


def test_csv_with_words_in_the_rows(tmp_path):
    path = tmp_path / "rec.csv"
    path.write_text("x,y\n1,walk\n")
    with pytest.raises(InputError, match="cannot read"):
        read_array(path)


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_half_tensors_become_float32(dtype):
    t = torch.tensor([[0.5, -2.0], [1.0, 0.0]], dtype=dtype, requires_grad=True)
    arr = read_array(t)
    assert arr.dtype == np.float32
    np.testing.assert_array_equal(arr, [[0.5, -2.0], [1.0, 0.0]])


def test_other_tensors_keep_their_dtype():
    assert read_array(torch.zeros(2, 3, dtype=torch.float64)).dtype == np.float64
    assert read_array(torch.zeros(2, dtype=torch.int16)).dtype == np.int16
    assert read_array(torch.ones(2, 3)).dtype == np.float32


# read_raster

def save(tmp_path, image: Image.Image, name: str, **kw):
    path = tmp_path / name
    image.save(path, **kw)
    return path


def test_raster_16bit_png_stays_uint16(tmp_path):
    deep = np.arange(12 * 20, dtype=np.uint16).reshape(12, 20) * 250
    arr = read_raster(save(tmp_path, Image.fromarray(deep), "deep.png"))
    assert arr.dtype == np.uint16
    np.testing.assert_array_equal(arr, deep)


@pytest.mark.parametrize("mode", ["I;16", "I;16B", "I"])
def test_raster_16bit_pil_modes_are_uint16(mode):
    arr = read_raster(Image.new(mode, (5, 4), 40000))
    assert arr.dtype == np.uint16 and arr.dtype.isnative and arr.shape == (4, 5)
    assert (arr == 40000).all()


def test_raster_32bit_integers_beyond_16bit_stay_int32():
    arr = read_raster(Image.fromarray(np.full((4, 5), 70000, np.int32)))
    assert arr.dtype == np.int32 and (arr == 70000).all()


def test_raster_float_tiff(tmp_path):
    values = np.linspace(-3.5, 1e4, 30, dtype=np.float32).reshape(5, 6)
    arr = read_raster(save(tmp_path, Image.fromarray(values), "f.tif"))
    assert arr.dtype == np.float32
    np.testing.assert_array_equal(arr, values)


@pytest.mark.parametrize("mode, value, shape, expected", [
    ("L", 7, (4, 5), 7),
    ("LA", (7, 9), (4, 5, 2), (7, 9)),
    ("RGB", (1, 2, 3), (4, 5, 3), (1, 2, 3)),
    ("RGBA", (1, 2, 3, 4), (4, 5, 4), (1, 2, 3, 4)),
    ("1", 1, (4, 5), 255),
    ("CMYK", (0, 0, 0, 0), (4, 5, 3), (255, 255, 255)),
])
def test_raster_8bit_modes(mode, value, shape, expected):
    arr = read_raster(Image.new(mode, (5, 4), value))
    assert arr.dtype == np.uint8 and arr.shape == shape
    assert (arr == np.array(expected, np.uint8)).all()


def test_raster_palette_becomes_colours(tmp_path):
    image = Image.new("P", (5, 4), 1)
    image.putpalette([0, 0, 0, 10, 20, 30] + [0, 0, 0] * 254)
    arr = read_raster(save(tmp_path, image, "p.png"))
    assert arr.shape == (4, 5, 3) and (arr == (10, 20, 30)).all()
    arr = read_raster(save(tmp_path, image, "pt.png", transparency=1))
    assert arr.shape == (4, 5, 4) and (arr == (10, 20, 30, 0)).all()


def test_raster_exif_orientation_is_applied(tmp_path):
    stored = np.zeros((10, 30), np.uint8)
    stored[:, :5] = 255  # a white band on the left
    exif = Image.Exif()
    exif[0x0112] = 6  # turn 90 degrees clockwise
    arr = read_raster(save(tmp_path, Image.fromarray(stored), "r.jpg", exif=exif, quality=100))
    assert arr.shape == (30, 10)
    assert arr[:5].mean() > 200 and arr[10:].mean() < 50  # the left band is now on top


def test_raster_bytes_pil_and_memory():
    buf = io.BytesIO()
    rgb = np.random.default_rng(0).integers(0, 256, (6, 7, 3), dtype=np.uint8)
    Image.fromarray(rgb).save(buf, "PNG")
    np.testing.assert_array_equal(read_raster(buf.getvalue()), rgb)
    np.testing.assert_array_equal(read_raster(Image.fromarray(rgb)), rgb)
    chw = rgb.transpose(2, 0, 1)
    assert read_raster(chw) is chw  # arrays are returned as given
    out = read_raster(torch.from_numpy(rgb).permute(2, 0, 1))
    assert out.dtype == np.uint8 and out.shape == (3, 6, 7)
    assert read_raster(torch.ones(2, 2, dtype=torch.bfloat16)).dtype == np.float32


def test_raster_result_is_writable(tmp_path):
    arr = read_raster(save(tmp_path, Image.new("L", (3, 3)), "g.png"))
    arr[0, 0] = 1  # a fresh array, not a read-only view of the image


def written(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("make, match", [
    (lambda p: p / "missing.png", "file not found"),
    (lambda p: written(p / "junk.png", b"not a png"), "not a readable image"),
    (lambda p: b"\x89PNG\r\n\x1a\n", "cannot decode|not a readable image"),
    (lambda p: {"a": 1}, "unsupported input type dict"),
])
def test_raster_bad_inputs(tmp_path, make, match):
    with pytest.raises(InputError, match=match):
        read_raster(make(tmp_path))


# single_channel

@pytest.mark.parametrize("shape", [(4, 5), (1, 4, 5), (4, 5, 1)])
def test_single_channel_layouts(shape):
    arr = np.arange(20, dtype=np.uint16).reshape(shape)
    out = single_channel(arr)
    assert out.shape == (4, 5) and out.dtype == np.uint16
    np.testing.assert_array_equal(out, np.arange(20).reshape(4, 5))


@pytest.mark.parametrize("shape, match", [
    ((4, 5, 3), r"single-channel array of shape \(H, W\), \(1, H, W\) or \(H, W, 1\), got \(4, 5, 3\)"),
    ((2, 4, 5), "single-channel"),
    ((20,), "single-channel"),
    ((1, 1, 4, 5), "single-channel"),
    ((0, 5), r"the array is empty \(shape \(0, 5\)\)"),
    ((1, 0, 5), "empty"),
])
def test_single_channel_refuses(shape, match):
    with pytest.raises(InputError, match=match):
        single_channel(np.zeros(shape))


def test_single_channel_names_the_array():
    with pytest.raises(InputError, match="single-channel height map"):
        single_channel(np.zeros((4, 5, 2)), "height map")


# open_image on arrays: 8-bit by sample type

@pytest.mark.parametrize("arr, mode, value", [
    (np.full((4, 5), 65535, np.uint16), "L", 255),
    (np.full((4, 5, 3), 257 * 9, np.uint16), "RGB", (9, 9, 9)),
    (np.full((4, 5), 0.2, np.float32), "L", 51),
    (np.full((4, 5), 1.0 + 1e-4), "L", 255),  # rounding noise above 1 is tolerated
    (np.full((4, 5, 3), 200, np.int64), "RGB", (200, 200, 200)),
    (np.ones((4, 5), bool), "L", 255),
    (np.zeros((4, 5, 4), np.uint8), "RGBA", (0, 0, 0, 0)),
])
def test_open_image_arrays_are_eight_bit(arr, mode, value):
    image = open_image(arr)
    assert image.mode == mode and image.size == (arr.shape[1], arr.shape[0])
    assert image.getpixel((0, 0)) == value


def test_open_image_float_rounds():
    levels = np.arange(256, dtype=np.uint8).reshape(16, 16)
    np.testing.assert_array_equal(np.asarray(open_image(levels.astype(np.float32) / 255)), levels)


def test_read_map_dispatches_on_extension(tmp_path):
    from PIL import Image

    from bindcore.io import read_map

    np.save(tmp_path / "m.npy", np.ones((4, 5), np.float32))
    Image.fromarray(np.full((4, 5), 1000, np.uint16)).save(tmp_path / "m.png")
    arr, from_image = read_map(tmp_path / "m.npy", image_files=(".png",), array_files=(".npy",))
    assert arr.shape == (4, 5) and not from_image
    arr, from_image = read_map(tmp_path / "m.png", image_files=(".png",), array_files=(".npy",))
    assert arr.dtype == np.uint16 and from_image
    with pytest.raises(InputError, match="unsupported heat file type '.gif'"):
        read_map(tmp_path / "m.gif", image_files=(".png",), array_files=(".npy",), what="heat")
    with pytest.raises(InputError, match="unsupported heat input type dict"):
        read_map({}, image_files=(".png",), array_files=(".npy",), what="heat")
