"""Data: the manifest format, paired datasets and collation."""
