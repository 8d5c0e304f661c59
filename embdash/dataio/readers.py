"""Reading uploaded files into frames: format detection, decoding, delimiter sniffing, JSON, Excel, Parquet.

Reading is deliberately forgiving (odd encodings, delimiters, ragged lines, stray NUL bytes are
fixed and reported in `LoadReport.warnings`) and failures are deliberately plain: anything that
cannot be read raises `CorpusError` with one sentence the Data page shows as it is.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import unicodedata
import warnings as py_warnings
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from embdash.dataio.frames import normalise_frame
from embdash.dataio.limits import CELL_BYTES, ReadBudget, ReadLimits
from embdash.errors import CorpusError

DEFAULT_MAX_BYTES = 200 * 1024 * 1024  # Streamlit's default upload cap (server.maxUploadSize)

# Extension -> format. Anything else with an extension is refused; no extension means "sniff".
EXTENSION_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "xls",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".txt": "text",
}
BINARY_FORMATS = {"excel", "xls", "parquet"}
SUPPORTED_FORMATS_SENTENCE = (
    "upload CSV, TSV, Excel (.xlsx), Parquet, JSON Lines (.jsonl, .ndjson), a JSON array (.json) "
    "or plain text (.txt, one document per line)"
)

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
SNIFF_CHARS = 64 * 1024  # enough rows to judge a delimiter, small enough to be instant
SNIFF_ROWS = 200
SPLIT_SHARE = 0.7  # a delimiter must appear in this share of data rows to count as the delimiter

TEXT_COLUMN_NAMES = {
    "text", "texts", "body", "content", "contents", "document", "doc", "description",
    "review", "comment", "comments", "message", "sentence", "abstract", "summary", "post", "tweet",
}
MISSING_WORDS = {"na", "n/a", "#n/a", "nan", "null", "none", "-", "--", "?", "missing"}
GUESS_SAMPLE_ROWS = 5000  # guessing on the head keeps a million-row upload snappy

_LINE = re.compile(r"[^\r\n]+")  # the non-empty lines between \r\n, \r or \n


@dataclass(frozen=True)
class LoadReport:
    """What the loader detected, for the Data page to show."""

    format: str  # csv, tsv, excel, parquet, jsonl, json, text
    encoding: str | None  # utf-8, utf-8-sig, utf-16, cp1252, latin-1, ...; None for binary formats
    delimiter: str | None
    n_rows: int
    columns: list[str]
    text_column_guess: str | None
    warnings: list[str] = field(default_factory=list)  # non-fatal: lines skipped, NULs removed, ...


def read_table(
    data: bytes | BinaryIO | str | os.PathLike,
    filename: str | None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    limits: ReadLimits | None = None,
) -> tuple[pd.DataFrame, LoadReport]:
    """Read an uploaded file (CSV, TSV, Excel, Parquet, JSON Lines, plain text) into a frame.

    Detects encoding and delimiter. Raises CorpusError with a plain message for anything unreadable, and
    its subclass TableTooLarge, while reading, for a table over `limits` (rows, or bytes once read;
    default: EMBDASH_MAX_ROWS and EMBDASH_MAX_EXPANDED_MB from the environment).
    `data` may also be a path; `filename` (for the extension and messages) then defaults to its name.
    """
    if filename is None and isinstance(data, (str, os.PathLike)):
        filename = Path(data).name
    label = display_name(filename)
    raw = _read_source(data, label, max_bytes)
    if not raw.strip():
        raise CorpusError(f"{label} is empty.")

    declared = format_from_extension(filename)
    budget = ReadBudget(limits or ReadLimits.from_environment(), label)
    result = _read_any(raw, declared, label, budget)

    frame = normalise_frame(result.frame)
    _check_has_rows(frame, label)
    report = LoadReport(
        format=result.format,
        encoding=result.encoding,
        delimiter=result.delimiter,
        n_rows=len(frame),
        columns=list(frame.columns),
        text_column_guess=guess_text_column(frame),
        warnings=result.warnings,
    )
    return frame, report


def guess_text_column(frame: pd.DataFrame) -> str | None:
    """The likeliest text column: string-typed, mostly non-empty, longest mean length, most distinct."""
    best_name, best_score = None, 0.0
    for name in frame.columns:
        score = text_column_score(frame[name], str(name))
        if score > best_score:
            best_name, best_score = name, score
    return None if best_name is None else str(best_name)


def text_column_score(column: pd.Series, name: str) -> float:
    """How text-like a column is (0 = not text at all). Exposed so the UI can rank its choices."""
    head = column.iloc[:GUESS_SAMPLE_ROWS]
    if not _holds_strings(head):
        return 0.0
    values = [v for v in head.tolist() if isinstance(v, str)]
    filled = [v for v in values if v.strip()]
    if not filled or _mostly_numbers(filled):
        return 0.0
    fill_share = len(filled) / max(len(head), 1)
    mean_length = sum(len(v) for v in filled) / len(filled)
    distinct_share = len(set(filled)) / len(filled)
    # Sentences have spaces; ids, codes and URLs don't. Mild, because CJK text has no spaces either.
    spaced_share = sum(1 for v in filled if " " in v.strip()) / len(filled)
    score = (
        math.log1p(mean_length)
        * fill_share
        * (0.3 + 0.7 * distinct_share)
        * (0.6 + 0.4 * spaced_share)
    )
    if name.strip().lower() in TEXT_COLUMN_NAMES:
        score *= 1.5
    return score


def format_from_extension(filename: str | None) -> str | None:
    """The format a file's extension names; None when there is no extension (then content decides)."""
    if not filename:
        return None
    suffix = Path(filename).suffix.lower()
    if not suffix:
        return None
    if suffix not in EXTENSION_FORMATS:
        raise CorpusError(f"{display_name(filename)} has an unsupported file type ({suffix}); {SUPPORTED_FORMATS_SENTENCE}.")
    return EXTENSION_FORMATS[suffix]


def detect_delimiter(text: str, preferred: str = ",") -> str:
    """The delimiter among , ; tab | that splits the first rows most consistently.

    The header decides the column count (as it does for pandas), so a delimiter must split the
    header and appear in most data rows; among those, the one whose rows match the header most
    often wins. csv.Sniffer only breaks ties: it is easily fooled by punctuation inside texts.
    A single-column file (texts with stray commas) keeps a delimiter that never splits its header.
    """
    sample = _sample_rows_text(text)
    sniffed = _sniff_delimiter(sample)
    preference = list(dict.fromkeys([d for d in (sniffed, preferred) if d] + list(DELIMITERS)))

    def rank(delimiter: str) -> tuple:
        fit = _delimiter_fit(sample, delimiter)
        return (fit.splits_well, fit.exact_share, fit.present_share, -preference.index(delimiter))

    return max(preference, key=rank)


@dataclass
class _ReadResult:
    frame: pd.DataFrame
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    warnings: list[str] = field(default_factory=list)


def _read_source(data, label: str, max_bytes: int) -> bytes:
    """The upload's bytes, refusing anything over max_bytes before reading it all."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        _check_size(len(raw), max_bytes, label)
        return raw
    if isinstance(data, (str, os.PathLike)):
        path = Path(data)
        try:
            _check_size(path.stat().st_size, max_bytes, label)
            return path.read_bytes()
        except OSError as exc:
            raise CorpusError(f"{label} could not be opened ({exc.strerror or exc}).") from exc
    size = getattr(data, "size", None)  # Streamlit's UploadedFile knows its size
    if isinstance(size, int):
        _check_size(size, max_bytes, label)
    if hasattr(data, "seek"):
        try:
            data.seek(0)
        except (OSError, ValueError):
            pass  # a non-seekable stream: read from where it is
    raw = data.read(max_bytes + 1)
    if isinstance(raw, str):  # a text-mode handle: treat as UTF-8 text
        raw = raw.encode("utf-8")
    if len(raw) > max_bytes:
        raise CorpusError(f"{label} is over the {_format_size(max_bytes)} limit; upload a smaller file or a sample of its rows.")
    return raw


def _check_size(n_bytes: int, max_bytes: int, label: str) -> None:
    if n_bytes > max_bytes:
        raise CorpusError(
            f"{label} is {_format_size(n_bytes)}, over the {_format_size(max_bytes)} limit; "
            "upload a smaller file or a sample of its rows."
        )


def _read_any(raw: bytes, declared: str | None, label: str, budget: ReadBudget) -> _ReadResult:
    """Pick the reader: a binary signature wins, then the extension, then a look at the text."""
    notes: list[str] = []
    signature = _binary_signature(raw)
    if signature:
        if declared and declared != signature:
            notes.append(f"The file's name says {_format_title(declared)} but it holds {_format_title(signature)}; it was read as such.")
        result = _guarded(partial(_read_binary, budget=budget), raw, signature, label)
        result.warnings[:0] = notes
        return result
    if declared in BINARY_FORMATS:
        # Renamed files happen ("export.xlsx" that is really CSV): read the text if it is text.
        try:
            text, encoding, decode_notes = decode_text(raw, label)
        except CorpusError as exc:
            raise _not_valid_binary(declared, label) from exc
        notes.append(f"The file's name says {_format_title(declared)} but it holds text; it was read as text.")
        declared = None
    else:
        text, encoding, decode_notes = decode_text(raw, label)
    if not text.strip():
        raise CorpusError(f"{label} is empty.")
    fmt = declared or _sniff_text_format(text)
    result = _guarded(partial(_read_text_format, budget=budget), text, fmt, label)
    result.encoding = encoding
    result.warnings[:0] = notes + decode_notes
    return result


def _guarded(reader, payload, fmt: str, label: str) -> _ReadResult:
    """Run a reader, turning any library exception into a CorpusError the page can show."""
    try:
        return reader(payload, fmt, label)
    except CorpusError:
        raise
    except MemoryError as exc:
        raise CorpusError(f"{label} is too large to read into memory; upload a sample of its rows.") from exc
    except Exception as exc:  # noqa: BLE001 - the UI must never show a library traceback
        if fmt in BINARY_FORMATS:  # library messages about footers and zip headers help nobody here
            raise _not_valid_binary(fmt, label) from exc
        raise CorpusError(f"{label} could not be read as {_format_title(fmt)} ({_short_reason(exc)}).") from exc


def _not_valid_binary(fmt: str, label: str) -> CorpusError:
    return CorpusError(
        f"{label} is not a valid {_format_title(fmt, article=False)} file "
        "(it may be truncated, corrupted or saved in another format)."
    )


def _read_binary(raw: bytes, fmt: str, label: str, budget: ReadBudget) -> _ReadResult:
    if fmt == "parquet":
        from embdash.dataio.bounded import read_parquet

        return _ReadResult(frame=read_parquet(raw, budget), format="parquet")
    if fmt == "xls":
        try:
            import xlrd  # noqa: F401 - only needed for old workbooks
        except ImportError as exc:
            raise CorpusError(f"{label} is an old Excel 97-2003 workbook (.xls); save it as .xlsx or CSV and upload that.") from exc
        return _read_excel(raw, label, "xlrd", budget)
    return _read_excel(raw, label, "openpyxl", budget)


def _read_excel(raw: bytes, label: str, engine: str, budget: ReadBudget) -> _ReadResult:
    """The first sheet that has data; other sheets are mentioned, not read."""
    from embdash.dataio import bounded

    if engine == "openpyxl":  # opening the workbook reads its shared strings whole: check their size first
        bounded.check_xlsx_parts(raw, budget)
    with pd.ExcelFile(io.BytesIO(raw), engine=engine) as workbook:
        sheet_names = list(workbook.sheet_names)
        notes: list[str] = []
        for sheet in sheet_names:
            if engine == "openpyxl":  # an .xlsx is a zip: a tiny one can unpack to a sheet of millions of rows
                bounded.check_xlsx_sheet(workbook.book[sheet], ReadBudget(budget.limits, label))
            frame = workbook.parse(sheet, keep_default_na=False, na_values=[""])
            if len(frame.columns) > 0:
                break
        else:
            raise CorpusError(f"{label} has no data in any of its sheets.")
    budget.add(len(frame), bounded.frame_bytes(frame))
    if len(sheet_names) > 1:
        notes.append(f"The workbook has {len(sheet_names)} sheets; only {sheet!r} was read.")
    return _ReadResult(frame=frame, format="excel", warnings=notes)


def _read_text_format(text: str, fmt: str, label: str, budget: ReadBudget) -> _ReadResult:
    if fmt == "text":
        return _ReadResult(frame=_read_lines(text, budget), format="text")
    if fmt == "json":
        return _read_json_document(text, label, budget)
    if fmt == "jsonl":
        return _read_json_lines(text, label, budget)
    preferred = "\t" if fmt == "tsv" else ","
    return _read_delimited(text, preferred, label, budget)


def _binary_signature(raw: bytes) -> str | None:
    """Formats recognisable from their first bytes."""
    if raw.startswith(b"PAR1"):
        return "parquet"
    if raw.startswith(b"PK\x03\x04"):
        return "excel"  # a zip: xlsx is the only zip format we read
    if raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"  # OLE2 container of Excel 97-2003
    return None


def _sniff_text_format(text: str) -> str:
    """For a file without a usable extension: JSON if it looks like it, else delimited, else lines."""
    start = text.lstrip()[:1]
    if start == "[":
        return "json"
    if start == "{":
        return "jsonl"
    sample = _sample_rows_text(text)
    if any(_delimiter_fit(sample, delimiter).splits_well for delimiter in DELIMITERS):
        return "csv"
    return "text"


BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
MAX_CONTROL_SHARE = 0.05  # real text has ~0 control characters; random bytes have ~10-25 %


def decode_text(raw: bytes, label: str = "The file") -> tuple[str, str, list[str]]:
    """Decode a text file: BOM, else BOM-less UTF-16, else UTF-8, else a legacy code page.

    Returns (text, encoding, warnings). NUL bytes are removed (and reported); binary data raises CorpusError.
    """
    notes: list[str] = []
    encoding = _bom_encoding(raw) or _bomless_utf16(raw)
    if encoding is None:
        n_nul = raw.count(b"\x00")
        if n_nul:
            raw = raw.replace(b"\x00", b"")
            notes.append(_nul_note(n_nul))
            if not raw.strip():
                raise CorpusError(f"{label} contains nothing but NUL bytes.")
        _refuse_binary(raw[: 4 * SNIFF_CHARS], label)
        encoding, legacy_note = _text_encoding(raw)
        if legacy_note:
            notes.append(legacy_note)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{label} does not look like a text file (it is not valid {encoding}); {SUPPORTED_FORMATS_SENTENCE}.") from exc
    if "\x00" in text:  # UTF-16/32 files can still carry NUL characters
        notes.append(_nul_note(text.count("\x00")))
        text = text.replace("\x00", "")
    if _control_share(text[: 4 * SNIFF_CHARS]) > MAX_CONTROL_SHARE:
        raise _binary_error(label)
    return text, encoding, notes


def _bom_encoding(raw: bytes) -> str | None:
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            return encoding
    return None


def _bomless_utf16(raw: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte, on one side."""
    sample = raw[: 4 * SNIFF_CHARS]
    half = len(sample) // 2
    if half < 2:
        return None
    even_nuls = sample[0::2].count(0) / half
    odd_nuls = sample[1::2].count(0) / half
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))  # tabs/newlines/ESC are text


def _refuse_binary(sample: bytes, label: str) -> None:
    if not sample:
        return
    n_control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if n_control / len(sample) > MAX_CONTROL_SHARE:
        raise _binary_error(label)


def _binary_error(label: str) -> CorpusError:
    return CorpusError(f"{label} does not look like a text file (it contains binary data); {SUPPORTED_FORMATS_SENTENCE}.")


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    n_control = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\x0b\x0c\x1b")
    return n_control / len(text)


def _text_encoding(raw: bytes) -> tuple[str, str | None]:
    """UTF-8 if it decodes; else a legacy code page, with a warning to show."""
    try:
        raw.decode("utf-8")
        return "utf-8", None
    except UnicodeDecodeError:
        pass
    encoding = _legacy_encoding(raw)
    note = (
        f"The file is not UTF-8; it was read as {encoding}. "
        "If accented letters look wrong, save it as UTF-8 and upload it again."
    )
    return encoding, note


def _legacy_encoding(raw: bytes) -> str:
    """charset-normalizer for non-Latin scripts (Cyrillic, Greek, CJK...); cp1252, then Latin-1, otherwise.

    charset-normalizer often names a Central-European page (cp1250) for short Western texts,
    which turns "ï" into "ď"; Western European files are far more common, so cp1252 wins unless
    the detected encoding yields mostly non-Latin letters.
    """
    guess = _charset_normalizer_guess(raw)
    if guess and _mostly_non_latin(raw[: 4 * SNIFF_CHARS], guess):
        try:
            raw.decode(guess)
            return guess
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        raw.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"  # decodes any bytes


def _charset_normalizer_guess(raw: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional at runtime: cp1252/Latin-1 still work
        return None
    best = from_bytes(raw[: 1024 * 1024]).best()
    return best.encoding if best is not None else None


def _mostly_non_latin(sample: bytes, encoding: str) -> bool:
    text = sample.decode(encoding, errors="ignore")
    letters = [ch for ch in text if ord(ch) > 127 and ch.isalpha()]
    if not letters:
        return False
    non_latin = sum(1 for ch in letters if not unicodedata.name(ch, "").startswith("LATIN"))
    return non_latin / len(letters) > 0.5


def _nul_note(count: int) -> str:
    return f"Removed {count} NUL byte{'s' if count != 1 else ''} (\\x00) from the file."


def _read_delimited(text: str, preferred: str, label: str, budget: ReadBudget) -> _ReadResult:
    from embdash.dataio import bounded

    delimiter = detect_delimiter(text, preferred)
    options = dict(
        sep=delimiter,
        keep_default_na=False,  # "NA", "null", "None" are texts an analyst wrote
        na_values=[""],
        index_col=False,  # never turn the first column into the index
        on_bad_lines="warn",  # skip rows with too many fields, and count them
        low_memory=False,  # one dtype per column, not per chunk
    )
    n_columns = _delimiter_fit(_sample_rows_text(text), delimiter).header_fields
    with py_warnings.catch_warnings(record=True) as caught:
        py_warnings.simplefilter("always")
        try:
            frame = bounded.read_csv(text, options, n_columns, budget)
        except pd.errors.EmptyDataError as exc:
            raise CorpusError(f"{label} is empty.") from exc
        except pd.errors.ParserError as exc:
            raise CorpusError(_parser_error_message(exc, label)) from exc
    notes = _parser_notes(caught)
    fmt = "tsv" if delimiter == "\t" else "csv"
    return _ReadResult(frame=frame, format=fmt, delimiter=delimiter, warnings=notes)


def _parser_error_message(exc: Exception, label: str) -> str:
    found = re.search(r"EOF inside string starting at row (\d+)", str(exc))
    if found:
        return (
            f"{label} has a quote (\") that is never closed, starting near data row {found.group(1)}; "
            "fix the quoting or save the file again from a spreadsheet."
        )
    return f"{label} could not be read as CSV ({_short_reason(exc)})."


def _parser_notes(caught: list) -> list[str]:
    messages = [str(w.message) for w in caught]
    notes = []
    skipped = sum(len(re.findall(r"Skipping line \d+", m)) for m in messages)
    if skipped:
        notes.append(
            f"Skipped {skipped} line{'s' if skipped != 1 else ''} with more fields than the header "
            "(check for unquoted delimiters in those lines)."
        )
    if any("loss of data" in m for m in messages):
        notes.append("Some rows have more fields than the header; the extra fields were dropped.")
    return notes


def _sample_rows_text(text: str) -> str:
    """The first SNIFF_CHARS characters, cut after the last complete line."""
    if len(text) <= SNIFF_CHARS:
        return text
    sample = text[:SNIFF_CHARS]
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    return sample[: cut + 1] if cut > 0 else sample


def _sniff_delimiter(sample: str) -> str | None:
    try:
        return csv.Sniffer().sniff(sample[:16 * 1024], delimiters="".join(DELIMITERS)).delimiter
    except Exception:  # noqa: BLE001 - Sniffer raises csv.Error and worse on odd input
        return None


@dataclass(frozen=True)
class _DelimiterFit:
    header_fields: int  # fields in the first row: pandas makes this many columns
    exact_share: float  # share of data rows with exactly that many fields
    present_share: float  # share of data rows the delimiter splits at all

    @property
    def splits_well(self) -> bool:
        return self.header_fields > 1 and self.present_share >= SPLIT_SHARE


def _delimiter_fit(sample: str, delimiter: str) -> _DelimiterFit:
    """How well `delimiter` splits the sample's first rows into a table."""
    counts: list[int] = []
    try:
        for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if row:
                counts.append(len(row))
            if len(counts) > SNIFF_ROWS:
                break
    except csv.Error:
        return _DelimiterFit(0, 0.0, 0.0)
    if len(counts) > 2 and len(sample) >= SNIFF_CHARS:
        counts = counts[:-1]  # the last row may be cut short by the sample
    if not counts:
        return _DelimiterFit(0, 0.0, 0.0)
    header, data = counts[0], counts[1:] or counts[:1]
    exact = sum(1 for n in data if n == header) / len(data)
    present = sum(1 for n in data if n > 1) / len(data)
    return _DelimiterFit(header, exact, present)


def _read_json_document(text: str, label: str, budget: ReadBudget) -> _ReadResult:
    """A .json file: an array of objects (or strings); a JSON Lines file named .json also works."""
    from embdash.dataio import bounded

    try:
        document = bounded.json_document(text, budget)
    except json.JSONDecodeError as exc:
        if text.lstrip().startswith("{"):
            result = _read_json_lines(text, label, ReadBudget(budget.limits, label))
            result.warnings.insert(0, "The .json file holds one JSON object per line; it was read as JSON Lines.")
            return result
        raise CorpusError(f"{label} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") from exc
    records = _records_in(document)
    if records is None:
        raise CorpusError(f"{label} must hold a JSON array of objects, one per document.")
    if not isinstance(document, list):  # counted as it was parsed when it was a list
        budget.add(len(records), 0)
    return _ReadResult(frame=_records_to_frame(records, label), format="json")


def _records_in(document: Any) -> list | None:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        lists = [v for v in document.values() if isinstance(v, list)]
        if len(lists) == 1 and all(isinstance(r, dict) for r in lists[0]):
            return lists[0]  # {"data": [{...}, ...]}
        if lists and len(lists) == len(document) and len({len(v) for v in lists}) == 1:
            n = len(lists[0])
            return [{k: v[i] for k, v in document.items()} for i in range(n)]  # column-oriented
    return None


def _read_json_lines(text: str, label: str, budget: ReadBudget) -> _ReadResult:
    records, n_bad = [], 0
    for found in _LINE.finditer(text):
        line = found.group()
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            n_bad += 1
            continue
        budget.add(1, len(line) + CELL_BYTES * (len(record) if isinstance(record, dict) else 1))
        records.append(record)
    if not records:
        raise CorpusError(f"{label} has no valid JSON lines; each line must be one JSON object.")
    notes = [f"Skipped {n_bad} line{'s' if n_bad != 1 else ''} that were not valid JSON."] if n_bad else []
    return _ReadResult(frame=_records_to_frame(records, label), format="jsonl", warnings=notes)


def _records_to_frame(records: list, label: str) -> pd.DataFrame:
    """Objects become rows; bare strings become a `text` column; nested values are kept as JSON text."""
    if not records:
        raise CorpusError(f"{label} has no rows.")
    rows = []
    for record in records:
        if isinstance(record, dict):
            rows.append({str(k): _flatten_json(v) for k, v in record.items()})
        elif isinstance(record, str):
            rows.append({"text": record})
        else:
            raise CorpusError(f"{label} must hold JSON objects (one per document), but found {type(record).__name__} values.")
    return pd.DataFrame.from_records(rows)


def _flatten_json(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _read_lines(text: str, budget: ReadBudget) -> pd.DataFrame:
    """One document per line; blank lines separate nothing and are dropped."""
    lines = []
    for found in _LINE.finditer(text):  # lazily: a file of newlines alone would make a list of millions
        line = found.group()
        if line.strip():
            budget.add(1, len(line) + CELL_BYTES)
            lines.append(line)
    return pd.DataFrame({"text": pd.Series(lines, dtype="str")})


def _holds_strings(column: pd.Series) -> bool:
    if pd.api.types.is_string_dtype(column.dtype) and column.dtype != object:
        return True
    if column.dtype == object:
        return pd.api.types.infer_dtype(column, skipna=True) == "string"
    return False


def _mostly_numbers(values: list[str]) -> bool:
    """Strings that are really numbers (a numeric column with a stray "n/a") are not texts."""
    sample = [v.strip() for v in values[:500] if v.strip().lower() not in MISSING_WORDS]
    if not sample:
        return True  # nothing but "n/a", "-", "null"...
    numeric = pd.to_numeric(pd.Series(sample, dtype="str"), errors="coerce").notna().sum()
    return numeric / len(sample) > 0.9


def _check_has_rows(frame: pd.DataFrame, label: str) -> None:
    if len(frame.columns) == 0:
        raise CorpusError(f"{label} is empty.")
    if len(frame) == 0:
        raise CorpusError(f"{label} has a header row ({column_list(frame)}) but no data rows.")


def column_list(frame: pd.DataFrame, limit: int = 8) -> str:
    names = [str(c) for c in frame.columns]
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def display_name(filename: str | None) -> str:
    """'name.csv' in quotes for messages; never a full path (it may reveal the server's folders)."""
    if not filename:
        return "The file"
    return f"The file '{Path(str(filename)).name}'"


def _format_title(fmt: str, article: bool = True) -> str:
    titles = {
        "csv": "CSV", "tsv": "TSV", "excel": "an Excel workbook", "xls": "an Excel 97-2003 workbook",
        "parquet": "Parquet", "jsonl": "JSON Lines", "json": "JSON", "text": "plain text",
    }
    title = titles.get(fmt, fmt)
    return title if article else title.removeprefix("an ")


def _format_size(n_bytes: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n_bytes >= size:
            value = n_bytes / size
            return f"{value:.0f} {unit}" if value.is_integer() else f"{value:.1f} {unit}"
    return f"{n_bytes} bytes"


def _short_reason(exc: Exception) -> str:
    """The first line of a library's message, trimmed: enough to search for, never a traceback."""
    first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    first_line = first_line.rstrip(".")
    return first_line if len(first_line) <= 160 else first_line[:157] + "..."
