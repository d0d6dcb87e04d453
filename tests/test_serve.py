"""`bindcore serve`'s app: answers equal direct model.embed (also under concurrent load, batched), token, limits,
clear 4xx messages, no client-named server path is ever read, previews of indexed items."""

from __future__ import annotations

import asyncio

import httpx
import numpy as np
import pytest

from tests.search_data import collection, model  # noqa: F401 (fixtures)

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def index(model, collection, tmp_path_factory):
    from bindcore import Index

    index = Index.create(tmp_path_factory.mktemp("idx") / "index", model, source="tiny", seed=0)
    index.add_manifest(collection)
    return index


def make_client(model, index=None, **limits):
    from fastapi.testclient import TestClient

    from bindcore.serve import ServeSettings, create_app

    return TestClient(create_app(model, index, ServeSettings(**{"token": TOKEN, **limits})), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(model, index):
    with make_client(model, index) as c:
        yield c


def direct(model, name, items):
    return model.embed({name: items}, progress=False)[name].numpy()


def test_health_is_open_and_everything_else_needs_the_token(client):
    assert client.get("/health").json()["status"] == "ok"
    for method, path in [("get", "/modalities"), ("post", "/embed"), ("post", "/search"), ("get", "/docs"),
                         ("get", "/openapi.json"), ("get", "/items/image/img0/preview")]:
        response = getattr(client, method)(path)
        assert response.status_code == 401 and "Bearer" in response.json()["error"], path
    assert client.get("/modalities", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/docs", headers=AUTH).status_code == 200
    assert "/embed" in client.get("/openapi.json", headers=AUTH).json()["paths"]
    assert client.get("/").status_code == 200 and client.get("/static/app.js").status_code == 200


def test_modalities_say_which_take_files(client):
    info = {m["name"]: m for m in client.get("/modalities", headers=AUTH).json()["modalities"]}
    assert info["text"]["takes_files"] is False and info["text"]["preview"] is False
    assert ".wav" in info["audio"]["accepts"] and info["audio"]["indexed"] == 4
    assert info["image"]["preview"] and ".png" in info["image"]["accepts"]


def test_embed_answers_equal_direct_embedding(client, model, collection):
    texts = ["a dog barking", "a red square"]
    answer = client.post("/embed", json={"text": texts}, headers=AUTH).json()
    np.testing.assert_allclose(answer["embeddings"]["text"], direct(model, "text", texts), atol=1e-5)
    files = [("image", ("a.png", (collection.parent / "img1.png").read_bytes())),
             ("image", ("b.png", (collection.parent / "img3.png").read_bytes())),
             ("audio", ("t.wav", (collection.parent / "tone1.wav").read_bytes())), ("text", (None, "a cat"))]
    answer = client.post("/embed", files=files, headers=AUTH).json()
    assert answer["ids"]["image"] == ["a.png", "b.png"]
    np.testing.assert_allclose(answer["embeddings"]["image"],
                               direct(model, "image", [str(collection.parent / f"img{i}.png") for i in (1, 3)]), atol=1e-5)
    np.testing.assert_allclose(answer["embeddings"]["audio"], direct(model, "audio", [str(collection.parent / "tone1.wav")]), atol=1e-5)
    np.testing.assert_allclose(answer["embeddings"]["text"], direct(model, "text", ["a cat"]), atol=1e-5)


def test_concurrent_requests_are_batched_and_each_gets_its_own_answer(model):
    from bindcore.serve import ServeSettings, create_app

    app = create_app(model, None, ServeSettings(max_wait_ms=20))
    texts = [f"caption number {i} of a small dog" for i in range(24)]

    async def load():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
            return await asyncio.gather(*[c.post("/embed", json={"text": [t]}) for t in texts])

    answers = asyncio.run(load())
    assert all(r.status_code == 200 for r in answers)
    got = np.array([r.json()["embeddings"]["text"][0] for r in answers])
    np.testing.assert_allclose(got, direct(model, "text", texts), atol=1e-5)
    sizes = list(app.state.batcher.batch_sizes)
    assert sum(sizes) == 24 and max(sizes) > 1  # several requests shared one forward pass
    app.state.batcher.close()


def test_mistakes_get_a_4xx_with_one_clear_message(client, collection):
    cases = [
        (dict(json={"image": [str(collection.parent / "img0.png")]}), 422, "never read as a path"),
        (dict(files={"image": (None, str(collection.parent / "img0.png"))}), 422, "never read as a path"),
        (dict(files={"image": ("notes.txt", b"hello")}), 415, "'.txt' is not a file type 'image' reads"),
        (dict(files={"image": ("broken.png", b"\x89PNG not really")}), 422, "not a readable image"),
        (dict(files={"audio": ("empty.wav", b"")}), 422, "cannot decode the audio"),
        (dict(files={"text": ("a.txt", b"words")}), 422, "takes values, not files"),
        (dict(json={"smell": ["roses"]}), 422, "holds no modality 'smell'"),
        (dict(json={"text": [""]}), 422, "empty"),
        (dict(json=["a", "b"]), 422, "JSON object"),
        (dict(content=b"{oops", headers={"content-type": "application/json"}), 400, "not valid JSON"),
        (dict(content=b"hello", headers={"content-type": "text/plain"}), 415, "unsupported content type"),
    ]
    for kwargs, status, message in cases:
        headers = {**AUTH, **kwargs.pop("headers", {})}
        response = client.post("/embed", headers=headers, **kwargs)
        assert response.status_code == status, (kwargs, response.text)
        assert message in response.json()["error"], response.json()
    broken = client.post("/embed", files={"image": ("broken.png", b"xx")}, headers=AUTH).json()
    assert broken["item"] == "broken.png"


def test_a_client_named_path_is_never_opened(client, collection, monkeypatch):
    from bindcore.model import Modality

    opened = []
    original = Modality.preprocess_one
    monkeypatch.setattr(Modality, "preprocess_one", lambda self, raw, item=None: (opened.append(raw), original(self, raw, item))[1])
    secret = str(collection.parent / "img0.png")
    for body in ({"image": [secret]}, {"audio": secret}, {"depth": ["../" + secret]}):
        assert client.post("/embed", json=body, headers=AUTH).status_code == 422
    assert client.post("/search", json={"image": secret}, headers=AUTH).status_code == 422
    assert opened == []
    client.post("/embed", files={"image": ("x.png", open(secret, "rb").read())}, headers=AUTH)
    assert len(opened) == 1 and opened[0] != secret and opened[0].endswith("upload.png")  # a private temporary copy


def test_limits_on_size_items_and_time(model):
    with make_client(model, max_upload_bytes=4000, max_items=3) as c:
        big = c.post("/embed", files={"image": ("big.png", b"\0" * 10_000)}, headers=AUTH)
        assert big.status_code == 413 and "4000 bytes" in big.json()["error"]
        streamed = c.post("/embed", content=iter([b"{\"text\": [\"" + b"a" * 3000, b"a" * 3000 + b"\"]}"]),
                          headers={**AUTH, "content-type": "application/json"})
        assert streamed.status_code == 413  # no Content-Length: counted while it streams
        many = c.post("/embed", json={"text": ["a", "b", "c", "d"]}, headers=AUTH)
        assert many.status_code == 422 and "the limit is 3" in many.json()["error"]
        assert c.post("/embed", json={"text": ["a", "b", "c"]}, headers=AUTH).status_code == 200
    with make_client(model, request_timeout_s=1e-4) as c:
        slow = c.post("/embed", json={"text": ["a dog"] * 3}, headers=AUTH)
        assert slow.status_code == 504 and "request_timeout" in slow.json()["error"]


def test_search_by_text_and_by_upload(client, model, index, collection):
    answer = client.post("/search?k=3&modality=image", json={"text": "a red square"}, headers=AUTH).json()
    expected = index.search("text:a red square", k=3, modality="image")
    assert [r["id"] for r in answer["results"]] == [h.id for h in expected]
    assert all(r["modality"] == "image" and r["preview"].endswith("/preview") for r in answer["results"])
    assert "/" not in answer["results"][0]["name"]  # a file name, never a path on the server
    upload = client.post("/search?k=2", files={"audio": ("q.wav", (collection.parent / "tone3.wav").read_bytes())},
                         headers=AUTH).json()
    assert upload["query_modality"] == "audio" and upload["results"][0]["id"] == "tone3"
    texts = client.post("/search?k=2&modality=text", json={"text": "a blue square"}, headers=AUTH).json()["results"]
    assert texts[0]["value"] == "a blue square"
    for kwargs, status, message in [
        (dict(json={"text": ["a", "b"]}), 422, "exactly one query item"),
        (dict(json={"text": "a"}, params={"modality": "thermal"}), 422, "holds no 'thermal' items"),
        (dict(json={"text": "a"}, params={"k": 0}), 422, "k must lie in"),
    ]:
        response = client.post("/search", headers=AUTH, **kwargs)
        assert response.status_code == status and message in response.json()["error"], response.text


def test_search_without_an_index_says_how_to_get_one(model):
    with make_client(model) as c:
        response = c.post("/search", json={"text": "a"}, headers=AUTH)
    assert response.status_code == 404 and "--index" in response.json()["error"]


def test_previews_of_indexed_items(client):
    for path, mime, magic in [("/items/image/img0/preview", "image/png", b"\x89PNG"),
                              ("/items/audio/tone0/preview", "audio/wav", b"RIFF"),
                              ("/items/depth/depth0/preview", "image/png", b"\x89PNG"),
                              ("/items/imu/imu0/preview", "image/png", b"\x89PNG")]:
        response = client.get(path, headers=AUTH)
        assert response.status_code == 200 and response.headers["content-type"] == mime and response.content.startswith(magic)
    assert client.get("/items/text/cap0/preview", headers=AUTH).status_code == 404
    missing = client.get("/items/image/..%2F..%2Fetc%2Fpasswd/preview", headers=AUTH)
    assert missing.status_code == 404 and "no indexed 'image' item" in missing.json()["error"]


def test_a_modality_that_declares_no_item_kind_is_not_served(toy_model):
    """A plugin that says neither which files it reads nor that it takes values: a client string could be a path."""
    with make_client(toy_model) as c:
        for kwargs in (dict(json={"toy": ["/etc/passwd"]}), dict(files={"toy": (None, "/etc/passwd")}),
                       dict(files={"toy": ("x.npy", b"\x93NUMPY")})):
            response = c.post("/embed", headers=AUTH, **kwargs)
            assert response.status_code == 422 and "not served over HTTP" in response.json()["error"]
        toy = c.get("/modalities", headers=AUTH).json()["modalities"][0]
        assert toy["takes_files"] is False and toy["takes_values"] is False


@pytest.mark.parametrize("field", [{"accepts": ("wav",)}, {"accepts": (".WAV",)}, {"preview": "not callable"}])
def test_the_host_rejects_bad_accepts_and_preview(field):
    import dataclasses
    import types

    from bindcore import PluginError, hookimpl
    from bindcore.plugin_host import PluginHost
    from tests.fakes import toy

    spec = dataclasses.replace(toy.SPEC, name="bad", **field)
    plugin = types.SimpleNamespace(register_modalities=hookimpl(lambda register: register(spec)))
    with pytest.raises(PluginError, match="accepts must hold|preview must be callable"):
        PluginHost.load(autoload=False, extra=[("bad", plugin)], strict=True)
