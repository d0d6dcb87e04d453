"""`bindcore index build | add | search | info`: embed a collection once, then search it with any modality."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bindcore.errors import InputError
from bindcore.specs import CommandSpec

EXIT_SOME_FAILED = 3


def _embedding_options(p) -> None:
    p.add_argument("--manifest", action="append", required=True, help="JSONL/CSV file, one example per line keyed by modality")
    p.add_argument("--modalities", default=None, help="comma-separated columns to index (default: every column the model holds)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--num-workers", type=int, default=0, help="DataLoader workers for preprocessing")
    p.add_argument("--precision", choices=["fp32", "bf16", "auto"], default="fp32")
    p.add_argument("--on-error", choices=["raise", "skip"], default="raise",
                   help="raise: stop at the first bad item (exit 1; what was committed is kept); skip: report and go on (exit 3)")
    p.add_argument("--chunk-size", type=int, default=1024, help="items per committed chunk (at most this is redone after a kill)")
    p.add_argument("--device", default="cpu")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help="force the progress bar on or off")


def add_arguments(p) -> None:
    sub = p.add_subparsers(dest="index_command", metavar="ACTION", required=True)
    build = sub.add_parser("build", help="embed a manifest into a new index (rerun after a kill to resume)")
    build.add_argument("--model", required=True, help="a model directory, a run directory or a preset name (random weights)")
    build.add_argument("-o", "--output", required=True, help="the index directory")
    build.add_argument("--index-type", choices=["auto", "flat", "hnsw", "ivf"], default="auto",
                       help="auto: exact below 10k items per modality, HNSW below 1M, IVF beyond")
    build.add_argument("--seed", type=int, default=None, help="initialisation seed when --model is a preset (default 0)")
    _embedding_options(build)
    add = sub.add_parser("add", help="append a manifest's items to an index (ids already stored are skipped)")
    add.add_argument("index", help="the index directory")
    add.add_argument("--model", default=None, help="default: the model the index was built with")
    _embedding_options(add)
    search = sub.add_parser("search", help='rank stored items by similarity to a query: "text:a dog" or audio:q.wav')
    search.add_argument("index", help="the index directory")
    search.add_argument("query", help='MODALITY:VALUE, e.g. "text:a dog barking" or audio:query.wav')
    search.add_argument("-k", type=int, default=10, help="how many results")
    search.add_argument("--modality", action="append", default=None, help="search only these stored modalities")
    search.add_argument("--model", default=None, help="default: the model the index was built with")
    search.add_argument("--exact", action="store_true", help="brute force instead of the FAISS structure")
    search.add_argument("--json", action="store_true", help="one JSON object per result")
    info = sub.add_parser("info", help="what an index holds")
    info.add_argument("index", help="the index directory")


def _add_run(index, args) -> int:
    modalities = [m.strip() for m in args.modalities.split(",")] if args.modalities else None
    failures, added, skipped = 0, {}, {}
    for manifest in args.manifest:
        report = index.add_manifest(manifest, modalities=modalities, batch_size=args.batch_size,
                                    num_workers=args.num_workers, precision=args.precision, on_error=args.on_error,
                                    chunk_size=args.chunk_size, progress=args.progress)
        for failure in report.failures:
            print(f"failed: {failure}", file=sys.stderr)
        failures += len(report.failures)
        for name, n in report.added.items():
            added[name] = added.get(name, 0) + n
        for name, n in report.skipped.items():
            skipped[name] = skipped.get(name, 0) + n
        if report.ignored_columns:
            print(f"ignored columns that are not modalities of the model: {', '.join(report.ignored_columns)}", file=sys.stderr)
    for name in sorted(set(added) | set(skipped)):
        extra = f", {skipped[name]} already stored" if skipped.get(name) else ""
        print(f"{name}: added {added.get(name, 0)}{extra}", file=sys.stderr)
    print(f"index {index.directory}: {len(index)} items ({', '.join(f'{m} {len(index.records(m))}' for m in index.modalities)})",
          file=sys.stderr)
    return EXIT_SOME_FAILED if failures else 0


def _load(source, seed, device):
    from bindcore.checkpoint import load_model

    return load_model(source, modalities=None, seed=seed, device=device)


def run(args) -> int:
    from bindcore.index import Index
    from bindcore.index.store import read_manifest

    missing = [m for m in getattr(args, "manifest", None) or [] if not Path(m).is_file()]
    if missing:
        print(f"error: manifest not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        if args.index_command == "build":
            from bindcore.checkpoint import is_model_dir

            preset = not (is_model_dir(args.model) or is_model_dir(Path(args.model) / "checkpoint"))
            seed = args.seed if args.seed is not None else (0 if preset else None)
            model = _load(args.model, seed, args.device)
            index = Index.create(args.output, model, source=args.model, seed=seed, index_type=args.index_type)
            if len(index):
                print(f"resuming: {len(index)} items already stored in {args.output}", file=sys.stderr)
            return _add_run(index, args)
        if args.index_command == "add":
            meta = read_manifest(Path(args.index))
            model = _load(args.model or meta["model"]["source"], meta["model"].get("seed"), args.device)
            return _add_run(Index.open(args.index, model=model), args)
        if args.index_command == "search":
            index = Index.open(args.index)
            if args.model:
                from bindcore.index.query import parse_query

                index.use_model(_load_one(args.model, parse_query(args.query)[0], index))
            hits = index.search(args.query, k=args.k, modality=args.modality, exact=args.exact)
            for rank, hit in enumerate(hits, 1):
                if args.json:
                    print(json.dumps({"rank": rank, **hit.to_dict()}, ensure_ascii=False))
                else:
                    print(f"{rank:>3}  {hit.score:+.4f}  {hit.modality:<10} {hit.id}  {_shown(hit.record.get('item'))}")
            return 0
        index = Index.open(args.index)
        model = index.meta["model"]
        print(f"index {index.directory}: {len(index)} items, {index.embed_dim}-d, type {index.meta.get('index_type')}")
        print(f"model: {model['source']}" + (f" (seed {model['seed']})" if model.get("seed") is not None else ""))
        for name in index.modalities:
            from bindcore.index import ann

            n = len(index.records(name))
            print(f"  {name}: {n} items, {ann.choose_kind(n, index.meta.get('index_type', 'auto'))}")
        return 0
    except InputError as exc:
        print(f"failed: {exc}", file=sys.stderr)
        return 1


def _load_one(source, name, index):
    from bindcore.index.index import load_for

    return load_for(source, [name], index.meta["model"].get("seed"))


def _shown(item) -> str:
    text = str(item) if item is not None else ""
    return text if len(text) <= 80 else text[:77] + "..."


COMMAND = CommandSpec("index", "build, extend and search an index of embeddings (cross-modal search)", add_arguments, run)
