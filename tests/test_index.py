"""bindcore.Index and `bindcore index`: build, search, add, resume after an interruption or a kill, FAISS kinds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from bindcore.errors import BindcoreError, InputError
from tests.search_data import COLOURS, collection, model, write_image  # noqa: F401 (fixtures)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(model, collection, tmp_path_factory):
    from bindcore import Index

    index = Index.create(tmp_path_factory.mktemp("idx") / "index", model, source="tiny", seed=0)
    report = index.add_manifest(collection, batch_size=4, chunk_size=4)
    assert report.added == {"image": 6, "audio": 4, "text": 4, "depth": 1, "imu": 1} and not report.failures
    return index


def test_import_bindcore_loads_neither_faiss_nor_fastapi():
    code = "import sys, bindcore; bad = [m for m in ('faiss', 'fastapi', 'torch') if m in sys.modules]; assert not bad, bad"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_search_ranks_like_brute_force_and_filters_by_modality(built, model):
    query = model.embed({"text": ["a red square"]})["text"][0].numpy()  # (E,)
    hits = built.search("text:a red square", k=5)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    every = [(m, r["id"], float(s)) for m in built.modalities
             for r, s in zip(built.records(m), built.embeddings(m) @ query)]
    best = sorted(every, key=lambda t: -t[2])[:5]
    assert [(h.modality, h.id) for h in hits] == [(m, i) for m, i, _ in best]
    np.testing.assert_allclose([h.score for h in hits], [s for _, _, s in best], atol=1e-5)
    images = built.search("text:a red square", k=3, modality="image")
    assert len(images) == 3 and {h.modality for h in images} == {"image"}
    assert images[0].record["item"].endswith(".png") and os.path.isabs(images[0].record["item"])
    assert images[0].record["label"] in COLOURS


def test_a_stored_file_finds_itself_first(built, collection):
    hits = built.search(f"audio:{collection.parent / 'tone2.wav'}", k=2, modality="audio")
    assert hits[0].id == "tone2" and hits[0].score == pytest.approx(1.0, abs=1e-4)
    exact = built.search(f"audio:{collection.parent / 'tone2.wav'}", k=2, modality="audio", exact=True)
    assert [h.id for h in exact] == [h.id for h in hits]


def test_query_mistakes_get_one_clear_message(built, collection):
    with pytest.raises(InputError, match="write MODALITY:VALUE"):
        built.search("a dog")
    with pytest.raises(InputError, match="'.jsonl' is not a file type 'audio' reads"):
        built.search(f"audio:{collection}")
    with pytest.raises(InputError, match="file not found"):
        built.search("audio:no_such.wav")
    with pytest.raises(BindcoreError, match="holds no 'thermal' items"):
        built.search("text:a dog", modality="thermal")
    with pytest.raises(BindcoreError, match="holds no modality 'smell'"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the preset is loaded again to look for 'smell'
        built.search("smell:roses")


def test_reopened_index_searches_with_the_recorded_model(built):
    from bindcore import Index

    again = Index.open(built.directory)  # loads 'tiny' seed 0 itself
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        hits = again.search("text:a red square", k=3)
    assert [(h.id, round(h.score, 5)) for h in hits] == [(h.id, round(h.score, 5)) for h in built.search("text:a red square", k=3)]


def test_another_model_is_refused(built):
    import bindcore
    from bindcore import Index
    from bindcore.index.store import IndexStoreError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        other = bindcore.load_model("tiny", seed=1, modalities=["text"])
    with pytest.raises(IndexStoreError, match="other 'text' weights"):
        Index.open(built.directory, model=other)


def test_add_appends_and_skips_ids_already_stored(model, collection, tmp_path):
    from bindcore import Index

    index = Index.create(tmp_path / "index", model, source="tiny", seed=0)
    index.add_manifest(collection, modalities=["image"])
    write_image(tmp_path / "new.png", (200, 100, 0))
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"id": "new", "image": "new.png"}) + "\n" + json.dumps({"id": "img0", "image": "new.png"}) + "\n")
    report = index.add_manifest(more)
    assert report.added == {"image": 1} and report.skipped == {"image": 1}
    assert len(index.records("image")) == 7 and index.ann("image").ntotal == 7
    assert index.search({"image": str(tmp_path / "new.png")}, k=1)[0].id == "new"
    assert json.loads((tmp_path / "index" / "index.json").read_text())["modalities"]["image"]["count"] == 7


def test_an_interrupted_build_resumes_without_redoing_committed_items(model, tmp_path, monkeypatch):
    from bindcore import Index
    from bindcore.model import Modality

    for i in range(10):
        write_image(tmp_path / f"p{i}.png", (25 * i, 100, 200 - 20 * i))
    (tmp_path / "p7.png").write_bytes(b"not a picture")
    manifest = tmp_path / "m.jsonl"
    manifest.write_text("".join(json.dumps({"id": f"p{i}", "image": f"p{i}.png"}) + "\n" for i in range(10)))
    seen = []
    original = Modality.preprocess_one
    monkeypatch.setattr(Modality, "preprocess_one", lambda self, raw, item=None: (seen.append(item), original(self, raw, item))[1])
    index = Index.create(tmp_path / "index", model, source="tiny", seed=0)
    with pytest.raises(InputError, match="p7"):
        index.add_manifest(manifest, batch_size=2, chunk_size=2)
    assert len(index.records("image")) == 6  # three committed chunks survive the failure
    write_image(tmp_path / "p7.png", (0, 0, 0))
    seen.clear()
    report = Index.open(tmp_path / "index", model=model).add_manifest(manifest, batch_size=2, chunk_size=2)
    assert sorted(seen) == ["p6", "p7", "p8", "p9"]  # only what was not committed is embedded again
    assert report.added == {"image": 4} and report.skipped == {"image": 6}
    fresh = model.embed({"image": [str(tmp_path / f"p{i}.png") for i in range(10)]})["image"].numpy()
    np.testing.assert_allclose(Index.open(tmp_path / "index").embeddings("image"), fresh, atol=1e-5)


@pytest.mark.slow
def test_a_killed_build_command_resumes(tmp_path):
    """A real SIGKILL in the middle of `bindcore index build`; the rerun finishes without redoing committed chunks."""
    rows = []
    for i in range(80):
        write_image(tmp_path / f"k{i}.png", (3 * i, 255 - 3 * i, 90))
        rows.append(json.dumps({"id": f"k{i}", "image": f"k{i}.png"}))
    (tmp_path / "m.jsonl").write_text("\n".join(rows) + "\n")
    cmd = [sys.executable, "-m", "bindcore", "index", "build", "--model", "tiny", "--manifest", str(tmp_path / "m.jsonl"),
           "-o", str(tmp_path / "index"), "--batch-size", "2", "--chunk-size", "2", "--modalities", "image"]
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    chunks = tmp_path / "index" / "chunks" / "image"
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and len(list(chunks.glob("0*"))) < 3:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    committed = len(list(chunks.glob("0*"))) * 2
    assert 6 <= committed < 80, "the build was not caught in the middle"
    done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    stored = int(done.stderr.split("resuming: ")[1].split()[0])
    assert stored >= committed
    assert f"image: added {80 - stored}, {stored} already stored" in done.stderr
    from bindcore import Index

    index = Index.open(tmp_path / "index")
    assert [r["id"] for r in index.records("image")] == [f"k{i}" for i in range(80)]


def test_faiss_kinds_by_size_and_their_recall():
    from bindcore.index import ann

    assert ann.choose_kind(100) == "flat" and ann.choose_kind(50_000) == "hnsw" and ann.choose_kind(2_000_000) == "ivf"
    assert ann.choose_kind(100, "hnsw") == "hnsw"
    with pytest.raises(BindcoreError, match="unknown index type"):
        ann.choose_kind(1, "lsh")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3000, 32)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = x[:50] + 0.1 * rng.standard_normal((50, 32)).astype(np.float32)
    _, truth = ann.search(ann.build("flat", x), q, 10)
    for kind in ("hnsw", "ivf"):
        _, found = ann.search(ann.build(kind, x), q, 10)
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)])
        assert recall > 0.8, (kind, recall)


def test_forced_kind_is_kept_and_the_faiss_file_follows_the_chunks(model, collection, tmp_path):
    from bindcore import Index
    from bindcore.index import ann, store

    index = Index.create(tmp_path / "index", model, source="tiny", seed=0, index_type="hnsw")
    index.add_manifest(collection, modalities=["image", "text"])
    assert ann.kind_of(index.ann("image")) == "hnsw"
    reopened = Index.open(tmp_path / "index", model=model)
    assert ann.kind_of(reopened.ann("image")) == "hnsw" and reopened.ann("image").ntotal == 6
    store.faiss_path(tmp_path / "index", "image").write_bytes(b"garbage")  # a corrupt file is rebuilt
    assert Index.open(tmp_path / "index", model=model).ann("image").ntotal == 6


def test_cli_search_prints_ranked_results(built, capsys):
    from bindcore.cli.main import main

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        code = main(["index", "search", str(built.directory), "text:a red square", "-k", "3", "--modality", "image", "--json"])
    assert code == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["rank"] for r in lines] == [1, 2, 3] and {r["modality"] for r in lines} == {"image"}
    assert main(["index", "search", str(built.directory), "nocolon"]) == 1
    assert "write MODALITY:VALUE" in capsys.readouterr().err
    assert main(["index", "info", str(built.directory)]) == 0
    assert "image: 6 items, flat" in capsys.readouterr().out


def test_an_open_index_sees_items_added_by_another_writer(model, collection, tmp_path):
    """A server keeps an Index open while `bindcore index add` runs elsewhere: rows and records stay in step."""
    from bindcore import Index

    reader = Index.create(tmp_path / "index", model, source="tiny", seed=0)
    reader.add_manifest(collection, modalities=["image"])
    assert reader.search({"image": str(collection.parent / "img1.png")}, k=1)[0].id == "img1"  # caches FAISS + records
    write_image(tmp_path / "late.png", (5, 250, 250))
    (tmp_path / "late.jsonl").write_text(json.dumps({"id": "late", "image": "late.png"}) + "\n")
    Index.open(tmp_path / "index", model=model).add_manifest(tmp_path / "late.jsonl")
    hit = reader.search({"image": str(tmp_path / "late.png")}, k=1)[0]
    assert hit.id == "late" and hit.record["item"].endswith("late.png")
