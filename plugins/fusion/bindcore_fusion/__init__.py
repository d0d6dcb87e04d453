"""bindcore-fusion: fuse several modalities' tokens or embeddings into one vector."""

__version__ = "0.1.0"
