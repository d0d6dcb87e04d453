"""bindcore-ecg: the example modality plugin of docs/plugins.md."""

__version__ = "0.1.0"
