"""Real datasets for bindcore, read offline from files installed by Debian and PyPI packages (`make data`)."""

__version__ = "0.1.0"
