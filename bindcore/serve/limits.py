"""A request body limit enforced while the body streams in (Content-Length is checked first, then counted)."""

from __future__ import annotations

import json


class BodyTooLarge(Exception):
    """The request body passed ``max_upload_bytes``."""


class BodyLimit:
    """ASGI middleware: 413 for a declared Content-Length over the limit; a longer streamed body raises
    BodyTooLarge from ``receive``, which the app's handler turns into 413.

    Args:
        app: the wrapped ASGI app.
        max_bytes: the largest body allowed.
    """

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            body = json.dumps({"error": f"the request is larger than the limit of {self.max_bytes} bytes "
                                        "(max_upload_bytes)"}).encode()
            await send({"type": "http.response.start", "status": 413,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                    (b"connection", b"close")]})
            await send({"type": "http.response.body", "body": body})
            return
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge()
            return message

        return await self.app(scope, limited_receive, send)
