"""Compatibility with other projects' checkpoints and output conventions."""
