"""bindcore-depth: the depth modality plugin."""

__version__ = "0.1.0"
