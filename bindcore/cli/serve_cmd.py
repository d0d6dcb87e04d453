"""`bindcore serve`: the embedding and search service, with the search page at /."""

from __future__ import annotations

import ipaddress
import os
import sys

from bindcore.errors import BindcoreError
from bindcore.specs import CommandSpec

TOKEN_ENV = "BINDCORE_TOKEN"


def add_arguments(p) -> None:
    p.add_argument("--model", default=None, help="a model directory, run directory or preset (default: the index's model)")
    p.add_argument("--index", default=None, help="an index directory (from `bindcore index build`) to search")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--token", default=None, help=f"bearer token required by every endpoint but /health (default: ${TOKEN_ENV})")
    p.add_argument("--max-upload-mb", type=float, default=20.0, help="largest request body in MiB")
    p.add_argument("--max-items", type=int, default=64, help="most items per request")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds before a request gets 504")
    p.add_argument("--max-batch", type=int, default=32, help="most items per forward pass")
    p.add_argument("--max-wait-ms", type=float, default=5.0,
                   help="the longest a batch waits for requests still being preprocessed (a lone request never waits)")
    p.add_argument("--seed", type=int, default=None, help="initialisation seed when --model is a preset (default 0)")
    p.add_argument("--device", default="cpu")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def run(args) -> int:
    try:
        import uvicorn
    except ImportError:
        raise BindcoreError("serving needs FastAPI and uvicorn: pip install 'bindcore[serve]'") from None
    from bindcore.index import Index
    from bindcore.index.index import load_for
    from bindcore.serve import ServeSettings, create_app

    if not args.model and not args.index:
        print("error: give --model MODEL and/or --index INDEX_DIR", file=sys.stderr)
        return 2
    index = Index.open(args.index) if args.index else None
    source = args.model or index.meta["model"]["source"]
    seed = args.seed if args.seed is not None else (index.meta["model"].get("seed") if index and not args.model else 0)
    model = load_for(source, None, seed, device=args.device)
    token = args.token or os.environ.get(TOKEN_ENV) or None
    if not _is_loopback(args.host) and not token:
        print(f"warning: serving on {args.host} without a token: anyone who reaches this port can use it "
              f"(set --token or ${TOKEN_ENV})", file=sys.stderr)
    settings = ServeSettings(max_upload_bytes=int(args.max_upload_mb * 1024 * 1024), max_items=args.max_items,
                             request_timeout_s=args.timeout, max_batch=args.max_batch, max_wait_ms=args.max_wait_ms,
                             token=token)
    app = create_app(model, index, settings)
    print(f"bindcore serve: http://{args.host}:{args.port}/ (API docs at /docs)", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, timeout_keep_alive=5)
    return 0


COMMAND = CommandSpec("serve", "serve embeddings and search over HTTP, with a search page at /", add_arguments, run)
