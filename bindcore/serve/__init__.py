"""`bindcore serve`: an HTTP embedding and search service (FastAPI under uvicorn) with a web page at /."""

from bindcore.serve.app import create_app
from bindcore.serve.settings import ServeSettings

__all__ = ["ServeSettings", "create_app"]
