"""Files to take away: tables as CSV (safe to open in a spreadsheet) and Parquet, charts as a standalone
interactive HTML file and as PNG, several results as one HTML report.

CSV cells that a spreadsheet would run as a formula get a leading apostrophe, as OWASP advises for CSV
injection; restore_formulas() undoes it exactly. A formula cell is one starting with = + - @ ; (the last
is some locales' separator), tab or carriage return, also after leading white space or invisible
characters (spreadsheets trim them) and in any form that Unicode NFKC folds to those (full-width ＝).
"""

from __future__ import annotations

import html
import io
import json
import unicodedata

import numpy as np
import pandas as pd

from embdash.errors import EmbdashError

FORMULA_STARTS = ("=", "+", "-", "@", ";", "\t", "\r")
_FORMULA_CHARACTERS = frozenset("=+-@;\u2212")  # U+2212 MINUS SIGN reads as minus in some spreadsheets
_QUOTE = "'"


class ExportError(EmbdashError):
    """An export cannot be made (a library missing, a chart too big to render)."""


def _needs_quote(cell: str) -> bool:
    # Cells that already start with apostrophes before a formula character get one more, so that
    # restoring (removing one) is exact for every cell.
    cell = cell.lstrip(_QUOTE)
    if cell.startswith(FORMULA_STARTS):
        return True
    first = _first_visible(cell)
    return bool(first) and unicodedata.normalize("NFKC", first)[:1] in _FORMULA_CHARACTERS


def _first_visible(cell: str) -> str:
    """The first character that is neither white space nor invisible: separators, controls, format
    characters (zero-width, BOM, bidi), unassigned and private code points (category Z* or C*), which a
    spreadsheet may trim or a later Unicode may make invisible; then the formula character comes first."""
    for character in cell:
        if not (character.isspace() or unicodedata.category(character)[0] in "CZ"):
            return character
    return ""


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where every text cell a spreadsheet would read as a formula starts with an apostrophe.

    Numbers stay numbers (a negative number is not a formula); column names are cells too.
    """
    def quote(value):
        return _QUOTE + value if isinstance(value, str) and _needs_quote(value) else value

    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].astype(object).map(quote)
    safe.columns = [quote(str(c)) if isinstance(c, str) else c for c in safe.columns]
    return safe


def restore_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo neutralise_formulas on a frame read back from a CSV export."""
    def unquote(value):
        if isinstance(value, str) and value.startswith(_QUOTE) and _needs_quote(value):
            return value[1:]
        return value

    restored = frame.copy()
    for column in restored.columns:
        if restored[column].dtype == object or pd.api.types.is_string_dtype(restored[column]):
            restored[column] = restored[column].astype(object).map(unquote)
    restored.columns = [unquote(c) for c in restored.columns]
    return restored


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV of `frame` without its index, formula cells neutralised.

    Lines end in CRLF as RFC 4180 says; it also makes the writer quote any cell holding a bare CR.
    """
    return neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def parquet_bytes(frame: pd.DataFrame, provenance: dict | None = None) -> bytes:
    """Parquet of `frame` without its index; `provenance` (model, parameters) goes in the file's metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    if provenance:
        metadata = {**(table.schema.metadata or {}), b"embdash": json.dumps(provenance, default=str).encode("utf-8")}
        table = table.replace_schema_metadata(metadata)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def read_parquet_provenance(data: bytes) -> dict | None:
    """The provenance parquet_bytes stored, or None."""
    import pyarrow.parquet as pq

    metadata = pq.read_schema(io.BytesIO(data)).metadata or {}
    return json.loads(metadata[b"embdash"]) if b"embdash" in metadata else None


def with_embeddings(frame: pd.DataFrame, vectors: np.ndarray) -> pd.DataFrame:
    """`frame` with one column per embedding dimension (dim_000, dim_001, ...), row for row."""
    if len(vectors) != len(frame):
        raise ValueError(f"{len(vectors)} vectors for {len(frame)} rows")
    width = max(3, len(str(vectors.shape[1] - 1)))
    dims = pd.DataFrame(np.asarray(vectors, dtype=np.float32), index=frame.index,
                        columns=[f"dim_{i:0{width}d}" for i in range(vectors.shape[1])])
    return pd.concat([frame, dims], axis=1)


class _ScriptSafeJSON(json.JSONEncoder):
    """JSON that cannot close the <script> element it is embedded in: <, > and & become \\u escapes,
    which mean the same characters to JavaScript (a text like "</script><script>..." stays data)."""

    def encode(self, o) -> str:
        return super().encode(o).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


#: The shape of the map on screen (its height over its width in a wide browser window): exports keep it.
SCREEN_ASPECT = 9 / 16
#: The standalone page: the chart fills the window (Vega-Lite's "container" size follows #vis), the legend beside it.
_FILL_PAGE_STYLE = ("<style>html,body{height:100%;margin:0}body{display:flex;flex-direction:column;"
                    "font-family:sans-serif}body #vis.vega-embed{flex:1;width:calc(100% - 32px);margin:8px 16px;min-height:400px}"
                    "#vis details{position:absolute;right:8px}</style>")


def chart_html(chart, title: str = "embdash", fill_page: bool = True) -> str:
    """A standalone HTML file of an Altair chart: interactive (zoom, tooltips), with the Vega libraries
    inlined, so it opens offline and without this server. Texts in the data stay data. `fill_page`: the chart
    takes the whole window, as wide as the screen it was made on, rather than a small box in a corner."""
    chart = chart.properties(title=title) if title else chart
    if fill_page:
        chart = chart.properties(width="container", height="container")
    try:
        page = chart.to_html(inline=True, json_kwds={"cls": _ScriptSafeJSON})
    except (ImportError, ValueError) as error:
        raise ExportError(f"The chart could not be saved as HTML: {error}") from error
    # At the top of <head>: the inlined Vega bundle further down holds the text "</head>" itself.
    return page.replace("<head>", "<head>" + _FILL_PAGE_STYLE, 1) if fill_page else page


def chart_png(chart, scale: float = 2.0, width: int | None = None) -> bytes:
    """The chart as a PNG image (rendered by vl-convert, offline). `width`: the plot's width in pixels before
    `scale`, its height SCREEN_ASPECT of it, so the image has the screen's shape (a legend adds to it)."""
    if width is not None:
        chart = chart.properties(width=width, height=round(width * SCREEN_ASPECT))
    buffer = io.BytesIO()
    try:
        chart.save(buffer, format="png", scale_factor=scale)
    except (ImportError, ValueError) as error:
        raise ExportError(f"The chart could not be saved as PNG: {error}") from error
    return buffer.getvalue()


def html_report(title: str, parts: list) -> str:
    """One standalone HTML page from `parts`, in order: strings are paragraphs (escaped, never markup),
    ("h2", text) tuples are headings, DataFrames are tables, Altair charts are PNG images (a report
    is read, not explored; the map has its own interactive export)."""
    import base64

    import altair as alt

    body: list[str] = [f"<h1>{html.escape(title)}</h1>"]
    for part in parts:
        if isinstance(part, tuple) and len(part) == 2 and part[0] == "h2":
            body.append(f"<h2>{html.escape(str(part[1]))}</h2>")
        elif isinstance(part, pd.DataFrame):
            body.append(part.to_html(index=False, escape=True, border=0))
        elif isinstance(part, alt.TopLevelMixin):
            encoded = base64.b64encode(chart_png(part, scale=1.5)).decode("ascii")
            body.append(f'<img alt="chart" style="max-width:100%" src="data:image/png;base64,{encoded}">')
        else:
            body.append(f"<p>{html.escape(str(part))}</p>")
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body>{''.join(body)}</body></html>")
