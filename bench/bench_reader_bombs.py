"""Small files that expand to huge tables, and how fast and how lean each is refused.

Each bomb is written to a temporary folder, then read in a process of its own (`read_table`, as the Data page
and the CLI do) and through `python -m embdash inspect`; the time to the refusal and the process's peak
resident memory (ru_maxrss, from wait4) are recorded. `--source DIR` measures another checkout's code (the
same bombs against the code before the limits, for the comparison).

    .venv/bin/python bench/bench_reader_bombs.py [--source DIR] [--only NAME ...] [--timeout 300] [--no-write]

Writes bench/results/reader-bombs-<date>.json and its section of docs/benchmarks.md (between its markers).
tests/test_read_limits.py builds the same bombs (smaller where the limits are lowered) and asserts the refusals.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

RESULTS_DIR = REPO / "bench" / "results"
DOC = REPO / "docs" / "benchmarks.md"
DOC_START, DOC_END = "<!-- bench_reader_bombs:start -->", "<!-- bench_reader_bombs:end -->"

REPEATED_TEXT = "All work and no play makes a dull corpus. " * 5  # 210 characters, the same in every row


# ---- the bombs -----------------------------------------------------------------------------------


def parquet_rows_bomb(n_rows: int = 2_000_000, text: str = REPEATED_TEXT) -> bytes:
    """One repeated text in every row: dictionary encoding and zstd shrink 2 M rows to tens of kilobytes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    column = pa.DictionaryArray.from_arrays(pa.array([0] * n_rows, pa.int32()), pa.array([text]))
    table = pa.table({"text": column.cast(pa.string())})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd", compression_level=19, row_group_size=1 << 20)
    return buffer.getvalue()


def parquet_bytes_bomb(n_rows: int = 900_000, text_chars: int = 2_000) -> bytes:
    """Under the row limit, but 1.8 GB of text once read."""
    return parquet_rows_bomb(n_rows, ("x" * 99 + " ") * (text_chars // 100))


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def xlsx_bomb(n_rows: int = 1_500_000, text: str = REPEATED_TEXT) -> bytes:
    """A workbook whose sheet has a header and n_rows identical rows (a shared string twice and two numbers),
    written as XML directly (openpyxl would take minutes). Rows and cells may leave out their positions
    (r="..."), so every row is the same bytes and deflate packs a 100 MB sheet into a few hundred kilobytes."""
    shared = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
              f"<si><t>text</t></si><si><t>{text}</t></si></sst>")
    header = "<row>" + "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in ("text", "title", "a", "b")) + "</row>"
    row = '<row><c t="s"><v>1</v></c><c t="s"><v>1</v></c><c><v>1</v></c><c><v>2</v></c></row>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/sharedStrings.xml", shared)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                         + header).encode())
            block = (row * 10_000).encode()
            for _ in range(n_rows // 10_000):
                sheet.write(block)
            sheet.write((row * (n_rows % 10_000) + "</sheetData></worksheet>").encode())
    return buffer.getvalue()


def csv_rows_bomb(n_rows: int = 1_500_000) -> bytes:
    """A repetitive CSV over the row limit (45 MB for 1.5 M rows)."""
    return ("id,text\n" + "".join(f"{i},the same short review again\n" for i in range(n_rows))).encode()


def csv_wide_bomb(n_columns: int = 20_000, n_rows: int = 200_000) -> bytes:
    """A header of 20,000 columns over 200,000 lines of two fields: pandas fills the other 19,998 of each row
    with blanks, 4 billion cells from 900 KB."""
    header = ",".join(f"c{i}" for i in range(n_columns))
    return (header + "\n" + "x,y\n" * n_rows).encode()


def json_array_bomb(n_rows: int = 1_500_000) -> bytes:
    return ("[" + ",".join(['{"text":"a"}'] * n_rows) + "]").encode()


def jsonl_bomb(n_rows: int = 1_500_000) -> bytes:
    return ('{"text":"a"}\n' * n_rows).encode()


def lines_bomb(n_rows: int = 3_000_000) -> bytes:
    return b"a\n" * n_rows


@dataclass(frozen=True)
class Bomb:
    name: str
    filename: str
    build: Callable[[], bytes]
    what: str


BOMBS = [
    Bomb("parquet, 2 M rows", "rows.parquet", parquet_rows_bomb, "2,000,000 rows x 210 characters, one value"),
    Bomb("parquet, 1.8 GB of text", "text.parquet", parquet_bytes_bomb, "900,000 rows x 2,000 characters"),
    Bomb("xlsx, 1.5 M rows", "rows.xlsx", xlsx_bomb, "1,500,000 rows, a shared 210-character string twice in each"),
    Bomb("csv, 1.5 M rows", "rows.csv", csv_rows_bomb, "1,500,000 rows, repetitive"),
    Bomb("csv, 20,000 columns", "wide.csv", csv_wide_bomb, "20,000-column header over 200,000 lines of two fields"),
    Bomb("json array, 1.5 M rows", "rows.json", json_array_bomb, "1,500,000 small objects"),
    Bomb("json lines, 1.5 M rows", "rows.jsonl", jsonl_bomb, "1,500,000 small objects"),
    Bomb("text, 3 M lines", "lines.txt", lines_bomb, "3,000,000 one-letter lines"),
]


# ---- measuring -----------------------------------------------------------------------------------

READ_ONE = """
import json, sys, time
start = time.perf_counter()
from embdash.dataio.readers import read_table
from embdash.errors import EmbdashError
try:
    frame, report = read_table(sys.argv[1], None)
    outcome = {"refused": False, "message": f"{len(frame):,} rows read"}
except EmbdashError as error:
    outcome = {"refused": True, "message": str(error)}
outcome["seconds"] = time.perf_counter() - start
print(json.dumps(outcome))
"""


def measured(argv: list[str], source: Path, timeout: float) -> dict:
    """Run argv with `source` first on the path; its wall time, peak memory (MB) and output."""
    env = {**os.environ, "PYTHONPATH": str(source), "HF_HUB_OFFLINE": "1"}
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=source, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        return {"seconds": timeout, "peak_mb": None, "exit": None, "stdout": "", "stderr": "timed out"}
    seconds = time.perf_counter() - start
    peak_kb = _child_peak_kb()
    return {"seconds": seconds, "peak_mb": peak_kb / 1024 if peak_kb else None, "exit": process.returncode,
            "stdout": out.strip()[-500:], "stderr": err.strip()[-500:]}


def _child_peak_kb() -> int:
    # The largest peak of any child so far: measured() runs in a process of its own (_isolated) with one child.
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def measure_bomb(bomb: Bomb, folder: Path, source: Path, timeout: float) -> dict:
    path = folder / bomb.filename
    raw = bomb.build()
    path.write_bytes(raw)
    python = str(REPO / ".venv" / "bin" / "python")
    reader = _isolated([python, "-c", READ_ONE, str(path)], source, timeout)
    inspect = _isolated([python, "-m", "embdash", "inspect", str(path)], source, timeout)
    return {"name": bomb.name, "file": bomb.filename, "what": bomb.what, "file_kb": len(raw) / 1024,
            "read_table": reader, "inspect": inspect}


def _isolated(argv: list[str], source: Path, timeout: float) -> dict:
    """measured() in a fresh intermediate process, so ru_maxrss is this command's own peak."""
    probe = (
        "import json, sys; sys.path.insert(0, %r); from bench.bench_reader_bombs import measured;"
        "print(json.dumps(measured(json.loads(sys.argv[1]), __import__('pathlib').Path(sys.argv[2]), float(sys.argv[3]))))"
    ) % str(REPO)
    done = subprocess.run([sys.executable, "-c", probe, json.dumps(argv), str(source), str(timeout)],
                          capture_output=True, text=True, timeout=timeout + 60)
    if done.returncode != 0:
        return {"seconds": None, "peak_mb": None, "exit": None, "stdout": "", "stderr": done.stderr[-500:]}
    return json.loads(done.stdout)


# ---- report --------------------------------------------------------------------------------------


def section(results: list[dict], before: list[dict] | None, when: str) -> str:
    lines = [
        "## Decompression bombs and row limits (`bench/bench_reader_bombs.py`)",
        "",
        f"{when}, {platform.machine()}, {os.cpu_count()} cores; default limits (EMBDASH_MAX_ROWS 1,000,000, "
        "EMBDASH_MAX_EXPANDED_MB 512). Each file is read in a process of its own: `read_table` (what the Data "
        "page and every command call) and the whole `python -m embdash inspect` command; time to the answer "
        "and the process's peak resident memory (ru_maxrss).",
        "",
        "| file | size | read_table | inspect | message |",
        "| --- | ---: | --- | --- | --- |",
    ]
    for result in results:
        lines.append(
            f"| {result['name']} ({result['what']}) | {_size(result['file_kb'])} | {_cell(result['read_table'])} "
            f"| {_cell(result['inspect'])} | {_message(result)} |"
        )
    if before:
        lines += ["", "The same files with the code before the limits (same measure; a time limit of "
                  f"{before[0].get('timeout', 300):.0f} s a run):", "",
                  "| file | read_table | inspect |", "| --- | --- | --- |"]
        for result in before:
            lines.append(f"| {result['name']} | {_cell(result['read_table'])} | {_cell(result['inspect'])} |")
        lines += ["", "Before, each of these files was read, not refused (or the run was stopped), and the Data page "
                  "then tokenised every row for its quality report, on every visit; that report is now a cached "
                  "stage (once per corpus and model)."]
    lines += ["", "The machine was shared with other jobs during the run (2 cores): times vary by up to 2x between "
              "runs; the memory figures do not."]
    return "\n".join(lines) + "\n"


def _size(kb: float) -> str:
    return f"{kb / 1024:,.1f} MB" if kb >= 1024 else f"{kb:,.0f} KB"


def _cell(run: dict) -> str:
    if run.get("seconds") is None:
        return "failed"
    if run.get("stderr") == "timed out":
        return f"> {run['seconds']:.0f} s (stopped)"
    peak = f", {run['peak_mb']:,.0f} MB" if run.get("peak_mb") else ""
    return f"{run['seconds']:.1f} s{peak}"


def _message(result: dict) -> str:
    try:
        text = json.loads(result["read_table"]["stdout"].splitlines()[-1])["message"]
    except (ValueError, IndexError, KeyError):
        text = result["read_table"].get("stderr", "")
    return text.replace("|", "/")


def write_section(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    block = f"{DOC_START}\n{text}{DOC_END}"
    if DOC_START in doc:
        head, rest = doc.split(DOC_START, 1)
        doc = head + block + rest.split(DOC_END, 1)[1]
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(doc, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=REPO, help="the checkout whose code reads the files")
    parser.add_argument("--before", type=Path, help="also measure this checkout (the code before the limits)")
    parser.add_argument("--only", nargs="*", help="bomb names containing any of these words")
    parser.add_argument("--before-only", nargs="*", help="with --before: only the bombs whose names contain these")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    bombs = [b for b in BOMBS if not args.only or any(word in b.name for word in args.only)]
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    with tempfile.TemporaryDirectory() as folder:
        results = [measure_bomb(bomb, Path(folder), args.source, args.timeout) for bomb in bombs]
        for result in results:
            print(json.dumps(result), flush=True)
        before = None
        if args.before:
            old = [b for b in bombs if not args.before_only or any(word in b.name for word in args.before_only)]
            before = [{**measure_bomb(bomb, Path(folder), args.before, args.timeout), "timeout": args.timeout}
                      for bomb in old]
            for result in before:
                print(json.dumps(result), flush=True)
    if not args.no_write:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out = RESULTS_DIR / f"reader-bombs-{when}.json"
        out.write_text(json.dumps({"results": results, "before": before}, indent=2), encoding="utf-8")
        write_section(section(results, before, when))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
