"""The hostile inputs every loading route is tested with: the library, the CLI and the upload widget.

Small files live in tests/fixtures/hostile/ (written by `python -m tests.hostile_inputs`); the two big
ones (a 10 MB cell, a million rows) are generated where a test needs them, not committed.
Each case says what must happen: a plain-English CorpusError matching `error`, or a corpus whose
texts pass `check`.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

FOLDER = Path(__file__).parent / "fixtures" / "hostile"

RANDOM_BYTES = np.random.default_rng(7).integers(0, 256, 20_000, dtype=np.uint8).tobytes()
WORLD_TEXTS = ["Grüße aus Köln 👋🏽", "مرحبا بالعالم", "שלום עולם", "你好，世界", "こんにちは世界", "🙂🙃 emoji only 🎉"]
MARKUP_TEXTS = [
    "<script>window.__embdash_xss = 1</script>",
    '<img src=x onerror="window.__embdash_xss = 2">',
    "<b>bold?</b> [a link](javascript:alert(1)) **stars**",
]
FORMULA_TEXTS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1"]
MISSING_LIKE_TEXTS = ["NaN", "None", "null", "N/A", "", "a real sentence"]


def reads_as_formula(cell: str) -> bool:
    """An independent statement of the danger: after white space and invisible characters (which a
    spreadsheet may trim), the first character is, or folds under NFKC to, = + - @ or ;."""
    if cell[:1] in ("\t", "\r"):
        return True
    visible = [c for c in cell if not (c.isspace() or unicodedata.category(c)[0] in "CZ")]
    return bool(visible) and unicodedata.normalize("NFKC", visible[0])[:1] in set("=+-@;\u2212")


def is_number(cell: str) -> bool:
    """Negative numbers (coordinates, the unclustered label -1) start with '-' but are not formulas."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class HostileCase:
    name: str
    filename: str
    content: Callable[[], bytes]
    error: str | None = None  # regex the CorpusError message must match; None: the file must load
    check: Callable[[list[str]], bool] | None = None  # on the loaded texts
    big: bool = False  # generated at test time, not committed

    def path(self, folder: Path | None = None) -> Path:
        return (folder or FOLDER) / self.filename

    def write(self, folder: Path) -> Path:
        path = self.path(folder)
        path.write_bytes(self.content())
        return path


def _csv(rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def _texts_csv(texts: list[str], encoding: str = "utf-8") -> bytes:
    return _csv([["id", "text"], *[[str(i), t] for i, t in enumerate(texts)]], encoding)


def _parquet_cut() -> bytes:
    import pandas as pd

    buffer = io.BytesIO()
    pd.DataFrame({"text": [f"sentence number {i}" for i in range(200)]}).to_parquet(buffer)
    return buffer.getvalue()[:300]


def _million_rows() -> bytes:
    return ("text\n" + "".join(f"row {i}\n" for i in range(1_000_000))).encode()


def _bomb(builder: str) -> Callable[[], bytes]:
    def build() -> bytes:
        from bench import bench_reader_bombs

        return getattr(bench_reader_bombs, builder)()

    return build


ACCENTED = ["café au lait", "naïve résumé", "smørrebrød", "Straße"]

CASES = [
    HostileCase("empty file", "empty.csv", lambda: b"", error="empty"),
    HostileCase("only whitespace", "whitespace.csv", lambda: b" \n\r\n\t\n", error="empty|no data|no rows"),
    HostileCase("header only", "header_only.csv", lambda: b"id,text,label\n", error=r"header row \(id, text, label\) but no data rows"),
    HostileCase("no text-like column", "numbers_only.csv", lambda: b"year,count,score\n2020,3,0.5\n2021,4,0.7\n", error="no column of text"),
    HostileCase("binary garbage named .csv", "garbage.csv", lambda: RANDOM_BYTES, error="does not look like a text file"),
    HostileCase("garbage named .xlsx", "garbage.xlsx", lambda: RANDOM_BYTES[:4000], error="xlsx|Excel|workbook"),
    HostileCase("truncated parquet", "truncated.parquet", _parquet_cut, error="Parquet|parquet"),
    HostileCase("unclosed quote", "unclosed_quote.csv", lambda: b'id,text\n1,"this quote never ends\n2,fine\n', error="quote|could not|parse"),
    HostileCase("invalid JSON", "broken.json", lambda: b'[{"text": "a"}, {"text": ', error="JSON|json"),
    HostileCase("empty text column", "empty_texts.csv", lambda: b"id,text\n1,\n2,   \n3,\n", error="empty in every row|no column of text"),
    HostileCase("only NUL bytes", "nul_only.csv", lambda: b"\x00" * 2000, error="nothing but NUL bytes"),
    HostileCase(
        "wrong delimiter (semicolons in a .csv)", "semicolons.csv",
        lambda: _csv([["id", "text"], ["1", "one, with a comma"], ["2", "two"]], delimiter=";"),
        check=lambda texts: texts == ["one, with a comma", "two"],
    ),
    HostileCase("Latin-1 encoding", "latin1.csv", lambda: _texts_csv(ACCENTED, "latin-1"), check=lambda texts: texts == ACCENTED),
    HostileCase("UTF-16 encoding", "utf16.csv", lambda: _texts_csv(ACCENTED + WORLD_TEXTS, "utf-16"), check=lambda texts: texts == ACCENTED + WORLD_TEXTS),
    HostileCase("UTF-8 with BOM", "utf8_bom.csv", lambda: _texts_csv(ACCENTED, "utf-8-sig"), check=lambda texts: texts == ACCENTED),
    HostileCase(
        "NUL bytes inside texts", "nul_inside.csv", lambda: b"id,text\n1,hel\x00lo\n2,wor\x00ld\n",
        check=lambda texts: texts == ["hello", "world"],
    ),
    HostileCase(
        "ragged rows", "ragged.csv", lambda: b"id,text\n1,fine\n2,too,many\n3,also fine\n4\n",
        check=lambda texts: texts[0] == "fine" and "also fine" in texts,
    ),
    HostileCase("missing-value words as texts", "missing_like.csv", lambda: _texts_csv(MISSING_LIKE_TEXTS), check=lambda texts: texts == MISSING_LIKE_TEXTS),
    HostileCase("emoji, right-to-left and CJK", "world_scripts.csv", lambda: _texts_csv(WORLD_TEXTS), check=lambda texts: texts == WORLD_TEXTS),
    HostileCase("HTML and <script> in texts", "markup.csv", lambda: _texts_csv(MARKUP_TEXTS), check=lambda texts: texts == MARKUP_TEXTS),
    HostileCase("spreadsheet formulas in texts", "formulas.csv", lambda: _texts_csv(FORMULA_TEXTS), check=lambda texts: texts == FORMULA_TEXTS),
    HostileCase(
        "numbers in the text column", "numeric_texts.csv", lambda: b"text,label\n1,a\n2,b\n3.5,c\n",
        check=lambda texts: texts == ["a", "b", "c"],  # the letters, not the numbers, are the texts
    ),
    HostileCase("a single 10 MB cell", "huge_cell.csv", lambda: b"text\n" + b"x" * 10_000_000 + b"\n", check=lambda texts: [len(t) for t in texts] == [10_000_000], big=True),
    HostileCase("a million short rows", "million_rows.csv", _million_rows, check=lambda texts: len(texts) == 1_000_000 and texts[-1] == "row 999999", big=True),
    # Decompression bombs (bench/bench_reader_bombs.py builds and measures them), refused by the default limits.
    HostileCase("a 48 KB parquet of 2 million rows", "bomb_rows.parquet", _bomb("parquet_rows_bomb"),
                error=r"has 2,000,000 rows, over this server's limit of 1,000,000 \(the setting EMBDASH_MAX_ROWS\)", big=True),
    HostileCase("a 400 KB xlsx with a 124 MB sheet", "bomb_rows.xlsx", _bomb("xlsx_bomb"),
                error=r"more than 1,000,000 rows.*EMBDASH_MAX_ROWS", big=True),
    HostileCase("a 20,000-column header over short lines", "bomb_wide.csv", _bomb("csv_wide_bomb"),
                error=r"more than 512 MB of data once read.*EMBDASH_MAX_EXPANDED_MB", big=True),
]

OVER_LIMIT = HostileCase(
    # Loaded with a 1 KB limit by the tests: a file of the real limit would be 200 MB.
    "a file over the upload limit", "over_limit.csv", lambda: _texts_csv(["a fairly ordinary sentence"] * 100),
    error=r"over the .* limit",
)

ALL_CASES = CASES + [OVER_LIMIT]
SMALL_CASES = [case for case in ALL_CASES if not case.big]


def write_fixtures() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for case in SMALL_CASES:
        case.write(FOLDER)


if __name__ == "__main__":
    write_fixtures()
    print(f"wrote {len(SMALL_CASES)} files to {FOLDER}")
