"""The command line: the same library and the same cache as the dashboard.

    embdash models
    embdash embed INPUT --text-column COL --model ID --out OUT.parquet [--engine local|ray]
    embdash map   INPUT --text-column COL --model ID --out OUT.parquet [--topics N] [--assign-unclustered]
    embdash topics INPUT --text-column COL --model ID --out tree.json [--topics N]
    embdash search INPUT --text-column COL --model ID --query TEXT --k 10 [--format csv|json]
    embdash compare INPUT --text-column COL --models ID1,ID2[,...] [--label-column L] --out report.json
    embdash inspect INPUT [--text-column COL]
    embdash analogy king man woman --model glove-6b-50d --top 5
    embdash serve [streamlit run options]

`python -m embdash ...` is the same command. When every vector is cached, embed, map and compare load no
model (nor torch): the vectors, the map's stages and each model's measured speed come from the cache.

Bad input exits with status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from dataclasses import asdict, fields
from pathlib import Path

import numpy as np
import pandas as pd

from embdash.config import prepare_process
from embdash.errors import EmbdashError
from embdash.models.catalogue import CATALOGUE, DEFAULT_MODEL_ID
from embdash.models.distributed import add_engine_arguments
from embdash.pipeline.params import AUTO, MapParams

USAGE_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns its exit status (the `embdash` script exits with it)."""
    prepare_process()
    args = parse_arguments(build_parser(), sys.argv[1:] if argv is None else list(argv))
    try:
        return args.run(args)
    except EmbdashError as error:
        return fail(str(error))
    except OSError as error:  # unreadable input, unwritable output, full disk
        return fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "))
    except KeyboardInterrupt:
        return fail("Interrupted; what was embedded so far is kept in the cache.")


def parse_arguments(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Everything after 'serve' goes to Streamlit untouched: argparse would refuse options such as
    --server.port as unknown even where a catch-all argument follows them."""
    if argv[:1] == ["serve"] and argv[1:2] not in (["-h"], ["--help"]):
        return argparse.Namespace(command="serve", streamlit_options=argv[1:], run=run_serve)
    return parser.parse_args(argv)


def fail(message: str) -> int:
    print(f"embdash: {' '.join(message.split())}", file=sys.stderr)
    return USAGE_ERROR


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="embdash", description="Explore text embeddings from the command line.")
    commands = parser.add_subparsers(dest="command", required=True)

    models = commands.add_parser("models", help="list the models embdash offers")
    models.add_argument("--json", action="store_true", help="print the catalogue as JSON")
    models.set_defaults(run=run_models)

    embed = commands.add_parser("embed", help="embed a corpus: the input rows plus an 'embedding' column")
    add_corpus_arguments(embed)
    add_engine_arguments(embed)
    embed.set_defaults(run=run_embed)

    map_ = commands.add_parser(
        "map", help="map a corpus: the input rows plus x, y, cluster (-1: noise) and topic",
        description="Map a corpus: the input rows plus x, y (the 2-D map), cluster (-1: unclustered), topic (its "
        "name), assigned and topic_path. The clusters form a tree of topics: the two closest clusters (by the "
        "mean of their documents' embeddings) merge first, then the next closest, up to one root. --topics N "
        "shows the tree cut to N topics; topic_path is each document's place in it, root first (node ids: "
        "the clusters are 0..k-1, merge i makes node k+i; 'embdash topics' writes the whole tree).",
    )
    add_corpus_arguments(map_)
    add_view_arguments(map_)
    add_param_arguments(map_)
    map_.set_defaults(run=run_map)

    topics = commands.add_parser(
        "topics", help="the topic tree of a map: every node with its terms, and the topics shown (a JSON file)",
        description="Write the topic tree of the corpus's map as JSON: every node (id, parent, children, size, "
        "terms, label) and the topics shown at the chosen number of topics. Uses the same cache as 'map'.",
    )
    add_corpus_arguments(topics, out_help="output JSON file, e.g. tree.json")
    add_view_arguments(topics)
    add_param_arguments(topics)
    topics.set_defaults(run=run_topics)

    search = commands.add_parser("search", help="the documents nearest in meaning to a query: row index, score, text")
    add_search_arguments(search)
    search.set_defaults(run=run_search)

    compare = commands.add_parser(
        "compare", help="compare two to four models on the corpus: agreement, label scores, cost (a JSON report)"
    )
    add_compare_arguments(compare)
    add_param_arguments(compare)
    compare.set_defaults(run=run_compare)

    inspect = commands.add_parser("inspect", help="check that a file loads: documents, text column, format, warnings, quality")
    inspect.add_argument("input", type=Path, help="CSV, TSV, Excel, Parquet, JSON Lines or plain text file")
    inspect.add_argument("--text-column", help="the column with the texts (default: the likeliest one)")
    inspect.add_argument("--max-mb", type=float, default=200.0, help="refuse files larger than this, as the dashboard does (default 200)")
    inspect.set_defaults(run=run_inspect)

    analogy = commands.add_parser("analogy", help="the words nearest A - B + C (king - man + woman = queen)")
    analogy.add_argument("a", help="A: the word to start from, e.g. king")
    analogy.add_argument("b", help="B: the word to subtract, e.g. man")
    analogy.add_argument("c", help="C: the word to add, e.g. woman")
    analogy.add_argument("--model", default="glove-6b-50d", help="a catalogue model id (default glove-6b-50d)")
    analogy.add_argument("--top", type=int, default=5, help="how many words to print (default 5)")
    analogy.set_defaults(run=run_analogy)

    serve = commands.add_parser(
        "serve", help="start the dashboard (options go to 'streamlit run', e.g. --server.port 8600)",
        description="Start the dashboard on http://localhost:8501. Every option is passed to 'streamlit run'.",
    )
    serve.add_argument("streamlit_options", nargs=argparse.REMAINDER, help="options for 'streamlit run'")
    serve.set_defaults(run=run_serve)
    return parser


def add_corpus_arguments(parser: argparse.ArgumentParser, out_help: str = "output Parquet file") -> None:
    parser.add_argument("input", type=Path, help="CSV, TSV, Excel, Parquet, JSON Lines or plain text file")
    parser.add_argument("--text-column", help="the column with the texts (default: the likeliest one)")
    parser.add_argument("--model", default=DEFAULT_MODEL_ID, help=f"model id (default {DEFAULT_MODEL_ID}; see 'models')")
    parser.add_argument("--out", type=Path, required=True, help=out_help)
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def add_view_arguments(parser: argparse.ArgumentParser) -> None:
    """How the map's topics are shown: none of these options re-runs the projection or the clustering."""
    from embdash.pipeline.assign import DEFAULT_THRESHOLD

    parser.add_argument(
        "--topics", type=int, default=0, metavar="N",
        help="show N topics: the closest clusters are merged until N are left (default 0, auto: only clusters much closer than usual are merged, those under 0.4 x the median distance between cluster centres)",
    )
    parser.add_argument(
        "--assign-unclustered", action="store_true",
        help="give each unclustered document the cluster it is most similar to, when similar enough",
    )
    parser.add_argument(
        "--assign-threshold", type=float, default=DEFAULT_THRESHOLD, metavar="X",
        help=f"how similar (cosine, -1 to 1) an unclustered document must be to a cluster to join it "
        f"(default {DEFAULT_THRESHOLD})",
    )


def add_search_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="CSV, TSV, Excel, Parquet, JSON Lines or plain text file")
    parser.add_argument("--text-column", help="the column with the texts (default: the likeliest one)")
    parser.add_argument("--model", default=DEFAULT_MODEL_ID, help=f"model id (default {DEFAULT_MODEL_ID}; see 'models')")
    parser.add_argument("--query", required=True, help="what to look for, in your own words")
    parser.add_argument("--k", type=int, default=10, help="how many documents to return (default 10)")
    parser.add_argument("--format", choices=("csv", "json"), default="csv", help="output format on stdout (default csv)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def add_compare_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="CSV, TSV, Excel, Parquet, JSON Lines or plain text file")
    parser.add_argument("--text-column", help="the column with the texts (default: the likeliest one)")
    parser.add_argument("--models", required=True, help="two to four model ids, comma-separated (see 'models')")
    parser.add_argument("--label-column", help="a column of known categories to score each model against (optional)")
    parser.add_argument("--k", type=int, default=10, help="nearest neighbours compared per document, and kNN's k (default 10)")
    parser.add_argument("--out", type=Path, required=True, help="output file: report.json, or report.html for a page to read")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def add_param_arguments(parser: argparse.ArgumentParser) -> None:
    """One option per map parameter, with the same defaults and help text as the dashboard."""

    for group in fields(MapParams):
        for f in fields(group.default_factory):
            option = f"--{group.name}-{f.name}".replace("_", "-")
            common = dict(dest=f"{group.name}.{f.name}", default=f.default)
            if isinstance(f.default, bool):  # --topics-keep-numbers / --no-topics-keep-numbers
                parser.add_argument(
                    option, action=argparse.BooleanOptionalAction, help=f"{f.metadata['help']} (default: %(default)s)",
                    **common,
                )
                continue
            parser.add_argument(
                option,
                type=type(f.default),
                choices=f.metadata.get("options"),
                help=f"{f.metadata['help']} (default {'0, auto' if f.default == AUTO else repr(f.default)})".replace("%", "%%"),
                **common,
            )


def params_from(args) -> MapParams:
    groups = {}
    for group in fields(MapParams):
        cls = group.default_factory
        groups[group.name] = cls(**{f.name: getattr(args, f"{group.name}.{f.name}") for f in fields(cls)})
    return MapParams(**groups)


def run_models(args) -> int:
    if args.json:
        print(json.dumps([asdict(spec) for spec in CATALOGUE], indent=2, default=sorted))  # language codes: a list
        return 0
    table = pd.DataFrame(
        {
            "id": spec.id,
            "dim": spec.dim or "corpus",
            "MB": round(spec.size_mb),
            "texts/s": round(spec.docs_per_second),
            "languages": spec.languages,
            "licence": spec.licence,
        }
        for spec in CATALOGUE
    )
    print(table.to_string(index=False))
    return 0


def embedded_corpus(args):
    """Load the input and its vectors: from the cache without loading the model when all are there, else
    embedding what is missing (progress on stderr). Returns (corpus, CorpusVectors)."""
    from embdash.api import store_or_default
    from embdash.dataio.corpus import load_corpus
    from embdash.models.catalogue import get_spec
    from embdash.models.embed import corpus_vectors, stored_vectors, vectors_key

    get_spec(args.model)  # an unknown model fails before the input is read
    corpus = load_corpus(args.input, text_column=args.text_column)
    if getattr(args, "out", None) is not None:  # search prints instead of writing
        check_writable(args.out)
    say = reporter(args)
    say(f"{args.input.name}: {len(corpus):,} documents, text column {corpus.text_column!r}")
    store = store_or_default(None)
    progress = None if args.quiet else time_left_printer()

    def load():
        from embdash.models.catalogue import load_embedder

        say(f"loading {args.model}…")
        return load_embedder(args.model, fit_texts=corpus.texts)

    if getattr(args, "engine", "local") == "ray" and stored_vectors(corpus.texts, args.model, store) is None:
        from embdash.models.distributed import embed_with_ray
        from embdash.models.embed import CorpusVectors

        embedder = load()
        say(f"embedding on Ray ({args.ray_address or 'a local Ray with this machine’s cores'})…")
        result = embed_with_ray(corpus, args.model, store, address=args.ray_address, embedder=embedder, on_batch=progress)
        key = vectors_key(corpus.key, embedder.cache_key, store.vector_dtype)
        vectors = CorpusVectors(key, embedder.cache_key, result.vectors, result, embedder)
    else:
        vectors = corpus_vectors(corpus, args.model, store, load=load, on_batch=progress)
    report_embedding(vectors, say)
    return corpus, vectors


def report_embedding(vectors, say) -> None:
    result = vectors.result
    if result is None:
        say(f"all {len(vectors.vectors):,} vectors from the cache (model not loaded)")
        return
    for problem in result.problems:
        say(f"warning: {problem}")
    say(f"{result.n_computed:,} texts embedded, {result.n_cached:,} from the cache, in {result.seconds:.1f} s")


def reporter(args):
    """Where progress messages go: stderr, or nowhere with --quiet."""
    return (lambda message: None) if args.quiet else (lambda message: print(message, file=sys.stderr))


def time_left_printer():
    """An on_batch callback printing "embedding 2,400/7,528, about 3 min 20 s left" over itself on stderr."""
    from embdash.models.speed import time_left_text

    def show(progress) -> None:
        if not progress.total:
            return
        finished = progress.done == progress.total
        left = "" if finished or progress.seconds_left is None else f", {time_left_text(progress.seconds_left)}"
        line = f"embedding {progress.done:,}/{progress.total:,}{left}"
        print(line.ljust(60), end="\n" if finished else "\r", file=sys.stderr, flush=True)

    return show


def progress_printer():
    """A progress(done, total) callback printing the counts alone, for what gives no time estimate."""
    from embdash.models.embed import EmbedProgress

    show = time_left_printer()
    return lambda done, total: show(EmbedProgress(done, total, None))


def run_embed(args) -> int:
    corpus, vectors = embedded_corpus(args)
    frame = corpus.frame.copy()
    frame["embedding"] = list(vectors.vectors.astype(np.float32))
    write_parquet(frame, args.out, {"model": args.model, "cache_key": vectors.model_key, "text_column": corpus.text_column})
    return 0


def run_map(args) -> int:
    from embdash.pipeline import maps

    corpus, vectors, params, mapped, view = mapped_view(args)
    metrics = mapped.metrics
    frame = maps.map_frame(corpus.frame, corpus.text_column, mapped, view)
    write_parquet(
        frame,
        args.out,
        {"model": args.model, "cache_key": vectors.model_key, "params": asdict(params), "metrics": asdict(metrics),
         "view": {"topics": args.topics, "assign_unclustered": args.assign_unclustered,
                  "assign_threshold": args.assign_threshold}},
    )
    return 0


def run_topics(args) -> int:
    from embdash.pipeline import topic_view

    _, _, _, _, view, tree = mapped_view(args, with_tree=True)
    args.out.write_text(json.dumps(topic_view.tree_summary(tree, view), ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def mapped_view(args, with_tree: bool = False):
    """(corpus, vectors, params, MapResult, TopicView[, TopicTree]) for map and topics, with what was chosen on stderr."""
    from embdash.api import corpus_map, corpus_topic_view, view_options
    from embdash.pipeline import topic_view
    from embdash.pipeline.cluster import auto_note

    if args.topics < 0:
        raise EmbdashError(f"--topics must be 0 (auto) or more, got {args.topics}.")
    params = params_from(args)
    corpus, vectors = embedded_corpus(args)
    say = reporter(args)
    if note := auto_note(len(corpus), params.cluster):
        say(note)
    warn = lambda message: say(f"warning: {message}")  # noqa: E731
    mapped = corpus_map(corpus, vectors, params, on_stage=say, note=warn)
    metrics = mapped.metrics
    say(
        f"{metrics.n_clusters} clusters, {metrics.noise_share:.0%} unclustered, "
        f"trustworthiness {metrics.trustworthiness:.3f}, silhouette "
        + ("n/a" if metrics.silhouette is None else f"{metrics.silhouette:.3f}")
    )
    options = view_options(args.topics, args.assign_unclustered, args.assign_threshold)
    tree, view = corpus_topic_view(corpus, vectors, mapped, params, options, model=args.model, note=warn)
    for line in topic_view.view_note(view, tree.n_leaves, options.assign_threshold if options.assign_unclustered else None):
        say(line)
    return (corpus, vectors, params, mapped, view) + ((tree,) if with_tree else ())


def run_search(args) -> int:
    from embdash.api import nearest
    from embdash.models.catalogue import load_embedder
    from embdash.tasks import search

    if args.k < 1:
        raise EmbdashError(f"--k must be at least 1, got {args.k}.")
    search.check_query(args.query)  # an empty query fails before anything is embedded
    corpus, vectors = embedded_corpus(args)
    embedder = vectors.embedder or load_embedder(args.model, fit_texts=corpus.texts)  # the query needs the model
    rows, scores = nearest(vectors, embedder, args.query, args.k, note=reporter(args))
    texts = corpus.texts
    hits = pd.DataFrame({"row": rows, "score": np.round(scores.astype(np.float64), 6), "text": [texts[r] for r in rows]})
    if args.format == "json":
        print(json.dumps(hits.to_dict(orient="records"), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(hits.to_csv(index=False))
    return 0


def check_writable(out: Path) -> None:
    """Fail before the slow part if the output cannot be written."""
    if out.exists() and out.is_dir():
        raise EmbdashError(f"--out {out} is a folder; give a file name ending in .parquet.")
    if not out.parent.exists():
        raise EmbdashError(f"--out {out}: the folder {out.parent} does not exist.")


def write_parquet(frame: pd.DataFrame, out: Path, provenance: dict) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from embdash import __version__

    table = pa.Table.from_pandas(frame, preserve_index=False)
    if "embedding" in frame.columns:
        vectors = np.stack(frame["embedding"].to_list()) if len(frame) else np.zeros((0, 0), np.float32)
        column = pa.array(list(vectors), type=pa.list_(pa.float32()))
        table = table.set_column(table.schema.get_field_index("embedding"), "embedding", column)
    metadata = dict(table.schema.metadata or {})
    metadata[b"embdash"] = json.dumps({**provenance, "embdash_version": __version__}, default=str).encode()
    pq.write_table(table.replace_schema_metadata(metadata), out)


def run_compare(args) -> int:
    from embdash import api
    from embdash.dataio.corpus import load_corpus
    from embdash.models.catalogue import get_spec
    from embdash.tasks import compare, compare_report

    model_ids = compare.check_model_ids(args.models.split(","))
    for model_id in model_ids:  # an unknown model fails before anything is read
        get_spec(model_id)
    if args.k < 2:
        raise EmbdashError(f"--k must be at least 2, got {args.k}.")
    if args.out.is_dir() or not args.out.parent.exists():
        raise EmbdashError(f"--out {args.out}: give a file name in an existing folder, e.g. report.json.")
    params = params_from(args)
    corpus = load_corpus(args.input, text_column=args.text_column)
    say = reporter(args)
    say(f"{args.input.name}: {len(corpus):,} documents, text column {corpus.text_column!r}; comparing {', '.join(model_ids)}")
    report = api.compare(
        corpus, models=model_ids, labels=args.label_column, k=args.k, on_stage=say,
        progress=None if args.quiet else progress_printer(), **params_by_name(params),
    )
    report = dataclasses.replace(report, context={**report.context, "input": args.input.name})
    if args.out.suffix.lower() in {".html", ".htm"}:
        args.out.write_text(compare_report.report_html(report, f"Model comparison: {args.input.name}"), encoding="utf-8")
    else:
        args.out.write_text(compare_report.report_json(report), encoding="utf-8")
    for sentence in report.recommendation:
        say(sentence)
    return 0


def params_by_name(params) -> dict:
    """MapParams as the flat keyword arguments embdash.map and embdash.compare take."""
    return {name: value for group in asdict(params).values() for name, value in group.items()}


def run_serve(args) -> int:
    from embdash.ui import serve

    return serve.main(args.streamlit_options)


def run_inspect(args) -> int:
    from embdash.dataio.columns import column_kinds, kinds_lines
    from embdash.dataio.corpus import make_corpus, quality_report
    from embdash.dataio.languages import (
        column_languages,
        language_column,
        language_name,
        language_report,
        shares_text,
    )
    from embdash.dataio.readers import read_table
    from embdash.models.catalogue import models_reading

    frame, report = read_table(args.input, args.input.name, max_bytes=int(args.max_mb * 1024 * 1024))
    text_column = args.text_column or report.text_column_guess
    if text_column is None:
        raise EmbdashError(f"{args.input.name} has no column of text (its columns: {', '.join(map(str, frame.columns))}).")
    corpus = make_corpus(frame, text_column, name=args.input.name)
    quality = quality_report(corpus)
    encoding = f", {report.encoding}" if report.encoding else ""
    print(f"{len(corpus):,} documents, text column {corpus.text_column!r} ({report.format}{encoding}), corpus key {corpus.key}")
    print(f"{len(quality.empty_rows):,} empty texts, {len(quality.duplicate_rows):,} duplicates")
    languages = language_report(corpus.texts)
    print(f"languages: {languages.summary()}")
    if not languages.mostly_english and languages.main is not None:
        readers = ", ".join(spec.id for spec in models_reading(languages.main)) or "none in the catalogue"
        print(f"  mostly {language_name(languages.main)}, not English: models that read it: {readers}")
    if (column := language_column(frame)) is not None:
        print(f"  the column {column!r} says: {shares_text(column_languages(frame[column]) or {})}")
    print("columns:")
    for line in kinds_lines(column_kinds(frame, text_column)):
        print(line)
    for warning in report.warnings:
        print(f"warning: {warning}")
    return 0


def run_analogy(args) -> int:
    from embdash.dataio.store import Store
    from embdash.learn import words

    for line in words.analogy_lines(args.a, args.b, args.c, args.model, args.top, store=Store.default()):
        print(line)
    return 0
