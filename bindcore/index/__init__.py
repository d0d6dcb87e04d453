"""Cross-modal search: an index of embeddings with ids and metadata, searched through FAISS."""

from bindcore.index.index import AddReport, Hit, Index

__all__ = ["AddReport", "Hit", "Index"]
