"""bindcore-image: the image modality plugin."""

__version__ = "0.1.0"
