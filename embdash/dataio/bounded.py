"""Reading within limits: each format read so that a file over EMBDASH_MAX_ROWS or EMBDASH_MAX_EXPANDED_MB is
refused before, or while, it expands, never after (embdash.dataio.limits).

    Parquet   the footer's row count and stored sizes first (free), then row batches with texts kept
              dictionary-encoded until they are counted: a column of one value repeated costs nothing
    Excel     the zip directory's sizes, then a fast count of the sheet's <row> tags, then its rows
              streamed (openpyxl read-only) before pandas parses them
    CSV       read whole when its size and line count bound the table within the limits, else its rows are
              first counted by a parse of one column
    JSON      an array is parsed element by element; an object is parsed whole only when small
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pandas as pd

from embdash.dataio.limits import (
    CELL_BYTES,
    MB,
    ReadBudget,
    TableTooLarge,
    too_many_rows,
    too_much_data,
)

PARQUET_BATCH_ROWS = 65_536
#: An .xlsx sheet's XML is larger than its values (tags around every cell): this many bytes of XML per byte
#: of the limit are allowed before the sheet is refused unread.
XML_BYTES_PER_BYTE = 4
#: Python objects from a JSON object parsed whole take up to this many times its text (measured about 8x for
#: small records); a JSON array is counted element by element instead.
JSON_OBJECT_EXPANSION = 10


def frame_bytes(frame: pd.DataFrame) -> int:
    """What a frame's values take, as the limits count it: CELL_BYTES a cell plus the length of each text."""
    total = CELL_BYTES * frame.size
    for _, column in frame.items():
        if column.dtype == object:
            total += sum(len(value) for value in column.tolist() if isinstance(value, str))
        elif pd.api.types.is_string_dtype(column.dtype):
            total += int(column.str.len().sum())
    return total


# ---- Parquet -------------------------------------------------------------------------------------

_FIXED_WIDTHS = {"BOOLEAN": 1, "INT32": 4, "FLOAT": 4, "INT64": 8, "DOUBLE": 8, "INT96": 12}


def read_parquet(raw: bytes, budget: ReadBudget) -> pd.DataFrame:
    """A Parquet file as pandas reads it, refused from its footer or while its row batches are counted."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    plain = pq.ParquetFile(pa.BufferReader(raw))
    budget.check_rows(plain.metadata.num_rows)
    budget.check_bytes(_parquet_least_bytes(plain.metadata))
    schema = plain.schema_arrow
    texts = [f.name for f in schema if _is_text(f.type)]
    # Read as dictionaries, texts are counted from their distinct values and the indices: no batch expands.
    reader = pq.ParquetFile(pa.BufferReader(raw), read_dictionary=texts)
    batches = []
    for batch in reader.iter_batches(batch_size=PARQUET_BATCH_ROWS):
        budget.add(batch.num_rows, _batch_bytes(batch))
        batches.append(batch)
    return _arrow_to_pandas(pa.Table.from_batches(batches, schema=reader.schema_arrow).cast(schema))


def _arrow_to_pandas(table) -> pd.DataFrame:
    """As pd.read_parquet converts a table (texts as pandas' default string dtype)."""
    try:
        from pandas.io._util import arrow_table_to_pandas
    except ImportError:  # an older pandas: pyarrow's own conversion
        return table.to_pandas()
    return arrow_table_to_pandas(table)


def _parquet_least_bytes(metadata) -> int:
    """What the values take at least, from the footer alone: stored texts, and every fixed-width value
    (nulls and list items included: a column of a billion nulls compresses to almost nothing)."""
    total = 0
    for group_index in range(metadata.num_row_groups):
        group = metadata.row_group(group_index)
        for column_index in range(group.num_columns):
            column = group.column(column_index)
            kind = column.physical_type
            if kind == "BYTE_ARRAY":
                total += column.total_uncompressed_size
            elif kind == "FIXED_LEN_BYTE_ARRAY":
                total += column.num_values * max(metadata.schema.column(column_index).length or 0, 1)
            else:
                total += column.num_values * _FIXED_WIDTHS.get(kind, 8)
    return total


def _is_text(arrow_type) -> bool:
    import pyarrow as pa

    return (pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)
            or pa.types.is_binary(arrow_type) or pa.types.is_large_binary(arrow_type))


def _batch_bytes(batch) -> int:
    total = CELL_BYTES * batch.num_rows * batch.num_columns
    return total + sum(_text_bytes(column) for column in batch.columns)


def _text_bytes(array) -> int:
    """The bytes of an array's texts once decoded (a dictionary's values counted once per use)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = array.type
    if pa.types.is_dictionary(kind):
        if not _is_text(kind.value_type):
            return 0
        lengths = pc.take(pc.binary_length(array.dictionary), array.indices)
        return int(pc.sum(lengths).as_py() or 0)
    if _is_text(kind):
        return int(pc.sum(pc.binary_length(array)).as_py() or 0)
    if pa.types.is_nested(kind):
        return array.nbytes
    return 0


# ---- Excel (.xlsx) -------------------------------------------------------------------------------

_ROW_TAGS = (b"<row", b":row ", b":row>")  # <row ...>, and with a namespace prefix (<x:row>)
_CELL_TAGS = (b"<c ", b"<c>", b":c ", b":c>")


def check_xlsx_parts(raw: bytes, budget: ReadBudget) -> None:
    """Before the workbook is opened (openpyxl then reads the shared strings whole and, for a sheet that does
    not state its size, parses all of it): the sizes the zip directory states, then each sheet's <row> and
    <c> tags counted in its raw XML, streamed (about a second for a 100 MB sheet). Python's zipfile never
    unpacks more than a member's stated size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        return  # not a zip after all: the Excel reader says so
    with archive:
        sheets = []
        for info in archive.infolist():
            name = info.filename.lower()
            if name.endswith("sharedstrings.xml"):
                budget.check_bytes(info.file_size)
            elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
                budget.check_bytes(info.file_size // XML_BYTES_PER_BYTE)
                sheets.append(info)
        for info in sheets:
            _count_tags(archive, info, ReadBudget(budget.limits, budget.label))


def _count_tags(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: ReadBudget) -> None:
    rows = cells = 0
    tail = b""
    with archive.open(info) as part:
        while chunk := part.read(4 * MB):
            data = tail + chunk
            # Tags wholly inside the tail were counted with the previous chunk.
            rows += sum(data.count(tag) - tail.count(tag) for tag in _ROW_TAGS)
            cells += sum(data.count(tag) - tail.count(tag) for tag in _CELL_TAGS)
            if rows > budget.limits.max_rows + 1:  # one row is the header
                raise too_many_rows(budget.label, rows - 1, budget.limits, exact=False)
            budget.check_bytes(CELL_BYTES * cells)
            tail = data[-8:]


def check_xlsx_sheet(sheet, budget: ReadBudget) -> None:
    """Refuse a sheet (an openpyxl read-only worksheet) that pandas would make too large, before it does: its
    rows streamed, counting rows and the cells of a frame where every row is as wide as the widest (a single
    cell in column XFD widens all of them)."""
    sheet.reset_dimensions()  # as pandas does: a sheet's stated size can be a lie, in either direction
    rows = width = text = 0
    limits = budget.limits
    for row in sheet.iter_rows(values_only=True):
        rows += 1
        if rows > limits.max_rows + 1:
            raise too_many_rows(budget.label, rows - 1, limits, exact=False)
        filled = len(row)
        while filled and row[filled - 1] is None:  # pandas drops a row's trailing empty cells
            filled -= 1
        width = max(width, filled)
        text += sum(len(value) for value in row if isinstance(value, str))
        if text + CELL_BYTES * rows * width > limits.max_expanded_bytes:
            raise too_much_data(budget.label, text + CELL_BYTES * rows * width, limits, exact=False)


# ---- CSV -----------------------------------------------------------------------------------------


def read_csv(text: str, options: dict, n_columns: int, budget: ReadBudget) -> pd.DataFrame:
    """pd.read_csv(text, **options) within the limits. Every row pandas makes has all the header's columns
    (a short line is filled with blanks: a wide header over a million empty lines is a bomb), so the text's
    length and its number of lines bound the table. When that bound is over a limit, the records are
    counted first (the csv module, streaming), and a table over the limits is refused before pandas reads it."""
    limits = budget.limits
    lines = max(text.count("\n"), text.count("\r")) + 1
    width = max(n_columns, 1)
    # The texts take at most the file's own length.
    if lines > limits.max_rows + 1 or len(text) + CELL_BYTES * width * lines > limits.max_expanded_bytes:
        rows = _count_records(text, options["sep"], limits.max_rows + 2)
        ReadBudget(limits, budget.label).add(rows, len(text) + CELL_BYTES * width * rows)
    frame = pd.read_csv(io.StringIO(text), nrows=limits.max_rows + 1, **options)
    budget.add(len(frame), len(text) + CELL_BYTES * frame.size)
    return frame


def _count_records(text: str, delimiter: str, stop_after: int) -> int:
    """Data rows (non-blank records after the header), counted up to stop_after; where the csv module cannot
    parse the file (a field over its size limit), the number of lines, which is never fewer."""
    rows = -1  # the header
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if record:
                rows += 1
                if rows >= stop_after:
                    break
    except csv.Error:
        return max(text.count("\n"), text.count("\r"))
    return max(rows, 0)


# ---- JSON ----------------------------------------------------------------------------------------

_SPACE = re.compile(r"[ \t\n\r]*")


def json_document(text: str, budget: ReadBudget):
    """json.loads(text), counting an array's elements as they are parsed; raises json.JSONDecodeError as it
    does. A top-level object is parsed whole, so only when its text is small enough for the limit."""
    start = _SPACE.match(text).end()
    if text[start:start + 1] == "[":
        return _json_array(text, start, budget)
    if text[start:start + 1] == "{" and len(text) * JSON_OBJECT_EXPANSION > budget.limits.max_expanded_bytes:
        raise TableTooLarge(
            f"{budget.label} is a JSON object of {len(text) / MB:,.0f} MB, which may take "
            f"{len(text) * JSON_OBJECT_EXPANSION / MB:,.0f} MB once read, over this server's limit of "
            f"{budget.limits.max_expanded_mb:,} MB (the setting EMBDASH_MAX_EXPANDED_MB); save it as a JSON "
            "array or JSON Lines, which are read row by row."
        )
    return json.loads(text)


def _json_array(text: str, start: int, budget: ReadBudget) -> list:
    decoder = json.JSONDecoder()
    items: list = []
    position = _SPACE.match(text, start + 1).end()
    if text[position:position + 1] == "]":
        return _after_document(text, position + 1, items)
    while True:
        item, end = decoder.raw_decode(text, position)
        budget.add(1, (end - position) + CELL_BYTES * (len(item) if isinstance(item, dict) else 1))
        items.append(item)
        position = _SPACE.match(text, end).end()
        separator = text[position:position + 1]
        if separator == "]":
            return _after_document(text, position + 1, items)
        if separator != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
        position = _SPACE.match(text, position + 1).end()


def _after_document(text: str, position: int, items: list) -> list:
    end = _SPACE.match(text, position).end()
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return items
