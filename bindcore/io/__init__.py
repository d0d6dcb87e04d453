"""Decoding helpers shared by plugins: rasters, waveforms and numeric arrays from files or memory."""

from bindcore.io.arrays import read_array
from bindcore.io.describe import describe
from bindcore.io.maps import read_map
from bindcore.io.raster import open_image, read_raster, resize_center_crop, single_channel
from bindcore.io.waveform import read_waveform

__all__ = ["describe", "open_image", "read_array", "read_map", "read_raster", "read_waveform", "resize_center_crop",
           "single_channel"]
