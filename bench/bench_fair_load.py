"""Fair load: three ordinary visitors' page times on a public server, alone and beside one hostile visitor.

Each phase starts its own dashboard as a public instance (EMBDASH_READ_ONLY=true, the rest at its defaults) on
loopback with a fresh data folder, warms it (model loaded, corpus embedded), then runs for SECONDS. Each visitor is a
browser context of its own in one headless Chromium.

An ordinary visitor alternates two light pages, each embedding text nobody sent before with the default model:
Semantic similarity with two new sentences (the review's "two-text page") and a Search with a new query. A page's
time runs from the navigation until the script has finished and the page shows its table (bench_load's measure).
The Map is left out: its cached chart takes seconds of Chromium drawing on 2 cores and needs no lock, so it
would only hide a lock wait.

The hostile visitor does work nobody asked for before, on the same model, for the whole phase: the Vector
arithmetic link with a 50,000-word vocabulary (the link of the review), the largest vocabulary the slider offers,
then RAG chunkings of the corpus with settings not used before (about 4,000 new chunks in all), pressing
"Embed the remaining" whenever a job stops at its limit. Every phase has a fresh data folder, so the hostile's
work is uncached in every round. What the page said to each of its requests is recorded.

Phases alternate (alone, beside the hostile, alone, ...) for ROUNDS rounds, so the machine's noise hits both. The
phase ends when the ordinary visitors' last pages (started before SECONDS) are answered; the hostile is stopped
then. Ratios: page-time median and 90th percentile beside the hostile over alone, pooled over the rounds, and per
round (the spread). The target: within 2x.

    .venv/bin/python bench/bench_fair_load.py [--seconds 60] [--rounds 3] [--code /other/checkout --label L] [--no-write]

`--code` serves another checkout's code (e.g. the commit before the job pool) for comparison; its results go to
bench/results/fair-load-<date>-<label>.json. A run of this checkout writes bench/results/fair-load-<date>.json and
its section of docs/benchmarks.md (between its markers), with the newest labelled run beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_load import QUERIES, _timed, page_times, server_errors, write_section  # noqa: E402

RESULTS_DIR = REPO / "bench" / "results"
DOC_START, DOC_END = "<!-- bench_fair_load:start -->", "<!-- bench_fair_load:end -->"
BEFORE_LABEL = "before-pool"  # the label of the comparison run on the code before the job pool
PAGE_TIMEOUT_S = 240  # an ordinary page not done by then counts as unanswered
HOSTILE_STEP_TIMEOUT_S = 300
CUT_SHORT = "cut short by the end of the phase"
KINDS = ("similarity", "search")
VISITORS = 3
# RAG chunkings of the 480-document sample, most new chunks first (counted with the default model's tokenizer):
# its documents are short, so larger chunks are mostly whole documents, embedded with the corpus already, and a
# chunking whose starts are a subset of an earlier one's makes nothing new. About 4,000 new chunks in all.
RAG_SETTINGS = [  # (method, size, overlap): tokens (size, overlap in tokens) or sentences (characters, sentences)
    ("tokens", 16, 8),  # 1,553 new chunks
    ("tokens", 24, 16),  # 1,025
    ("sentences", 100, 0),  # about 900
    ("tokens", 32, 24),  # about 300
    ("sentences", 150, 1),  # about 150
    ("tokens", 40, 32), ("tokens", 48, 40), ("tokens", 56, 48), ("sentences", 200, 0), ("sentences", 250, 1),
]


def ordinary_url(base: str, kind: str, tag: str, n: int = 0) -> str:
    """A light page whose text nobody sent before (`tag` is unique in the run; `n` picks the query's topic)."""
    if kind == "similarity":
        texts = f"visitor {tag} asks about rivers\nvisitor {tag} asks about boats"
        return f"{base}/learn-similarity?{urlencode({'similarity.texts': texts})}"
    query = f"{QUERIES[n % len(QUERIES)]} {tag}"
    return f"{base}/search?{urlencode({'search.query': query, 'search.show_map': 'false'})}"


def hostile_paths() -> list[str]:
    """What the hostile visitor opens, in order: the reported link, the largest vocabulary a public instance
    offers, then RAG chunkings never asked for before. All with the default model, the ordinary visitors' one."""
    steps = ["/learn-arithmetic?arithmetic.sentence_vocabulary=50000",
             "/learn-arithmetic?arithmetic.sentence_vocabulary=10000"]
    for method, size, overlap in RAG_SETTINGS:
        names = ("max_tokens", "overlap_tokens") if method == "tokens" else ("max_chars", "overlap_sentences")
        steps.append("/rag?" + urlencode({"rag.method": method, f"rag.{method}.{names[0]}": size,
                                          f"rag.{method}.{names[1]}": overlap}))
    return steps


async def _ordinary(browser, base: str, visitor: int, phase: str, deadline: float, records: list[dict]) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    i = 0
    try:
        while time.monotonic() < deadline:
            kind = KINDS[(visitor + i) % len(KINDS)]
            tag = f"{phase}-{visitor}-{i}-{uuid.uuid4().hex[:6]}"
            mine: list[dict] = []  # its own list: the visitors' records interleave in `records`
            await _timed(page, ordinary_url(base, kind, tag, visitor * 5 + i), kind, mine, PAGE_TIMEOUT_S)
            records += [{**record, "visitor": visitor, "url": record["url"].removeprefix(base)} for record in mine]
            i += 1
    finally:
        await context.close()


_NOT_RUNNING_JS = """() => {
  const app = document.querySelector("[data-test-script-state]");
  return app !== null && app.getAttribute("data-test-script-state") === "notRunning";
}"""
_MESSAGES_JS = """() => Array.from(document.querySelectorAll(
  "[data-testid='stAlert'], [data-testid='stException'], [data-testid='stToast'], [data-testid='stProgress']"
)).map(e => e.innerText.trim().slice(0, 200)).filter(t => t)"""
# A page's own standing notices, not answers to the request.
_STATIC = ("No language model is called here", "The benchmark files", "Checking the embedding cache")
_ICON = re.compile(r"^[a-z_]+\n\n")  # the name of a notice's icon, read as text
_GO_ON = re.compile(r"^Embed the (remaining )?[\d,]+ (words|chunks|texts)$")
_PROGRESS = re.compile(r"^Embedding with .*?: [\d,]+ of ([\d,]+) new (\w+)")


async def _settled(page, timeout_s: float) -> None:
    """Wait until the script has finished, and is still finished a second later (a rerun may follow)."""
    await page.wait_for_function(_NOT_RUNNING_JS, timeout=timeout_s * 1000, polling=100)
    await page.wait_for_timeout(1000)
    await page.wait_for_function(_NOT_RUNNING_JS, timeout=timeout_s * 1000, polling=100)


async def _watch_messages(page, said: list[str]) -> None:
    """Collect what the page says (notices, errors, toasts, and each progress bar once) until cancelled."""
    while True:
        try:
            for text in await page.evaluate(_MESSAGES_JS):
                text = _ICON.sub("", text)
                if text.startswith(_STATIC):
                    continue
                progress = _PROGRESS.match(text)
                text = f"embedding {progress[1]} new {progress[2]}" if progress else text
                if text not in said:
                    said.append(text)
        except Exception:  # the page is navigating
            pass
        await asyncio.sleep(0.3)


async def _hostile(browser, base: str, steps: list[dict], stop: asyncio.Event) -> None:
    """Open the hostile links one after another until `stop`; go on with every stopped job."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()

    async def one_step(step: dict, watchers: list) -> None:
        await page.goto(base + step["url"], wait_until="domcontentloaded", timeout=60_000)
        watchers.append(asyncio.create_task(_watch_messages(page, step["said"])))  # this page's messages only
        while True:
            await _settled(page, HOSTILE_STEP_TIMEOUT_S)
            go_on = page.get_by_role("button", name=_GO_ON)
            if await go_on.count() == 0:
                return
            step["presses"] += 1
            await go_on.first.click()

    try:
        for path in hostile_paths():
            if stop.is_set():
                break
            step = {"url": path, "presses": 0, "said": []}
            steps.append(step)
            started = time.perf_counter()
            watchers: list = []
            work = asyncio.create_task(one_step(step, watchers))
            stopper = asyncio.create_task(stop.wait())
            await asyncio.wait({work, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if not work.done():
                work.cancel()
                await asyncio.gather(work, return_exceptions=True)
                step["outcome"] = CUT_SHORT
            elif work.exception() is not None:
                step["outcome"] = f"failed: {type(work.exception()).__name__}: {str(work.exception())[:120]}"
            else:
                step["outcome"] = _outcome(step)
            await asyncio.sleep(0.4)  # a last look at the page's messages
            for watcher in watchers:
                watcher.cancel()
            if step["outcome"] == CUT_SHORT:
                step["outcome"] = described(step)
            step["seconds"] = round(time.perf_counter() - started, 1)
    finally:
        await context.close()


def described(step: dict) -> str:
    """A step's outcome as the doc tells it: what the page said, and whether the phase's end cut it short."""
    cut = step["outcome"].startswith(CUT_SHORT)
    if cut or step["outcome"] in ("embedded", "clamped by the public limit", "nothing new to embed"):
        return _outcome(step) + ("; " + CUT_SHORT if cut else "")
    return step["outcome"]


def _outcome(step: dict) -> str:
    """What the request got, from what its page said: refused, clamped, how much it embedded, stopped at a limit."""
    said = " | ".join(step["said"])
    facts = []
    if "This server takes at most" in said:
        facts.append("refused for its size")
    if "The server is busy" in said:
        facts.append("refused: the line was full")
    if asked := re.search(r"embeds at most ([\d,]+) words here; the link asked for ([\d,]+)", said):
        facts.append(f"clamped (asked for {asked[2]} words, at most {asked[1]})")
    if step["presses"]:
        facts.append(f"stopped at the time limit, went on {step['presses']}x")
    if done := re.findall(r"Embedded ([\d,]+) new (\w+) in ([\d.]+) s", said):  # the toast at the end of a job
        facts.append("embedded " + " + ".join(f"{n} new {what} in {seconds} s" for n, what, seconds in done))
    elif embedded := re.findall(r"embedding ([\d,]+) new (\w+)", said):
        facts.append("embedding " + " + ".join(f"{n} new {what}" for n, what in embedded))
    return "; ".join(facts) or "nothing new to embed"


async def _phase(base: str, phase: str, hostile: bool, seconds: float) -> dict:
    from playwright.async_api import async_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        warm: list[dict] = []
        started = time.perf_counter()
        context = await browser.new_context()
        page = await context.new_page()
        for kind in KINDS:  # model loaded, corpus embedded
            await _timed(page, ordinary_url(base, kind, f"{phase}-warm"), kind, warm, PAGE_TIMEOUT_S * 2)
        await context.close()
        failed = [r for r in warm if not r["answered"] or r["exception"]]
        if failed:
            raise RuntimeError(f"the warm-up failed: {failed}")
        result: dict = {"phase": phase, "hostile": hostile, "warm_up_seconds": round(time.perf_counter() - started, 1)}

        records: list[dict] = []
        steps: list[dict] = []
        loads: list[float] = []
        stop = asyncio.Event()

        async def sample_load() -> None:
            while True:
                loads.append(os.getloadavg()[0])
                await asyncio.sleep(5)

        sampler = asyncio.create_task(sample_load())
        hostile_task = asyncio.create_task(_hostile(browser, base, steps, stop)) if hostile else None
        began = time.monotonic()
        deadline = began + seconds
        await asyncio.gather(*(_ordinary(browser, base, v, phase, deadline, records) for v in range(VISITORS)))
        result["measured_seconds"] = round(time.monotonic() - began, 1)
        stop.set()
        if hostile_task is not None:
            await hostile_task
        sampler.cancel()
        await browser.close()
    result.update(summary=page_times(records, KINDS), load_during=loads, records=records)
    if hostile:
        result["hostile_steps"] = steps
    return result


def run_phase(code: Path, phase: str, hostile: bool, seconds: float, extra_env: dict[str, str] | None = None) -> dict:
    """One phase on a server of its own, with a fresh data folder (the hostile's work is never cached)."""
    from tests.browser.conftest import running_server

    data_dir = Path(tempfile.mkdtemp(prefix="embdash-fair-load-"))
    env = {"EMBDASH_READ_ONLY": "true", "PYTHONPATH": str(code), **(extra_env or {})}
    try:
        with running_server(data_dir, env=env, repo=code) as base:
            result = asyncio_in_thread(_phase(base, phase, hostile, seconds))
        result["server_errors"] = server_errors(data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return result


def percentile(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 2) if values else None


def first_pages(phase: dict) -> list[dict]:
    """Each visitor's first page of the phase: a new browser context, and beside the hostile, its first request."""
    firsts: dict[int, dict] = {}
    for record in phase["records"]:
        firsts.setdefault(record["visitor"], record)
    return list(firsts.values())


def answered_times(phases: list[dict], kind: str = "all", which: str = "all") -> list[float]:
    """Answer times of the phases' pages of `kind`; `which`: "all", "first" (each visitor's first page of each
    phase) or "later" (the others)."""
    out = []
    for phase in phases:
        firsts = {id(record) for record in first_pages(phase)}
        out += [r["seconds"] for r in phase["records"] if r["answered"] and kind in ("all", r["kind"])
                and (which == "all" or (id(r) in firsts) == (which == "first"))]
    return out


def ratios(alone: list[dict], busy: list[dict], which: str = "all") -> dict:
    """Page times beside the hostile over page times alone, per kind, at the median and the 90th percentile:
    pooled over the rounds, and each round's own (its hostile phase over its alone phase)."""
    out = {}
    for kind in (*KINDS, "all"):
        pooled = {}
        for q in (50, 90):
            a, b = percentile(answered_times(alone, kind, which), q), percentile(answered_times(busy, kind, which), q)
            pooled[f"p{q}"] = round(b / a, 2) if a and b else None
            per_round = []
            for one_alone, one_busy in zip(alone, busy):
                a1 = percentile(answered_times([one_alone], kind, which), q)
                b1 = percentile(answered_times([one_busy], kind, which), q)
                per_round.append(round(b1 / a1, 2) if a1 and b1 else None)
            pooled[f"p{q}_per_round"] = per_round
        out[kind] = pooled
    return out


def split_phases(result: dict) -> tuple[list[dict], list[dict]]:
    return [p for p in result["phases"] if not p["hostile"]], [p for p in result["phases"] if p["hostile"]]


def first_page_text(result: dict) -> str:
    """The first pages' share of the slowdown: their median alone and beside the hostile, and the ratios without them."""
    alone, busy = split_phases(result)
    later = ratios(alone, busy, "later")["all"]
    a, b = percentile(answered_times(alone, which="first"), 50), percentile(answered_times(busy, which="first"), 50)
    return (f"Each visitor's first page of a phase (a new browser context; beside the hostile, it meets the hostile's "
            f"first request) took {a} s median alone and {b} s beside the hostile; without those first pages the "
            f"ordinary pages took {later['p50']}x their median alone and {later['p90']}x their 90th percentile "
            f"(per round: {', '.join(f'{x}x' for x in later['p50_per_round'])} and "
            f"{', '.join(f'{x}x' for x in later['p90_per_round'])}).")


def pooled_summary(phases: list[dict]) -> dict:
    return page_times([r for p in phases for r in p["records"]], KINDS)


def code_commit(code: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(code), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def hostile_table(result: dict) -> list[str]:
    """What each hostile request got, in the first hostile phase, and how often each outcome came in all."""
    busy = [p for p in result["phases"] if p["hostile"]]
    rows = ["| request | outcome | seconds | what the page said |", "|---|---|---:|---|"]
    for step in busy[0]["hostile_steps"]:
        said = "; ".join(step["said"])[:300].replace("|", "/")
        rows.append(f"| `{step['url']}` | {described(step)} | {step['seconds']} | {said} |")
    outcomes = [described(step) for phase in busy for step in phase["hostile_steps"]]
    kinds = {  # label: does this outcome count
        "refused": lambda o: "refused" in o,
        "clamped by the public limit": lambda o: "clamped" in o,
        "stopped at the time limit and went on": lambda o: "stopped at the time limit" in o,
        "finished their embedding": lambda o: "embedded " in o,
        "were still embedding when the phase ended": lambda o: "embedding " in o and "embedded " not in o,
        "found nothing new to embed": lambda o: o.startswith("nothing new"),
    }
    counted = ", ".join(f"{sum(map(test, outcomes))} {label}" for label, test in kinds.items())
    embedded: dict[str, int] = {}
    for outcome in outcomes:
        for n, what in re.findall(r"embedded ([\d,]+) new (\w+)", outcome):
            embedded[what] = embedded.get(what, 0) + int(n.replace(",", ""))
    total = " and ".join(f"{n:,} new {what}" for what, n in embedded.items()) or "nothing"
    return rows + ["", f"Over all {len(busy)} hostile phases, of its {len(outcomes)} requests {counted} (one request "
                   f"may be counted twice: clamped, then embedded); {total} embedded in all. The table shows the first "
                   "hostile phase."]


def run_table(result: dict) -> list[str]:
    rows = ["| phase | page | answered | p50 s | p90 s | max s |", "|---|---|---:|---:|---:|---:|"]
    for label, summary in (("alone", result["alone"]), ("beside the hostile", result["with_hostile"])):
        for kind in (*KINDS, "all"):
            s = summary[kind]
            rows.append(f"| {label} | {kind} | {s['answered']} of {s['sent']} | {s.get('p50_s', '-')} | "
                        f"{s.get('p90_s', '-')} | {s['max_s']} |")
    r = result["ratios"]
    rows += ["", "| page | median ratio | per round | p90 ratio | per round |", "|---|---:|---|---:|---|"]
    for kind in (*KINDS, "all"):
        k = r[kind]
        rows.append(f"| {kind} | {k['p50']}x | {', '.join(f'{x}x' for x in k['p50_per_round'])} | {k['p90']}x | "
                    f"{', '.join(f'{x}x' for x in k['p90_per_round'])} |")
    return rows


def load_text(result: dict) -> str:
    loads = result["load"]
    return (f"1-minute load average {loads['before']:.1f} before the run, {loads['mean_alone']:.1f} on average while "
            f"alone and {loads['mean_with_hostile']:.1f} beside the hostile (samples every 5 s), "
            f"{loads['max']:.1f} at most")


def short_paths(value: str) -> str:
    """An environment value with each path shortened to its last folder (machines differ in where things are)."""
    return os.pathsep.join(Path(part).name if os.sep in part else part for part in value.split(os.pathsep))


def markdown_section(result: dict, before: dict | None, experiments: list[dict] = ()) -> str:
    r = result["ratios"]["all"]
    lines = [
        DOC_START,
        f"## Fair load: one hostile visitor beside three ordinary ones ({result['date']})",
        "",
        "`bench/bench_fair_load.py`: a public instance (`EMBDASH_READ_ONLY=true`) on loopback, a fresh server and data "
        "folder per phase. Three ordinary visitors, each a browser context in one headless Chromium, alternate two "
        "light pages that embed text nobody sent before with the default model: Semantic similarity with two new "
        "sentences and a Search with a new query. Beside them, a hostile visitor keeps asking for uncached work on "
        "the same model: the Vector arithmetic link with a 50,000-word vocabulary (the review's link), the largest "
        "vocabulary offered, then RAG chunkings with settings nobody used before (about 4,000 new chunks in all: the "
        "sample's documents are short), pressing \"Embed the remaining\" whenever a job stops at its limit. Phases alternate (alone, beside "
        f"the hostile, ...), {result['rounds']} rounds of {result['seconds']:.0f} s each; a page's time runs from "
        "the navigation until the page shows its table. Ratios: beside the hostile over alone, pooled over the "
        "rounds, then each round's own (the spread).",
        "",
        "Why the earlier version of this bench saw no stall on the old code (1.13x the median alone, 1.64x the 90th "
        "percentile, `bench/results/fair-load-2026-12-06-main.json`): each ordinary visitor's sentences and queries "
        "were the same in both phases (numbered from 0 again), so beside the hostile they came from the cache and "
        "never waited for the model lock, which the hostile's 50,000 words did hold; a Search query never takes "
        "that lock on the old code (it is embedded outside the store), and the cached Map neither; past its first "
        "link the hostile would have asked for vocabularies embedded already (a vocabulary is the first N words of "
        "one list) or for other models (other locks); and pages of about 10 s, mostly Chromium drawing on a machine at load 9 "
        "to 15, hid what was left. One phase each, alone first, so noise went unmeasured.",
    ]
    if before is not None:
        b = before["ratios"]["all"]
        sim = before["ratios"]["similarity"]
        lines += [
            "",
            f"### The code before the job pool (`{before['commit']}`, {before['date']})",
            "",
            f"Beside the hostile visitor the ordinary pages took **{b['p50']}x** their median time alone and "
            f"**{b['p90']}x** their 90th percentile (per round: {', '.join(f'{x}x' for x in b['p50_per_round'])} "
            f"and {', '.join(f'{x}x' for x in b['p90_per_round'])}); the two-sentence Similarity page "
            f"{sim['p50']}x and {sim['p90']}x: the review's stall, reproduced. Machine: {before['cpus']} CPUs, "
            f"{load_text(before)}.",
            "",
            *run_table(before),
            "",
            *hostile_table(before),
        ]
    verdict = "within" if r["p90"] is not None and r["p90"] <= 2 else "not within"
    lines += [
        "",
        f"### This code (`{result['commit']}`: job pool of {result['max_jobs']} slot(s), {result['job_seconds']} s "
        f"and {result['job_texts']:,} new texts per job, {result['date']})",
        "",
        f"Beside the hostile visitor the ordinary pages took **{r['p50']}x** their median time alone and "
        f"**{r['p90']}x** their 90th percentile (per round: {', '.join(f'{x}x' for x in r['p50_per_round'])} and "
        f"{', '.join(f'{x}x' for x in r['p90_per_round'])}): {verdict} the 2x target. Machine: {result['cpus']} "
        f"CPUs, {load_text(result)}.",
        "",
        *run_table(result),
        "",
        first_page_text(result),
        "",
        *hostile_table(result),
        "",
        "No ordinary page waits for the model lock or a slot on this code: both of its pages embed at most 64 texts "
        "(the fast lane). What is left is the machine's: the pool bounds how many jobs run at once, not the cores a "
        "job takes (PyTorch uses every core), and the hostile's work outside jobs (reading GloVe's 400,000 words, "
        "once per server process and so once per phase here; scoring analogies; chunking the corpus; Chromium "
        "drawing its pages) runs beside the ordinary pages, the Python part of it under the one server process's GIL. "
        "Two ways to leave the pages more of the machine (proposed, not built): read the GloVe table when the server "
        "starts, or without a Python loop over its 400,000 words; and run jobs at a lower CPU priority than pages "
        "(in a worker process with a higher nice value), so a job gets the cores the pages leave.",
    ]
    if experiments:
        lines += [
            "",
            "Other runs of the same day (`bench/results/fair-load-<date>-<label>.json`), on a busier machine, and "
            "experiments: the same bench with the server's environment changed (`--env`; not settings of the "
            "product). `OMP_NUM_THREADS=1` gives a job's PyTorch one core instead of two; the GloVe table preloaded "
            "(`bench/fair_load_preload/sitecustomize.py` on the server's path reads it at start) stands for a "
            "long-running server that read it before the hostile came. Compare each with the run of its own load.",
            "",
            "| run | code | server environment | median ratio (per round) | p90 ratio (per round) | without first pages: p50, p90 | load while alone / beside |",
            "|---|---|---|---|---|---|---|",
        ]
        for run in experiments:
            alone, busy = split_phases(run)
            a, later = run["ratios"]["all"], ratios(alone, busy, "later")["all"]
            env = ", ".join(f"`{k}={short_paths(v)}`" for k, v in run.get("server_env", {}).items()) or "as released"
            code = f"`{run['commit']}`" + ("" if run["job_pool"] else " (before the pool)")
            lines.append(
                f"| {run['label']} | {code} | {env} | {a['p50']}x ({', '.join(f'{x}x' for x in a['p50_per_round'])}) | "
                f"{a['p90']}x ({', '.join(f'{x}x' for x in a['p90_per_round'])}) | {later['p50']}x, {later['p90']}x | "
                f"{run['load']['mean_alone']:.1f} / {run['load']['mean_with_hostile']:.1f} |")
    lines += ["", DOC_END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60, help="ordinary visitors start pages for this long per phase")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of (alone, beside the hostile)")
    parser.add_argument("--code", type=Path, default=None, help="serve this checkout's code instead of this one's")
    parser.add_argument("--label", default=None, help=f"names the results file of a --code run (e.g. {BEFORE_LABEL})")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable for the server (an experiment, e.g. OMP_NUM_THREADS=1); repeatable")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    extra_env = dict(item.split("=", 1) for item in args.env)

    code = (args.code or REPO).resolve()
    label = args.label or ("" if code == REPO and not extra_env else code.name)
    load_before = os.getloadavg()[0]
    phases = []
    for round_ in range(args.rounds):
        for hostile in (False, True):
            name = f"r{round_ + 1}-{'hostile' if hostile else 'alone'}"
            phase = run_phase(code, name, hostile, args.seconds, extra_env)
            phases.append(phase)
            s = phase["summary"]["all"]
            print(f"{name}: {s['answered']} of {s['sent']} pages, p50 {s.get('p50_s')} s, p90 {s.get('p90_s')} s, "
                  f"load {np.mean(phase['load_during']):.1f}", flush=True)
            for step in phase.get("hostile_steps", []):
                print(f"   {step['url']}: {step['outcome']} ({step['seconds']} s) {step['said']}", flush=True)
    alone = [p for p in phases if not p["hostile"]]
    busy = [p for p in phases if p["hostile"]]
    result = {
        "date": datetime.now(timezone.utc).date().isoformat(), "label": label or "this checkout",
        "code": str(code), "commit": code_commit(code), "job_pool": (code / "embdash" / "jobs.py").exists(),
        "seconds": args.seconds, "rounds": args.rounds, "cpus": os.cpu_count(), "server_env": extra_env,
        "load": {"before": load_before, "mean_alone": float(np.mean([x for p in alone for x in p["load_during"]])),
                 "mean_with_hostile": float(np.mean([x for p in busy for x in p["load_during"]])),
                 "max": float(max(x for p in phases for x in p["load_during"])), "after": os.getloadavg()[0]},
        "alone": pooled_summary(alone), "with_hostile": pooled_summary(busy), "ratios": ratios(alone, busy),
    }
    if result["job_pool"]:
        from embdash.config import load_settings
        from embdash.jobs import default_slots

        settings = load_settings(environ={})
        result.update(max_jobs=settings.max_jobs or default_slots(), job_seconds=settings.job_seconds,
                      job_texts=settings.job_texts)
    result["phases"] = phases
    print(json.dumps({k: v for k, v in result.items() if k != "phases"}, indent=2))
    if args.no_write:
        return
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    name = f"fair-load-{result['date']}" + (f"-{label}" if label else "")
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    if not label:
        write_doc(result)


def write_doc(result: dict) -> None:
    """The doc section of `result` (this checkout's run), with the newest run on the code before the pool and
    this date's other labelled runs of this bench (other loads, experiments with a changed server environment)."""
    before_files = sorted(RESULTS_DIR.glob(f"fair-load-*-{BEFORE_LABEL}.json"))
    before = json.loads(before_files[-1].read_text()) if before_files else None
    experiments = []
    for path in sorted(RESULTS_DIR.glob(f"fair-load-{result['date']}-*.json")):
        run = json.loads(path.read_text())
        if "phases" in run and run["label"] != BEFORE_LABEL:  # runs of an earlier version of the bench have none
            experiments.append(run)
    write_section(markdown_section(result, before, experiments), DOC_START, DOC_END)


def asyncio_in_thread(coroutine):
    # A thread of its own, as bench_load does: asyncio.run refuses to start where another event loop runs.
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


if __name__ == "__main__":
    main()
