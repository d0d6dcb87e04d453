"""The optional bearer token, checked by a plain ASGI middleware before any route runs."""

from __future__ import annotations

import json
import secrets


class BearerToken:
    """ASGI middleware: requests to any path but the public ones need ``Authorization: Bearer TOKEN``.

    Args:
        app: the wrapped ASGI app.
        token: the expected token.
        public: exact paths open to all; ``public_prefix``: path prefixes open to all (the page's assets).
    """

    def __init__(self, app, token: str, public: tuple[str, ...] = (), public_prefix: tuple[str, ...] = ()):
        self.app, self.token = app, token.encode()
        self.public, self.public_prefix = public, public_prefix

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] in self.public or scope["path"].startswith(self.public_prefix):
            return await self.app(scope, receive, send)
        given = dict(scope.get("headers") or []).get(b"authorization", b"")
        scheme, _, value = given.partition(b" ")
        if scheme.lower() == b"bearer" and secrets.compare_digest(value.strip(), self.token):
            return await self.app(scope, receive, send)
        body = json.dumps({"error": "missing or wrong bearer token: send the header 'Authorization: Bearer TOKEN'"}).encode()
        await send({"type": "http.response.start", "status": 401,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"www-authenticate", b"Bearer")]})
        await send({"type": "http.response.body", "body": body})
