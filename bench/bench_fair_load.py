"""Fair load: three ordinary visitors' page times on a public server, alone and beside one hostile visitor.

Starts the dashboard as a public instance (EMBDASH_READ_ONLY=true, the rest at its defaults) on loopback, the way
bench/bench_load.py does, and warms it (model loaded, corpus embedded, the map computed). Each visitor is a browser
context of its own in one headless Chromium. An ordinary visitor loops over three small pages: Semantic similarity
with two new sentences (really embedded: they are new), a Search with a new query, and the Map (cached). A page's time
runs from the navigation until the script has finished and the page shows its table (bench_load's measure).

Phase 1, the three ordinary visitors alone for SECONDS; phase 2, the same beside a hostile visitor who keeps the
server as busy as a read-only visitor can: the Vector arithmetic link with a 50,000-word vocabulary (the link that
once held a two-text page for 60 s), then vocabularies of 20,000 to 50,000 words with each sentence model, pressing
"Embed the remaining" whenever a job stops at its limit. The target: ordinary page times within 2x of alone.

    .venv/bin/python bench/bench_fair_load.py [--seconds 90] [--code /path/to/other/checkout] [--no-write]

`--code` serves another checkout's code (e.g. the commit before the job pool) for comparison; its results go to a
file of their own. Writes bench/results/fair-load-<date>[-<label>].json and, for this checkout, its section of
docs/benchmarks.md (between its markers).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_load import QUERIES, _timed, page_times, server_errors, write_section  # noqa: E402

RESULTS_DIR = REPO / "bench" / "results"
DOC_START, DOC_END = "<!-- bench_fair_load:start -->", "<!-- bench_fair_load:end -->"
PAGE_TIMEOUT_S = 240  # an ordinary page not done by then counts as unanswered
HOSTILE_STEP_TIMEOUT_S = 300
SENTENCE_MODELS = ["all-MiniLM-L6-v2", "paraphrase-MiniLM-L3-v2", "all-mpnet-base-v2", "all-MiniLM-L6-v2-int8"]
KINDS = ("similarity", "search", "map")


def ordinary_url(base: str, kind: str, visitor: int, i: int) -> str:
    """A small page, new each time where it can be (sentences and queries nobody asked before)."""
    if kind == "similarity":
        texts = f"visitor {visitor} asks question {i} about rivers\nvisitor {visitor} asks question {i} about boats"
        return f"{base}/learn-similarity?{urlencode({'similarity.texts': texts})}"
    if kind == "search":
        query = f"{QUERIES[(visitor * 5 + i) % len(QUERIES)]} {visitor}-{i}"
        return f"{base}/search?{urlencode({'search.query': query, 'search.show_map': 'false'})}"
    return f"{base}/map"


def hostile_urls(base: str) -> list[str]:
    """What the hostile visitor opens, in order: the reported link first, then ever larger vocabularies."""
    steps = [f"{base}/learn-arithmetic?arithmetic.sentence_vocabulary=50000"]
    for model in SENTENCE_MODELS:
        for words in (20_000, 40_000, 50_000):
            steps.append(f"{base}/learn-arithmetic?{urlencode({'arithmetic.model': model, 'arithmetic.sentence_vocabulary': words})}")
    return steps


async def _ordinary(browser, base: str, visitor: int, deadline: float, records: list[dict]) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    i = 0
    try:
        while time.monotonic() < deadline:
            kind = KINDS[(visitor + i) % len(KINDS)]
            mine: list[dict] = []  # its own list: the visitors' records interleave in `records`
            await _timed(page, ordinary_url(base, kind, visitor, i), kind, mine, PAGE_TIMEOUT_S)
            records += [{**record, "visitor": visitor} for record in mine]
            i += 1
    finally:
        await context.close()


_NOT_RUNNING_JS = """() => {
  const app = document.querySelector("[data-test-script-state]");
  return app !== null && app.getAttribute("data-test-script-state") === "notRunning";
}"""
_GO_ON = re.compile(r"^Embed the (remaining )?[\d,]+ words$")


async def _settled(page, timeout_s: float) -> None:
    """Wait until the script has finished, and is still finished a second later (a rerun may follow)."""
    await page.wait_for_function(_NOT_RUNNING_JS, timeout=timeout_s * 1000, polling=100)
    await page.wait_for_timeout(1000)
    await page.wait_for_function(_NOT_RUNNING_JS, timeout=timeout_s * 1000, polling=100)


async def _hostile(browser, base: str, deadline: float, steps: list[dict]) -> None:
    """Open the hostile links one after another until the deadline; go on with every stopped job."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    try:
        for url in hostile_urls(base):
            if time.monotonic() >= deadline:
                break
            step = {"url": url.removeprefix(base), "presses": 0, "outcome": "done"}
            started = time.perf_counter()
            try:
                await page.goto(url, wait_until="domcontentloaded", timeout=60_000)
                while time.monotonic() < deadline:
                    await _settled(page, HOSTILE_STEP_TIMEOUT_S)
                    go_on = page.get_by_role("button", name=_GO_ON)
                    if await go_on.count() == 0:
                        break
                    step["presses"] += 1
                    await go_on.first.click()
                if time.monotonic() >= deadline:
                    step["outcome"] = "cut short by the end of the phase"
                elif await page.get_by_text("This server takes at most").count():
                    step["outcome"] = "refused"
                elif step["presses"]:
                    step["outcome"] = "stopped at the time limit, went on"
            except Exception as error:  # the deadline came while it waited: the step is cut short
                step["outcome"] = f"cut short: {type(error).__name__}"
            step["seconds"] = round(time.perf_counter() - started, 1)
            steps.append(step)
    finally:
        await context.close()


async def _run(base: str, seconds: float) -> dict:
    from playwright.async_api import async_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        warm: list[dict] = []
        started = time.perf_counter()
        context = await browser.new_context()
        page = await context.new_page()
        for kind in ("map", "search", "similarity"):  # model loaded, corpus embedded, map computed
            await _timed(page, ordinary_url(base, kind, 99, 0), kind, warm, PAGE_TIMEOUT_S * 2)
        await context.close()
        failed = [r for r in warm if not r["answered"] or r["exception"]]
        if failed:
            raise RuntimeError(f"the warm-up failed: {failed}")
        result = {"warm_up_seconds": round(time.perf_counter() - started, 1)}

        for phase, hostile in (("alone", False), ("with_hostile", True)):
            records: list[dict] = []
            steps: list[dict] = []
            load_before = os.getloadavg()[0]
            deadline = time.monotonic() + seconds
            visitors = [_ordinary(browser, base, v, deadline, records) for v in range(3)]
            await asyncio.gather(*visitors, *([_hostile(browser, base, deadline, steps)] if hostile else []))
            result[phase] = {"summary": summary(records), "load_before": load_before, "load_after": os.getloadavg()[0],
                             "records": records, **({"hostile_steps": steps} if hostile else {})}
        await browser.close()
    return result


def summary(records: list[dict]) -> dict:
    return page_times(records, KINDS)


def ratios(result: dict) -> dict:
    """Page times beside the hostile visitor over page times alone, per kind: the median and the 90th percentile."""
    alone, busy = result["alone"]["summary"], result["with_hostile"]["summary"]
    out = {}
    for kind in (*KINDS, "all"):
        if "p50_s" in alone[kind] and "p50_s" in busy[kind]:
            out[kind] = {q: round(busy[kind][q] / alone[kind][q], 2) for q in ("p50_s", "p90_s")}
    return out


def markdown_section(result: dict, before: dict | None) -> str:
    def row(label: str, phase: dict, kind: str) -> str:
        s = phase["summary"][kind]
        return f"| {label} | {kind} | {s['answered']} of {s['sent']} | {s.get('p50_s', '-')} | {s.get('p90_s', '-')} | {s['max_s']} |"

    rows = [row(label, result[phase], kind) for phase, label in (("alone", "alone"), ("with_hostile", "beside the hostile"))
            for kind in (*KINDS, "all")]
    r = result["ratios"]["all"]
    hostile = result["with_hostile"]["hostile_steps"]
    refused = sum(step["outcome"] == "refused" for step in hostile)
    presses = sum(step["presses"] for step in hostile)
    lines = [
        DOC_START,
        f"## Fair load: one hostile visitor beside three ordinary ones ({result['date']})",
        "",
        "`bench/bench_fair_load.py`: a public instance (`EMBDASH_READ_ONLY=true`; the job pool at its defaults: "
        f"{result['max_jobs']} job at once, {result['job_seconds']} s and {result['job_texts']:,} new texts per job) on "
        "loopback. Three ordinary visitors, each a browser context in one headless Chromium, loop over Semantic "
        "similarity with two new sentences, a Search with a new query and the (cached) Map, first alone, then beside "
        "a hostile visitor who opens the Vector arithmetic link with a 50,000-word vocabulary, then 20,000 to 50,000 "
        "words with each sentence model, pressing \"Embed the remaining\" whenever a job stops at its limit. "
        f"{result['seconds']:.0f} s per phase; page time from navigation until the page shows its table. "
        f"Machine: {result['cpus']} CPUs, shared with the four Chromium renderers (1-minute load average "
        f"{result['alone']['load_before']:.1f} before the first phase, {result['with_hostile']['load_after']:.1f} after "
        "the second).",
        "",
        "| phase | page | answered | p50 s | p90 s | max s |",
        "|---|---|---:|---:|---:|---:|",
        *rows,
        "",
        f"Beside the hostile visitor the ordinary pages took {r['p50_s']}x their median time alone and {r['p90_s']}x "
        f"their 90th percentile (target: within 2x). The hostile visitor made {len(hostile)} requests: "
        f"{refused} refused at once for their size, {presses} presses of \"Embed the remaining\" after a job reached "
        "its time limit.",
    ]
    if before is not None:
        b = before["ratios"].get("all", {})
        sim = before["with_hostile"]["summary"]["similarity"]
        lines += [
            "",
            f"The same run on the code before the job pool ({before['label']}): ordinary pages beside the hostile "
            f"visitor took {b.get('p50_s', '-')}x their median alone and {b.get('p90_s', '-')}x their 90th "
            f"percentile; the two-sentence Similarity page {sim.get('p50_s', '-')} s median, {sim['max_s']} s at most.",
        ]
        if b.get("p90_s", 0) <= 2:
            lines.append("That run stayed within 2x too, so it does not show what the pool changes; the browser test "
                         "`tests/browser/test_job_turns_browser.py` does: with one slot, a second visitor sees its "
                         "place, and when the long job's tab closes the next in line starts within seconds.")
    lines += ["", DOC_END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--code", type=Path, default=None, help="serve this checkout's code instead of this one's")
    parser.add_argument("--label", default=None, help="names the results file of a --code run")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from embdash.config import load_settings
    from embdash.jobs import default_slots
    from tests.browser.conftest import running_server

    code = (args.code or REPO).resolve()
    label = args.label or ("" if code == REPO else code.name)
    env = {"EMBDASH_READ_ONLY": "true", **({"PYTHONPATH": str(code)} if code != REPO else {})}
    settings = load_settings(environ={})
    data_dir = Path(tempfile.mkdtemp(prefix="embdash-fair-load-"))
    with running_server(data_dir, env=env, repo=code) as base:
        result = asyncio_in_thread(_run(base, args.seconds))
    result.update(
        date=datetime.now(timezone.utc).date().isoformat(), label=label or "this checkout", seconds=args.seconds,
        cpus=os.cpu_count(), max_jobs=settings.max_jobs or default_slots(), job_seconds=settings.job_seconds,
        job_texts=settings.job_texts, server_errors=server_errors(data_dir),
    )
    result["ratios"] = ratios(result)
    print(json.dumps({k: v for k, v in result.items() if k not in ("alone", "with_hostile")}, indent=2))
    for phase in ("alone", "with_hostile"):
        print(phase, json.dumps(result[phase]["summary"]), json.dumps(result[phase].get("hostile_steps", [])))
    shutil.rmtree(data_dir, ignore_errors=True)
    if args.no_write:
        return
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    name = f"fair-load-{result['date']}" + (f"-{label}" if label else "")
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    if not label:
        before_files = sorted(RESULTS_DIR.glob(f"fair-load-{result['date']}-*.json"))
        before = json.loads(before_files[-1].read_text()) if before_files else None
        write_section(markdown_section(result, before), DOC_START, DOC_END)


def asyncio_in_thread(coroutine):
    # A thread of its own, as bench_load does: asyncio.run refuses to start where another event loop runs.
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


if __name__ == "__main__":
    main()
