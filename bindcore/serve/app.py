"""The FastAPI application of `bindcore serve`: /embed, /search, /health, /modalities, previews and the page.

Safety: a string sent for a modality that reads files is never taken as a path on this machine; uploads
are checked against the modality's accepted file types, written to a private temporary file and deleted
after use. Previews are made only of items the index stores (paths the operator indexed).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from bindcore.errors import BindcoreError, InputError
from bindcore.index.query import check_suffix, takes_files, takes_values
from bindcore.serve.auth import BearerToken
from bindcore.serve.batcher import MicroBatcher
from bindcore.serve.limits import BodyLimit, BodyTooLarge
from bindcore.serve.settings import ServeSettings

STATIC = Path(__file__).parent / "static"
INLINE_CHARS = 2000  # values up to this many characters in all are preprocessed on the event loop
PUBLIC = ("/health", "/", "/favicon.ico")  # the page's shell and assets hold no data; /static/ is public too


class ApiError(Exception):
    """A request the server refuses: HTTP status, one clear message, the item it concerns."""

    def __init__(self, status: int, message: str, item: str | None = None):
        super().__init__(message)
        self.status, self.message, self.item = status, message, item


def create_app(model, index=None, settings: ServeSettings | None = None) -> FastAPI:
    """The application serving ``model`` (a BindModel) and optionally ``index`` (a bindcore.Index).

    Example:
        >>> app = create_app(bindcore.load_model("tiny", seed=0))  # doctest: +SKIP
        >>> # uvicorn.run(app, host="127.0.0.1", port=8000)
    """
    settings = settings or ServeSettings()
    batcher = MicroBatcher(model, settings.max_batch, settings.max_wait_ms / 1000)
    # Decoding runs in a few threads of its own: dozens of CPU-bound threads fighting over the GIL would starve
    # the event loop (the default thread pool has 40).
    workers = ThreadPoolExecutor(settings.preprocess_threads or min(4, os.cpu_count() or 1), thread_name_prefix="bindcore-decode")
    if index is not None:
        index.use_model(model)
        for name in index.modalities:
            if name in model.names:
                index.ann(name)  # build or update FAISS now, not on the first query

    async def lifespan(_app):
        yield
        batcher.close()
        workers.shutdown(wait=False)

    app = FastAPI(title="bindcore", version=_version(), lifespan=lifespan,
                  description="Embed items of any modality into one space and search an index with them.")
    app.state.model, app.state.index, app.state.settings, app.state.batcher = model, index, settings, batcher
    app.state.workers = workers
    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_bytes)
    if settings.token:
        app.add_middleware(BearerToken, token=settings.token, public=PUBLIC, public_prefix=("/static/",))

    _add_error_handlers(app, settings)
    _add_routes(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _version() -> str:
    from bindcore import __version__

    return __version__


def _error(status: int, message: str, item: str | None = None, headers: dict | None = None) -> JSONResponse:
    body = {"error": message, **({"item": item} if item else {})}
    return JSONResponse(body, status_code=status, headers=headers)


def _add_error_handlers(app: FastAPI, settings: ServeSettings) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request, exc: ApiError):
        return _error(exc.status, exc.message, exc.item)

    @app.exception_handler(BodyTooLarge)
    async def too_large(_request, _exc):
        return _error(413, f"the request is larger than the limit of {settings.max_upload_bytes} bytes (max_upload_bytes)")

    @app.exception_handler(HTTPException)
    async def http_error(_request, exc: HTTPException):
        return _error(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(_request, exc: RequestValidationError):
        parts = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()]
        return _error(422, "; ".join(parts) or "invalid request")

    @app.exception_handler(Exception)
    async def unexpected(_request, exc: Exception):  # never a traceback to the client
        return _error(500, f"internal error ({type(exc).__name__}); see the server log")


def _add_routes(app: FastAPI) -> None:
    state = app.state

    @app.get("/health", summary="liveness (never needs the token)")
    async def health() -> dict:
        return {"status": "ok", "modalities": state.model.names,
                "indexed": len(state.index) if state.index is not None else 0,
                "forward_passes": state.batcher.forward_passes, "items_embedded": state.batcher.items}

    @app.get("/modalities", summary="what the model embeds, which file types each takes, what the index holds")
    async def modalities() -> dict:
        index = state.index
        out = []
        for name in state.model.names:
            spec = state.model.modality(name).spec
            out.append({"name": name, "type": spec.name, "summary": spec.summary, "takes_files": takes_files(spec),
                        "takes_values": takes_values(spec),
                        "accepts": list(spec.accepts), "preview": spec.preview is not None,
                        "indexed": len(index.records(name)) if index is not None and name in index.modalities else 0})
        return {"embed_dim": state.model.embed_dim, "index": index is not None, "modalities": out}

    @app.post("/embed", summary="embed items: JSON {modality: [values]} or multipart fields named by modality")
    async def embed(request: Request) -> JSONResponse:
        async def work():
            with state.batcher.expecting() as ticket:
                items = await _read_items(request, state)
                embeddings, ids = {}, {}
                for name, entries in items.items():
                    embeddings[name] = (await _embed_entries(state, name, entries, ticket)).tolist()
                    ids[name] = [label for label, _ in entries]
            return JSONResponse({"embed_dim": state.model.embed_dim, "embeddings": embeddings, "ids": ids})

        return await _within_timeout(work(), state.settings)

    @app.post("/search", summary="the k indexed items closest to one query item (JSON or one multipart field)")
    async def search(request: Request, k: int = 10, modality: list[str] | None = Query(None)) -> JSONResponse:
        index = state.index
        if index is None:
            raise ApiError(404, "this server has no index: start it with `bindcore serve --index INDEX_DIR`")
        if not 1 <= k <= 1000:
            raise ApiError(422, f"k must lie in 1..1000, not {k}")

        async def work():
            with state.batcher.expecting() as ticket:
                items = await _read_items(request, state)
                if len(items) != 1 or len(next(iter(items.values()))) != 1:
                    raise ApiError(422, "give exactly one query item, e.g. {\"text\": \"a dog barking\"} or one uploaded file")
                (name, entries), = items.items()
                vector = (await _embed_entries(state, name, entries, ticket))[0]  # (E,)
            try:
                hits = await run_in_threadpool(index.search, vector, k, modality=modality)
            except BindcoreError as exc:
                raise ApiError(422, str(exc)) from None
            return JSONResponse({"query_modality": name, "results": [_public_hit(hit, state) for hit in hits]})

        return await _within_timeout(work(), state.settings)

    @app.get("/items/{modality}/{item_id:path}/preview", summary="a thumbnail, plot or sound of an indexed item")
    async def preview(modality: str, item_id: str):
        index = state.index
        record = index.record(modality, item_id) if index is not None else None
        if record is None:
            raise ApiError(404, f"no indexed '{modality}' item with id '{item_id}'")
        spec = state.model.modality(modality).spec if modality in state.model.names else None
        if spec is None or spec.preview is None:
            raise ApiError(404, f"'{modality}' items have no preview")
        try:
            mime, data = await asyncio.get_running_loop().run_in_executor(state.workers, spec.preview, record["item"])
        except (InputError, OSError) as exc:
            raise ApiError(404, f"the indexed item can no longer be read ({exc})", item_id) from None
        return Response(data, media_type=mime, headers={"Cache-Control": "private, max-age=3600"})

    @app.get("/", include_in_schema=False)
    async def page():
        return FileResponse(STATIC / "index.html")


async def _within_timeout(work, settings: ServeSettings):
    try:
        return await asyncio.wait_for(work, settings.request_timeout_s)
    except asyncio.TimeoutError:
        raise ApiError(504, f"the request took longer than {settings.request_timeout_s:g} s (request_timeout)") from None


async def _read_items(request: Request, state) -> dict[str, list[tuple[str, Any]]]:
    """{modality: [(label, raw)]} from a JSON object or a multipart form; raw is a value or uploaded bytes."""
    settings, model = state.settings, state.model
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    items: dict[str, list[tuple[str, Any]]] = {}
    if kind == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "the body is not valid JSON") from None
        if not isinstance(body, dict) or not body:
            raise ApiError(422, "send a JSON object {modality: [values]}, e.g. {\"text\": [\"a dog\"]}")
        for name, values in body.items():
            spec = _spec(model, name)
            if not takes_values(spec):
                _refuse_value(spec, name)
            values = values if isinstance(values, list) else [values]
            items[name] = [(str(i), v) for i, v in enumerate(values)]
    elif kind == "multipart/form-data":
        form = await request.form(max_files=settings.max_items, max_fields=settings.max_items)
        for name, value in form.multi_items():
            spec = _spec(model, name)
            if isinstance(value, UploadFile):
                label = os.path.basename(value.filename or "upload")
                if not takes_files(spec):
                    if takes_values(spec):
                        raise ApiError(422, f"'{name}' takes values, not files: send it as a plain form field", label)
                    _refuse_value(spec, name)
                try:
                    suffix = check_suffix(spec, label, label)
                except InputError as exc:
                    raise ApiError(415, exc.message, label) from None
                items.setdefault(name, []).append((label, (suffix, await value.read())))
            else:
                if not takes_values(spec):
                    _refuse_value(spec, name)
                items.setdefault(name, []).append((str(len(items.get(name, []))), value))
    else:
        raise ApiError(415, f"unsupported content type '{kind or 'none'}': send application/json or multipart/form-data")
    total = sum(len(v) for v in items.values())
    if total == 0:
        raise ApiError(422, "no items: send at least one")
    if total > settings.max_items:
        raise ApiError(422, f"{total} items in one request; the limit is {settings.max_items} (max_items)")
    return items


def _refuse_value(spec, name: str):
    """Raises the 422 for a value sent to a modality that reads files, or that declares neither kind of item."""
    if takes_files(spec):
        raise ApiError(422, f"'{name}' reads files: upload them as multipart form fields named '{name}' "
                            f"(curl -F {name}=@file{spec.accepts[0]}); a value sent is never read as a path")
    raise ApiError(422, f"'{name}' is not served over HTTP: its plugin declares neither the file types it reads "
                        "(ModalitySpec.accepts) nor that it takes values (ModalitySpec.literal)")


def _spec(model, name: str):
    if name not in model.names:
        raise ApiError(422, f"this model holds no modality '{name}' (it holds: {', '.join(model.names)})")
    return model.modality(name).spec


async def _embed_entries(state, name: str, entries: list[tuple[str, Any]], ticket=None):
    """Preprocesses items in the thread pool, then embeds them through the micro-batcher: (n, E)."""
    modality = state.model.modality(name)
    if takes_values(modality.spec) and sum(len(str(raw)) for _, raw in entries) <= INLINE_CHARS:
        tensors = _preprocess_all(modality, entries)  # a short value costs less than a hop to a thread
    else:
        tensors = await asyncio.get_running_loop().run_in_executor(state.workers, _preprocess_all, modality, entries)
    return await state.batcher.embed(name, tensors, ticket)


def _preprocess_all(modality, entries: list[tuple[str, Any]]) -> list:
    out = []
    for label, raw in entries:
        try:
            if isinstance(raw, tuple):  # (suffix, uploaded bytes): a private temporary file, deleted after use
                suffix, data = raw
                with tempfile.TemporaryDirectory(prefix="bindcore-upload-") as tmp:
                    path = Path(tmp) / f"upload{suffix}"
                    path.write_bytes(data)
                    out.append(modality.preprocess_one(str(path), label))
            else:
                out.append(modality.preprocess_one(raw, label))
        except InputError as exc:
            raise ApiError(422, exc.message, label) from None
    return out


def _public_hit(hit, state) -> dict[str, Any]:
    """A search result for clients: paths on this machine are reduced to their file name."""
    record = hit.record
    spec = state.model.modality(hit.modality).spec if hit.modality in state.model.names else None
    files = spec is not None and takes_files(spec)
    out = {"modality": hit.modality, "id": hit.id, "score": hit.score,
           **{k: v for k, v in record.items() if k not in ("id", "item")}}
    if files:
        out["name"] = os.path.basename(str(record.get("item", "")))
    elif spec is not None and takes_values(spec):
        out["value"] = record.get("item")
    out["preview"] = (f"/items/{hit.modality}/{quote(hit.id)}/preview" if spec is not None and spec.preview is not None else None)
    return out
