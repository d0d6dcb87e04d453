"""Load test of `bindcore serve`: requests/s and latency at 1, 8 and 32 concurrent clients, every answer checked.

Run:
    .venv/bin/python benchmarks/serve_load.py            # tiny preset, /embed text and image, 1/8/32 clients
    .venv/bin/python benchmarks/serve_load.py --quick    # a smoke run (seconds)

The server runs in a subprocess (`bindcore serve --model tiny --seed 0` on a free loopback port); this process
is the load generator: ``clients`` asyncio tasks with aiohttp, each sending one request at a time, for at most
``--requests`` requests or ``--seconds`` seconds per row, whichever ends first, split in ``--repeats`` runs whose
median req/s is reported (latency percentiles are over every request of the row). Each request embeds one item
(a caption as JSON, or a 128x96 JPEG as a multipart upload). Every answer is compared with this process's own
``model.embed`` of the same item (same preset and seed): a request that fails or differs by more than 1e-4
counts as lost or wrong. The server is started twice: with micro-batching (default settings) and with
``--max-batch 1`` (no batching), to show what batching brings. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path

import numpy as np

from _common import CAPTIONS, machine_description, markdown_table

REPO = Path(__file__).resolve().parents[1]
COLUMNS = ["batching", "endpoint", "clients", "requests", "req/s", "p50 ms", "p99 ms", "lost", "wrong", "mean batch"]
TOLERANCE = 1e-4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, extra: list[str]) -> subprocess.Popen:
    """`bindcore serve --model tiny --seed 0` in a subprocess; returns once /health answers."""
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    proc = subprocess.Popen([sys.executable, "-m", "bindcore", "serve", "--model", "tiny", "--seed", "0", "--port", str(port),
                             "--log-level", "warning", *extra], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 180
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            return proc
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise SystemExit("the server did not start: " + proc.stderr.read().decode()[-2000:])
            time.sleep(0.2)


def make_items(directory: Path, n: int) -> tuple[list[str], list[tuple[str, bytes]]]:
    """``n`` distinct captions and ``n`` distinct small JPEGs (name, bytes)."""
    from PIL import Image

    rng = np.random.default_rng(0)
    texts = [f"{CAPTIONS[i % len(CAPTIONS)]} (variant {i})" for i in range(n)]
    images = []
    for i in range(n):
        arr = np.clip(rng.normal(120 + i, 40, (96, 128, 3)), 0, 255).astype(np.uint8)  # (H, W, 3)
        buffer = io.BytesIO()
        Image.fromarray(arr).save(buffer, format="JPEG", quality=90)
        (directory / f"{i}.jpg").write_bytes(buffer.getvalue())
        images.append((f"{i}.jpg", buffer.getvalue()))
    return texts, images


async def run_level(url: str, endpoint: str, items: list, expected: np.ndarray, clients: int, max_requests: int,
                    seconds: float) -> dict:
    """Runs one row: ``clients`` concurrent senders until ``max_requests`` were sent or ``seconds`` passed.

    The client is aiohttp (its C parser costs about a tenth of httpx's CPU per request, which matters when
    the load generator shares the cores with the server).
    """
    import aiohttp

    latencies, lost, wrong = [], 0, 0
    sent = 0
    stop_at = time.perf_counter() + seconds

    async with aiohttp.ClientSession(url, connector=aiohttp.TCPConnector(limit=clients),
                                     timeout=aiohttp.ClientTimeout(total=60)) as client:
        async def sender() -> None:
            nonlocal sent, lost, wrong
            while sent < max_requests and time.perf_counter() < stop_at:
                i = sent % len(items)
                sent += 1
                start = time.perf_counter()
                try:
                    if endpoint == "text":
                        request = client.post("/embed", json={"text": [items[i]]})
                    else:
                        form = aiohttp.FormData()
                        form.add_field("image", items[i][1], filename=items[i][0], content_type="image/jpeg")
                        request = client.post("/embed", data=form)
                    async with request as response:
                        body = await response.json() if response.status == 200 else None
                    latencies.append(time.perf_counter() - start)
                    if body is None:
                        lost += 1
                        continue
                    got = np.asarray(body["embeddings"][endpoint][0], dtype=np.float32)
                    wrong += int(np.abs(got - expected[i]).max() > TOLERANCE)
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    lost += 1

        begin = time.perf_counter()
        await asyncio.gather(*[sender() for _ in range(clients)])
        elapsed = time.perf_counter() - begin
    return {"endpoint": f"/embed {endpoint}", "clients": clients, "requests": sent, "req/s": sent / elapsed,
            "lost": lost, "wrong": wrong, "latencies": latencies}


def combine(runs: list[dict]) -> dict:
    """One row from repeated runs: the median req/s, latency percentiles over every request, summed counts."""
    latencies = sorted(t for r in runs for t in r["latencies"])
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] if latencies else float("nan")
    return {"endpoint": runs[0]["endpoint"], "clients": runs[0]["clients"], "requests": sum(r["requests"] for r in runs),
            "req/s": statistics.median(r["req/s"] for r in runs),
            "p50 ms": 1000 * statistics.median(latencies) if latencies else float("nan"), "p99 ms": 1000 * p99,
            "lost": sum(r["lost"] for r in runs), "wrong": sum(r["wrong"] for r in runs)}


def batch_counters(url: str) -> tuple[int, int]:
    """(forward passes, items embedded) since the server started, from its /health."""
    import json

    with urllib.request.urlopen(url + "/health", timeout=5) as r:
        health = json.loads(r.read())
    return health["forward_passes"], health["items_embedded"]


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="few requests per row (a smoke run)")
    p.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    p.add_argument("--requests", type=int, default=600, help="at most this many requests per row")
    p.add_argument("--seconds", type=float, default=20.0, help="at most this long per row")
    p.add_argument("--repeats", type=int, default=3,
                   help="each row is split in this many runs and reports their median req/s (other jobs on a shared "
                        "machine slow some runs)")
    p.add_argument("--no-unbatched", action="store_true", help="skip the server run without micro-batching")
    args = p.parse_args(argv)
    if args.quick:
        args.requests, args.seconds, args.no_unbatched, args.repeats = 40, 5.0, True, 1
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    import bindcore

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model = bindcore.load_model("tiny", seed=0)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        texts, images = make_items(Path(tmp), 64)
        expected = {"text": model.embed({"text": texts}, progress=False)["text"].numpy(),
                    "image": model.embed({"image": [str(Path(tmp) / n) for n, _ in images]}, progress=False)["image"].numpy()}
        del model
        print(machine_description())
        configs = [("on (max batch 32, wait <= 5 ms)", [])]
        if not args.no_unbatched:
            configs.append(("off (max batch 1)", ["--max-batch", "1"]))
        print(markdown_table([], COLUMNS), file=sys.stderr, flush=True)
        for label, extra in configs:
            port = free_port()
            server = start_server(port, extra)
            url = f"http://127.0.0.1:{port}"
            try:
                for endpoint, items in (("text", texts), ("image", images)):
                    asyncio.run(run_level(url, endpoint, items, expected[endpoint], 4, 8, 10.0))  # warm-up
                    for clients in args.clients:
                        passes, embedded = batch_counters(url)
                        row = combine([asyncio.run(run_level(url, endpoint, items, expected[endpoint], clients,
                                                             args.requests // args.repeats, args.seconds / args.repeats))
                                       for _ in range(args.repeats)])
                        passes_after, embedded_after = batch_counters(url)
                        mean = (embedded_after - embedded) / max(1, passes_after - passes)
                        rows.append({"batching": label, **row, "mean batch": mean})
                        print(markdown_table(rows[-1:], COLUMNS).splitlines()[-1], file=sys.stderr, flush=True)
            finally:
                server.terminate()
                server.wait(timeout=30)
    print(f"\n## /embed under load (tiny preset, one item per request, at most {args.requests} requests or "
          f"{args.seconds:g} s per row; req/s is the median of {args.repeats} runs)\n")
    print(markdown_table(rows, COLUMNS))
    print()
    for label, _ in configs:
        for endpoint in ("/embed text", "/embed image"):
            level = {r["clients"]: r["req/s"] for r in rows if r["batching"] == label and r["endpoint"] == endpoint}
            lo, hi = min(args.clients), max(args.clients)
            if lo in level and hi in level:
                print(f"- batching {label}, {endpoint}: {hi} clients / {lo} client = {level[hi] / level[lo]:.2f}x req/s")
    lost = sum(r["lost"] for r in rows)
    wrong = sum(r["wrong"] for r in rows)
    print(f"- answers checked against direct model.embed (max abs diff <= {TOLERANCE:g}): {lost} lost, {wrong} wrong "
          f"of {sum(r['requests'] for r in rows)} requests")


if __name__ == "__main__":
    main()
