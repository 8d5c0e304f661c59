"""Load test: concurrent browser sessions against one real server, then a check that the cache is whole.

Starts the dashboard as the browser tests do (python -m embdash.ui.serve, a private EMBDASH_DATA_DIR),
warms it up (the model loads, UMAP compiles, each map parameter set is computed once), then runs
SESSIONS browser contexts in one headless Chromium for SECONDS. Each session loops: open a Search link
(a query and k that vary), then a Map link (one of a few parameter sets, so UMAP does not dominate).
A request's latency runs from the navigation until the script has finished and the page shows its
result (a table) or an exception box. Afterwards every parquet file of the cache must be readable, no
file set aside (*.corrupt) or left half-written (*.tmp), and the cached vectors of the corpus must be
what a fresh embed_texts reads (nothing recomputed) and agree with the model.

    .venv/bin/python bench/bench_load.py [--sessions 8] [--seconds 120] [--no-write]

Writes bench/results/load-<date>.json and appends its section to docs/benchmarks.md (replacing an
earlier load section, between its markers). tests/browser/test_load_short.py runs a short version.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

RESULTS_DIR = REPO / "bench" / "results"
DOC = REPO / "docs" / "benchmarks.md"
DOC_START, DOC_END = "<!-- bench_load:start -->", "<!-- bench_load:end -->"
REQUEST_TIMEOUT_S = 180  # a request not answered by then counts as unanswered

QUERIES = [
    "football match result", "how to bake bread", "planets and stars", "a new phone release",
    "elections and parliament", "healthy breakfast ideas", "the weather this weekend", "learning a language",
    "stock market falls", "a long train journey", "music festival tickets", "treating a cold",
]
K_VALUES = [3, 5, 10, 20]
MAP_SETS = [  # a few parameter sets, each computed once in the warm-up, then served from the cache
    {},
    {"umap.n_neighbors": "10"},
    {"cluster.min_cluster_size": "8"},
]

# Done: the script has finished and shows its result (a table) or an exception box.
_DONE_JS = """() => {
  const app = document.querySelector("[data-test-script-state]");
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  return document.querySelector("[data-testid='stDataFrame'], [data-testid='stException']") !== null;
}"""


def search_url(base: str, i: int) -> str:
    params = {"search.query": QUERIES[i % len(QUERIES)], "search.k": str(K_VALUES[i % len(K_VALUES)]),
              "search.show_map": "false"}
    return f"{base}/search?{urlencode(params)}"


def map_url(base: str, i: int) -> str:
    params = MAP_SETS[i % len(MAP_SETS)]
    return f"{base}/map" + (f"?{urlencode(params)}" if params else "")


async def _timed(page, url: str, kind: str, records: list[dict], timeout_s: float = REQUEST_TIMEOUT_S) -> None:
    started = time.perf_counter()
    record = {"kind": kind, "url": url, "answered": False, "exception": False}
    try:
        await page.goto(url, wait_until="domcontentloaded", timeout=timeout_s * 1000)
        await page.wait_for_function(_DONE_JS, timeout=timeout_s * 1000, polling=50)
        record["answered"] = True
        record["exception"] = await page.locator("[data-testid='stException']").count() > 0
    except Exception as error:  # a timeout or a dropped connection: unanswered, and say why
        record["error"] = f"{type(error).__name__}: {str(error)[:200]}"
    record["seconds"] = time.perf_counter() - started
    records.append(record)


async def _session(browser, base: str, number: int, deadline: float, records: list[dict], timeout_s: float) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    i = number * 5  # sessions start at different queries and map settings
    try:
        while time.monotonic() < deadline:
            await _timed(page, search_url(base, i), "search", records, timeout_s)
            if time.monotonic() >= deadline:
                break
            await _timed(page, map_url(base, i), "map", records, timeout_s)
            i += 1
    finally:
        await context.close()


async def _run(base: str, sessions: int, seconds: float, warm: bool, timeout_s: float) -> tuple[list[dict], float]:
    from playwright.async_api import async_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        warm_seconds = 0.0
        if warm:  # one session computes everything the run asks for: the run measures a warm server
            started = time.perf_counter()
            warm_records: list[dict] = []
            context = await browser.new_context()
            page = await context.new_page()
            for i in range(len(MAP_SETS)):
                await _timed(page, map_url(base, i), "map", warm_records)
            await _timed(page, search_url(base, 0), "search", warm_records)
            await context.close()
            warm_seconds = time.perf_counter() - started
            failed = [r for r in warm_records if not r["answered"] or r["exception"]]
            if failed:
                raise RuntimeError(f"the warm-up failed: {failed}")
        records: list[dict] = []
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(_session(browser, base, n, deadline, records, timeout_s) for n in range(sessions)))
        await browser.close()
    return records, warm_seconds


def run_load(base: str, sessions: int, seconds: float, warm: bool = True, timeout_s: float = REQUEST_TIMEOUT_S) -> dict:
    """Drive `sessions` concurrent browser sessions for `seconds`; latency percentiles and counts.

    Without `warm`, the sessions arrive together at a cold server: they race to load the model, embed the
    corpus and compute each map (which must still happen once, and leave a whole cache).
    """
    # A thread of its own: asyncio.run refuses to start where another event loop runs (as Playwright's
    # sync API leaves one in a test session that drove a browser before).
    with ThreadPoolExecutor(max_workers=1) as worker:
        records, warm_seconds = worker.submit(asyncio.run, _run(base, sessions, seconds, warm, timeout_s)).result()
    summary = {"sessions": sessions, "seconds": seconds, "warm_up_seconds": round(warm_seconds, 1)}
    summary.update(page_times(records, ("search", "map"), percentiles=(50, 90, 99), digits=3))
    summary["requests_per_second"] = round(summary["all"]["answered"] / seconds, 2)
    summary["unanswered"] = [r for r in records if not r["answered"]][:10]
    return summary


def page_times(records: list[dict], kinds, percentiles=(50, 90), digits: int = 2) -> dict:
    """Per kind of page, and for "all": requests sent, answered, with an exception, and answer-time percentiles."""
    out = {}
    for kind in (*kinds, "all"):
        chosen = [r for r in records if kind == "all" or r["kind"] == kind]
        answered = [r["seconds"] for r in chosen if r["answered"]]
        out[kind] = {
            "sent": len(chosen),
            "answered": len(answered),
            "exceptions": sum(r["exception"] for r in chosen),
            **({f"p{q}_s": round(float(np.percentile(answered, q)), digits) for q in percentiles} if answered else {}),
            "max_s": round(max(answered), digits) if answered else None,
        }
    return out


def check_cache(data_dir: Path) -> dict:
    """Is the cache whole after the run? Readable parquet, nothing set aside or half-written, and the
    corpus's vectors exactly what a fresh read gives, agreeing with the model."""
    import pyarrow.parquet as pq

    from embdash.dataio.corpus import load_corpus, sample_corpus_path
    from embdash.dataio.store import Store
    from embdash.models.catalogue import DEFAULT_MODEL_ID, load_embedder
    from embdash.models.embed import embed_texts

    unreadable = []
    parquet_files = sorted(data_dir.rglob("*.parquet"))
    for path in parquet_files:
        try:
            pq.read_table(path)
        except Exception as error:
            unreadable.append(f"{path.relative_to(data_dir)}: {error}")
    corpus = load_corpus(sample_corpus_path(), text_column="text")
    # PyTorch, as the server chose in its fresh data folder (an ONNX export elsewhere in this process's
    # data folder would give vectors that differ by more than the tolerance below).
    model = load_embedder(DEFAULT_MODEL_ID, backend="torch")
    cached = embed_texts(corpus.texts, model, Store(data_dir))
    fresh = embed_texts(corpus.texts, model, store=None)
    stored_corpus_ok = Store(data_dir).load_corpus(corpus.key).frame.equals(corpus.frame)
    return {
        "parquet_files": len(parquet_files),
        "unreadable": unreadable,
        "set_aside": [str(p.relative_to(data_dir)) for p in data_dir.rglob("*.corrupt")],
        "temp_files": [str(p.relative_to(data_dir)) for p in data_dir.rglob("*.tmp")],
        "vectors_all_cached": cached.n_computed == 0 and cached.n_cached == cached.n_unique,
        "store_problems": cached.problems,
        "max_abs_diff_to_model": float(np.abs(cached.vectors - fresh.vectors).max()),
        "stored_corpus_exact": bool(stored_corpus_ok),
    }


def cache_is_consistent(check: dict) -> bool:
    return (not check["unreadable"] and not check["set_aside"] and not check["temp_files"]
            and check["vectors_all_cached"] and not check["store_problems"] and check["stored_corpus_exact"]
            and check["max_abs_diff_to_model"] < 1e-4)


def server_errors(data_dir: Path) -> list[str]:
    """Tracebacks in the server's log (running_server writes it into the data folder)."""
    lines = []
    for log in data_dir.glob("server-*.log"):
        lines += [line for line in log.read_text(errors="replace").splitlines() if "Traceback" in line or "Error" in line]
    return lines[:20]


def markdown_section(result: dict) -> str:
    rows = []
    for kind in ("search", "map", "all"):
        s = result[kind]
        rows.append(f"| {kind} | {s['sent']} | {s['answered']} | {s['exceptions']} | {s.get('p50_s', '-')} | "
                    f"{s.get('p90_s', '-')} | {s.get('p99_s', '-')} | {s['max_s']} |")
    check = result["cache"]
    return "\n".join([
        DOC_START,
        f"## Load: {result['sessions']} concurrent sessions for {result['seconds']:.0f} s ({result['date']})",
        "",
        f"`bench/bench_load.py`: one server (`python -m embdash.ui.serve`), {result['sessions']} browser contexts in one "
        "headless Chromium, each opening a Search link (12 queries, k from 3 to 20) then a Map link (3 cached parameter "
        "sets) in a loop, on the bundled sample corpus (480 documents) with all-MiniLM-L6-v2. Latency: from navigation "
        "until the script has finished and the page shows its table. The server was warmed first "
        f"({result['warm_up_seconds']} s: model load, UMAP compile, the three maps). Machine: {result['cpus']} CPUs "
        f"(1-minute load average {result['load_before']:.1f} before and {result['load_after']:.1f} after the run); "
        "the eight Chromium renderers ran on the same cores as the server, so this measures the machine, not the server alone.",
        "",
        "| requests | sent | answered | exception boxes | p50 s | p90 s | p99 s | max s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"Throughput {result['requests_per_second']} answered requests/s. After the run: {check['parquet_files']} parquet "
        f"files, {len(check['unreadable'])} unreadable, {len(check['set_aside'])} set aside, {len(check['temp_files'])} "
        f"temporary files left; the corpus's vectors all came from the cache (largest difference to a fresh "
        f"embedding {check['max_abs_diff_to_model']:.1e}); server log errors: {len(result['server_errors'])}. "
        f"Cache consistent: {'yes' if result['cache_consistent'] else 'NO'}.",
        "",
        DOC_END,
    ])


def write_section(section: str, start: str = DOC_START, end: str = DOC_END) -> None:
    """Put `section` into docs/benchmarks.md between its markers `start` and `end` (appended the first time)."""
    text = DOC.read_text()
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from tests.browser.conftest import running_server

    data_dir = Path(tempfile.mkdtemp(prefix="embdash-load-"))
    load_before = os.getloadavg()[0]
    with running_server(data_dir) as base:
        result = run_load(base, args.sessions, args.seconds)
    result.update(
        date=datetime.now(timezone.utc).date().isoformat(),
        cpus=os.cpu_count(),
        load_before=load_before,
        load_after=os.getloadavg()[0],
        server_errors=server_errors(data_dir),
        cache=check_cache(data_dir),
    )
    result["cache_consistent"] = cache_is_consistent(result["cache"])
    print(json.dumps(result, indent=2))
    if result["cache_consistent"]:
        shutil.rmtree(data_dir)
    else:
        print(f"The data folder is kept for inspection: {data_dir}", file=sys.stderr)
    if not args.no_write:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        (RESULTS_DIR / f"load-{result['date']}.json").write_text(json.dumps(result, indent=2) + "\n")
        write_section(markdown_section(result))


if __name__ == "__main__":
    main()
