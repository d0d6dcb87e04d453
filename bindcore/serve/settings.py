"""The server's limits and switches, one frozen object shared by the app and the command line."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class ServeSettings:
    """Limits and batching of `bindcore serve`.

    Attributes:
        max_upload_bytes: the largest request body (all uploaded files and fields together).
        max_items: the most items one request may embed.
        request_timeout_s: a request still unanswered after this gets 504.
        max_batch: the most items one forward pass takes.
        max_wait_ms: the longest the batcher waits for announced requests still preprocessing before it runs a batch.
        preprocess_threads: threads that decode and preprocess uploads (0: min(4, CPU count)).
        token: the bearer token every endpoint but /health (and the page's static files) requires; None: open.
    """

    max_upload_bytes: int = 20 * MIB
    max_items: int = 64
    request_timeout_s: float = 30.0
    max_batch: int = 32
    max_wait_ms: float = 5.0
    preprocess_threads: int = 0
    token: str | None = None
