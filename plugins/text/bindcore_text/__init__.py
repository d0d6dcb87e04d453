"""bindcore-text: the text modality plugin."""

__version__ = "0.1.0"
