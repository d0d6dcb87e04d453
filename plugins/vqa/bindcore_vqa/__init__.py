"""bindcore-vqa: answer questions about a picture (or a depth map, a thermal image, a sound)."""

__version__ = "0.1.0"
