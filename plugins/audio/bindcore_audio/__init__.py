"""bindcore-audio: the audio modality plugin."""

__version__ = "0.1.0"
