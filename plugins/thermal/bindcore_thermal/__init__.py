"""bindcore-thermal: the thermal (infrared) modality plugin."""

__version__ = "0.1.0"
