"""Row and expanded-size limits on every reader: a file over a limit is refused while it is read, with one
line naming the setting that raises it; a file at the limit still loads, as it did before."""

import io
import json
import os
import subprocess
import sys
import zipfile

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bench import bench_reader_bombs as bombs
from embdash.config import ConfigError
from embdash.dataio import bounded
from embdash.dataio.limits import ReadLimits, TableTooLarge
from embdash.dataio.readers import read_table
from tests.conftest import REPO

TEN_ROWS = ReadLimits(max_rows=10)
ONE_MB = ReadLimits(max_expanded_mb=1)
TEXT = "a sentence of some length about nothing much " * 4  # 184 characters


def refused(raw: bytes, name: str, limits: ReadLimits) -> str:
    with pytest.raises(TableTooLarge) as raised:
        read_table(raw, name, limits=limits)
    message = str(raised.value)
    assert "\n" not in message and name in message
    return message


def rows_refused(raw: bytes, name: str) -> None:
    message = refused(raw, name, TEN_ROWS)
    assert "over this server's limit of 10 (the setting EMBDASH_MAX_ROWS)" in message, message


def bytes_refused(raw: bytes, name: str) -> None:
    message = refused(raw, name, ONE_MB)
    assert "over this server's limit of 1 MB (the setting EMBDASH_MAX_EXPANDED_MB)" in message, message


def loads(raw: bytes, name: str, limits: ReadLimits, n_rows: int) -> pd.DataFrame:
    frame, report = read_table(raw, name, limits=limits)
    assert len(frame) == n_rows and report.n_rows == n_rows
    return frame


def parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


def texts_frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({"id": range(n), "text": [f"{TEXT} {i}" for i in range(n)]})


# ---- rows, each format at the limit and one over -------------------------------------------------

ROW_FILES = {
    "rows.csv": lambda n: texts_frame(n).to_csv(index=False).encode(),
    "rows.tsv": lambda n: texts_frame(n).to_csv(index=False, sep="\t").encode(),
    "rows.parquet": lambda n: parquet(texts_frame(n)),
    "rows.xlsx": lambda n: bombs.xlsx_bomb(n),
    "rows.json": lambda n: texts_frame(n).to_json(orient="records").encode(),
    "rows.jsonl": lambda n: texts_frame(n).to_json(orient="records", lines=True).encode(),
    "rows.txt": lambda n: "".join(f"{TEXT} {i}\n\n" for i in range(n)).encode(),  # blank lines are no rows
}


@pytest.mark.parametrize("name", ROW_FILES)
def test_each_format_loads_at_the_row_limit_and_is_refused_one_row_over(name):
    loads(ROW_FILES[name](10), name, TEN_ROWS, 10)
    rows_refused(ROW_FILES[name](11), name)


def test_the_parquet_footer_states_the_rows_so_the_refusal_says_how_many():
    message = refused(parquet(texts_frame(25)), "rows.parquet", TEN_ROWS)
    assert "has 25 rows" in message


# ---- expanded size -------------------------------------------------------------------------------


def test_a_parquet_of_one_repeated_text_is_refused_by_what_it_expands_to():
    raw = bombs.parquet_rows_bomb(2_000, "x" * 1_000)  # 2 MB of text in a file of a few kilobytes
    assert len(raw) < 20_000
    bytes_refused(raw, "repeated.parquet")
    frame = loads(bombs.parquet_rows_bomb(500, "x" * 1_000), "repeated.parquet", ONE_MB, 500)
    assert set(frame["text"]) == {"x" * 1_000}


def test_a_parquet_of_nulls_in_lists_is_refused_from_its_footer(monkeypatch):
    # 400,000 null list items compress to nothing but take 3.2 MB as int64 once read.
    raw = io.BytesIO()
    pq.write_table(pa.table({"text": ["a"], "values": pa.array([[None] * 400_000], pa.list_(pa.int64()))}), raw)

    def never(*args, **kwargs):
        raise AssertionError("the footer alone should have refused the file")

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", never)
    bytes_refused(raw.getvalue(), "nulls.parquet")


def test_an_xlsx_whose_shared_strings_unpack_past_the_limit_is_refused_from_the_zip_directory(monkeypatch):
    raw = bombs.xlsx_bomb(3, "y" * 2 * 1024 * 1024)
    assert len(raw) < 100_000
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("the workbook was opened"))
    monkeypatch.setattr(pd, "ExcelFile", lambda *a, **k: pytest.fail("the workbook was opened"))
    bytes_refused(raw, "strings.xlsx")


def test_an_xlsx_with_one_cell_far_right_is_refused_before_pandas_widens_every_row():
    # pandas pads every row to the widest: 2,000 rows x 16,384 columns would be 262 MB of cells.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["text"])
    for i in range(2_000):
        sheet.append([f"row {i}"])
    sheet.cell(row=2, column=16_384, value="far")
    buffer = io.BytesIO()
    book.save(buffer)
    message = refused(buffer.getvalue(), "wide.xlsx", ONE_MB)
    assert "EMBDASH_MAX_EXPANDED_MB" in message


def test_a_wide_csv_header_over_short_lines_is_refused_before_pandas_reads_it(monkeypatch):
    raw = bombs.csv_wide_bomb(n_columns=2_000, n_rows=1_000)  # 2 million cells from 11 KB
    real_read_csv = pd.read_csv

    def read_csv(*args, **kwargs):
        raise AssertionError("pandas was asked to read the bomb")

    monkeypatch.setattr(pd, "read_csv", read_csv)
    bytes_refused(raw, "wide.csv")
    monkeypatch.setattr(pd, "read_csv", real_read_csv)
    loads(bombs.csv_wide_bomb(n_columns=20, n_rows=1_000), "narrow.csv", ONE_MB, 1_000)


def test_a_csv_over_the_size_limit_is_refused_and_one_under_it_loads_unchanged():
    frame = pd.DataFrame({"text": [TEXT] * 8_000})  # 1.5 MB of text
    raw = frame.to_csv(index=False).encode()
    bytes_refused(raw, "long.csv")
    read, _ = read_table(raw, "long.csv", limits=ReadLimits(max_expanded_mb=2))
    assert read["text"].tolist() == frame["text"].tolist()


def test_a_big_json_object_is_refused_with_the_way_out_and_an_array_is_counted():
    records = [{"text": f"{TEXT} {i}"} for i in range(1_000)]  # 200 KB
    message = refused(json.dumps({"data": records}).encode(), "wrapped.json", ONE_MB)
    assert "save it as a JSON array or JSON Lines" in message
    loads(json.dumps(records).encode(), "array.json", ONE_MB, 1_000)
    bytes_refused(json.dumps(records * 6).encode(), "array.json")


def test_json_arrays_parse_as_json_loads_does():
    for text in ["[]", " [ 1 ,\n 2 ] ", '[{"a": [1, {"b": null}]}, "s", NaN]']:
        assert bounded.json_document(text, bounded.ReadBudget(ReadLimits(), "x")) == json.loads(text)
    for broken in ["[1,]", "[1 2]", "[1] x", "[", '[{"a": 1}, {"a": ']:
        with pytest.raises(json.JSONDecodeError):
            bounded.json_document(broken, bounded.ReadBudget(ReadLimits(), "x"))


def test_parquet_reads_as_pandas_reads_it():
    frames = [
        pd.DataFrame({"text": ["a", None, "c"], "n": [1, 2, 3], "f": [1.5, None, 2.0]}),
        pd.DataFrame({"text": ["x"] * 4, "kind": pd.Categorical(["u", "v", "u", "v"]),
                      "when": pd.date_range("2020-01-01", periods=4)}, index=[9, 8, 7, 6]),
        pd.DataFrame({"items": [[1, 2], [3], []], "text": ["é", "日本", "b"], "raw": [b"x", b"y", None]}),
    ]
    for frame in frames:
        raw = parquet(frame)
        pd.testing.assert_frame_equal(bounded.read_parquet(raw, bounded.ReadBudget(ReadLimits(), "x")),
                                      pd.read_parquet(io.BytesIO(raw)))


# ---- the settings --------------------------------------------------------------------------------


def test_the_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("EMBDASH_MAX_ROWS", "10")
    monkeypatch.setenv("EMBDASH_MAX_EXPANDED_MB", "3")
    assert ReadLimits.from_environment() == ReadLimits(max_rows=10, max_expanded_mb=3)
    with pytest.raises(TableTooLarge, match="EMBDASH_MAX_ROWS"):
        read_table(ROW_FILES["rows.csv"](11), "rows.csv")
    monkeypatch.setenv("EMBDASH_MAX_ROWS", "ten")
    with pytest.raises(ConfigError, match="EMBDASH_MAX_ROWS"):
        ReadLimits.from_environment()


# ---- the real bombs: time and peak memory of a whole process --------------------------------------

MEASURE = """
import json, sys, time
from embdash.dataio.readers import read_table
from embdash.errors import CorpusError
start = time.perf_counter()
try:
    read_table(sys.argv[1], None)
    outcome = None
except CorpusError as error:
    outcome = [time.perf_counter() - start, str(error)]
# VmHWM belongs to this program's memory map alone (ru_maxrss can carry the parent's peak across exec).
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"outcome": outcome, "peak_mb": peak_kb / 1024}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("bomb", bombs.BOMBS, ids=lambda bomb: bomb.name)
def test_each_bomb_is_refused_within_seconds_and_far_below_a_gigabyte(bomb, tmp_path):
    # A process of its own per file: its peak resident memory is this refusal's (measured 110-410 MB).
    path = tmp_path / bomb.filename
    path.write_bytes(bomb.build())
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=REPO, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout)
    assert measured["outcome"] is not None, f"{bomb.name} was read"
    seconds, message = measured["outcome"]
    assert "EMBDASH_MAX_" in message
    assert seconds < 20, seconds  # 1.7-7 s measured on 2 shared cores
    assert measured["peak_mb"] < 768, measured["peak_mb"]


def test_a_parquet_bomb_fits_in_a_small_upload():
    raw = bombs.parquet_rows_bomb()
    assert len(raw) < 100 * 1024
    assert pq.ParquetFile(io.BytesIO(raw)).metadata.num_rows == 2_000_000


def test_the_xlsx_bomb_holds_a_sheet_over_100_mb_in_half_a_megabyte():
    raw = bombs.xlsx_bomb()
    sizes = {info.filename: info.file_size for info in zipfile.ZipFile(io.BytesIO(raw)).infolist()}
    assert len(raw) < 512 * 1024 and sizes["xl/worksheets/sheet1.xml"] > 100 * 1024**2
