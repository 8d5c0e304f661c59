"""Tests for embdash.dataio.corpus, readers and frames: every format, encoding and delimiter, hostile inputs, keys, quality.

Hostile files are generated in tmp_path (nothing large is committed).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embdash.dataio.corpus import (
    Corpus,
    QualityReport,
    corpus_key,
    load_corpus,
    make_corpus,
    quality_report,
    sample_corpus_path,
)
from embdash.dataio.frames import normalise_frame
from embdash.dataio.readers import (
    LoadReport,
    detect_delimiter,
    guess_text_column,
    read_table,
)
from embdash.errors import CorpusError

# Texts a real corpus has: punctuation that collides with CSV syntax, emoji (incl. ZWJ sequences),
# RTL scripts, CJK, combining accents (NFD must stay NFD), and words pandas would call missing.
TRICKY_TEXTS = [
    "Plain sentence about the weather.",
    'She said "hello, world" and left; nobody | noticed.',
    "Family emoji 👩\u200d👩\u200d👧 and a flag 🇳🇿 in one text",
    "שלום עולם — Hebrew, right to left",
    "مرحبا بالعالم، نص عربي",
    "漢字かな交じり文と中文文本，还有한국어",
    "Cafe\u0301 with a combining accent",
    "NA",
    "None",
    "null",
    "tab\tinside",
]
MULTILINE_TEXT = "first line\nsecond line, with a comma\r\nthird"


def tricky_frame(texts=TRICKY_TEXTS) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame(
        {
            "id": [f"doc-{i:04d}" for i in range(n)],
            "label": ["pos" if i % 2 else "neg" for i in range(n)],
            "score": [i * 0.5 for i in range(n)],
            "text": texts,
        }
    )


def read_path(path: Path, **kwargs):
    return read_table(path.read_bytes(), path.name, **kwargs)


# ---------------------------------------------------------------------------------------------
# Formats round-trip
# ---------------------------------------------------------------------------------------------

WRITERS = {
    "csv": lambda frame, path: frame.to_csv(path, index=False),
    "tsv": lambda frame, path: frame.to_csv(path, index=False, sep="\t", quoting=csv.QUOTE_MINIMAL),
    "xlsx": lambda frame, path: frame.to_excel(path, index=False),
    "parquet": lambda frame, path: frame.to_parquet(path),
    "jsonl": lambda frame, path: frame.to_json(path, orient="records", lines=True, force_ascii=False),
    "ndjson": lambda frame, path: frame.to_json(path, orient="records", lines=True),
    "json": lambda frame, path: frame.to_json(path, orient="records", force_ascii=False),
}
EXPECTED_FORMAT = {"csv": "csv", "tsv": "tsv", "xlsx": "excel", "parquet": "parquet", "jsonl": "jsonl", "ndjson": "jsonl", "json": "json"}


@pytest.mark.parametrize("extension", sorted(WRITERS))
def test_each_format_round_trips_texts_exactly(tmp_path, extension):
    texts = TRICKY_TEXTS + [MULTILINE_TEXT]
    frame = tricky_frame(texts)
    path = tmp_path / f"corpus.{extension}"
    WRITERS[extension](frame, path)

    loaded, report = read_path(path)

    assert isinstance(report, LoadReport) and report.warnings == []
    assert report.format == EXPECTED_FORMAT[extension]
    assert report.text_column_guess == "text"
    assert report.columns == ["id", "label", "score", "text"]
    assert report.n_rows == len(texts)
    if extension == "xlsx":  # XML itself turns "\r\n" into "\n" (XML 1.0 end-of-line handling)
        texts = [t.replace("\r\n", "\n") for t in texts]
    assert loaded["text"].tolist() == texts
    assert loaded["score"].tolist() == frame["score"].tolist()  # numbers stay numbers
    assert pd.api.types.is_numeric_dtype(loaded["score"])


def test_plain_text_is_one_document_per_line_and_drops_blank_lines(tmp_path):
    path = tmp_path / "notes.txt"
    lines = [t for t in TRICKY_TEXTS if "\n" not in t]
    path.write_bytes(("\n\n".join(lines) + "\n  \n\r\n").replace("\n", "\r\n").encode("utf-8"))

    frame, report = read_path(path)

    assert report.format == "text"
    assert frame.columns.tolist() == ["text"]
    assert frame["text"].tolist() == lines


def test_json_array_of_strings_and_wrapped_records(tmp_path):
    frame, _ = read_table(json.dumps(["one text", "another text"]).encode(), "a.json")
    assert frame["text"].tolist() == ["one text", "another text"]

    wrapped = {"data": [{"body": "hello there", "stars": 4}, {"body": "goodbye now", "stars": None}]}
    frame, report = read_table(json.dumps(wrapped).encode(), "b.json")
    assert frame["body"].tolist() == ["hello there", "goodbye now"]
    assert report.text_column_guess == "body"


def test_json_nested_values_become_json_text():
    lines = [{"text": "a b c", "tags": ["x", "y"], "meta": {"k": 1}}, {"text": "d e f", "tags": [], "meta": None}]
    payload = "\n".join(json.dumps(line) for line in lines).encode()
    frame, _ = read_table(payload, "nested.jsonl")
    assert frame["tags"].tolist() == ['["x", "y"]', "[]"]
    frame.to_parquet(io.BytesIO())  # writable


def test_format_is_sniffed_when_there_is_no_extension(tmp_path):
    frame = tricky_frame()
    parquet_bytes = io.BytesIO()
    frame.to_parquet(parquet_bytes)
    csv_bytes = frame.to_csv(index=False, sep=";").encode()
    jsonl_bytes = frame.to_json(orient="records", lines=True).encode()

    assert read_table(parquet_bytes.getvalue(), "upload")[1].format == "parquet"
    assert read_table(csv_bytes, "upload")[1].delimiter == ";"
    assert read_table(jsonl_bytes, None)[1].format == "jsonl"
    assert read_table(b"just one line\nand another\n", "notes")[1].format == "text"


def test_misnamed_file_is_read_by_its_content_with_a_warning():
    buffer = io.BytesIO()
    tricky_frame().to_parquet(buffer)
    frame, report = read_table(buffer.getvalue(), "actually_parquet.csv")
    assert report.format == "parquet"
    assert frame["text"].tolist() == TRICKY_TEXTS
    assert any("Parquet" in w for w in report.warnings)


def test_inputs_can_be_a_path_or_a_file_object(tmp_path):
    path = tmp_path / "corpus.csv"
    tricky_frame().to_csv(path, index=False)

    from_path = load_corpus(path)
    from_string_path = load_corpus(str(path))
    from_file = load_corpus(io.BytesIO(path.read_bytes()), "corpus.csv")

    assert isinstance(from_path, Corpus)
    assert from_path.key == from_string_path.key == from_file.key
    assert from_path.name == "corpus.csv"
    assert from_path.texts == TRICKY_TEXTS


# ---------------------------------------------------------------------------------------------
# Encodings
# ---------------------------------------------------------------------------------------------

ACCENTED = ["Crème brûlée à la façon de Zoë", "Grüße aus Köln, naïve Ærø", "Ça coûte 5 £, señor"]


@pytest.mark.parametrize(
    "encoding, reported",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),  # Python writes a BOM
        ("utf-16-le", "utf-16-le"),  # no BOM: found by its NUL pattern
        ("utf-16-be", "utf-16-be"),
        ("latin-1", "cp1252"),  # identical for these letters; cp1252 also covers € and curly quotes
        ("cp1252", "cp1252"),
    ],
)
def test_encodings_give_the_same_text(encoding, reported):
    frame = pd.DataFrame({"id": [1, 2, 3], "text": ACCENTED})
    payload = frame.to_csv(index=False).encode(encoding)

    loaded, report = read_table(payload, "accents.csv")

    assert loaded["text"].tolist() == ACCENTED
    assert loaded.columns.tolist() == ["id", "text"]  # a BOM must not end up in the first name
    assert report.encoding == reported
    legacy = reported in ("cp1252", "latin-1")
    assert any("not UTF-8" in w for w in report.warnings) == legacy


def test_windows_1252_punctuation_is_decoded():
    texts = ["Price: 5 € — “quoted” and ‘single’", "An ellipsis… and a dagger †"]
    payload = pd.DataFrame({"text": texts, "n": [1, 2]}).to_csv(index=False).encode("cp1252")
    loaded, report = read_table(payload, "windows.csv")
    assert loaded["text"].tolist() == texts
    assert report.encoding == "cp1252"


def test_non_latin_legacy_encoding_uses_charset_normalizer():
    texts = [
        "Съешь же ещё этих мягких французских булок, да выпей чаю.",
        "Широкая электрификация южных губерний даст мощный толчок подъёму сельского хозяйства.",
        "В чащах юга жил бы цитрус? Да, но фальшивый экземпляр!",
    ]
    payload = pd.DataFrame({"text": texts, "n": [1, 2, 3]}).to_csv(index=False).encode("cp1251")
    loaded, report = read_table(payload, "russian.csv")
    assert loaded["text"].tolist() == texts
    assert report.encoding not in ("utf-8", "cp1252", "latin-1")


# ---------------------------------------------------------------------------------------------
# Delimiters
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_detection_with_quoted_delimiters_and_newlines(delimiter):
    texts = [
        "contains , ; | and \t all four delimiters",
        "spans\ntwo lines, quoted",
        'has "double quotes"; and a semicolon',
        "plain",
        "another plain one with | a pipe",
    ]
    frame = pd.DataFrame({"id": range(5), "text": texts, "group": list("abcab")})
    payload = frame.to_csv(index=False, sep=delimiter).encode()

    loaded, report = read_table(payload, "data.csv")

    assert report.delimiter == delimiter
    assert loaded.columns.tolist() == ["id", "text", "group"]
    assert loaded["text"].tolist() == texts


def test_tsv_extension_prefers_tab_and_reports_tsv():
    payload = b"name\tcomment\nann\tgood, very good\nbob\tbad, sad\n"
    frame, report = read_table(payload, "reviews.tsv")
    assert report.delimiter == "\t" and report.format == "tsv"
    assert frame["comment"].tolist() == ["good, very good", "bad, sad"]


def test_single_column_with_unquoted_commas_stays_one_column():
    payload = "text\nHello, world\nNo comma here\nOne, two, three\nJust words\n".encode()
    frame, report = read_table(payload, "texts.csv")
    assert frame.columns.tolist() == ["text"]
    assert frame["text"].tolist() == ["Hello, world", "No comma here", "One, two, three", "Just words"]


def test_european_semicolon_csv_with_decimal_commas():
    payload = "Kommentar;Wert;Jahr\nSehr gut, danke;3,5;2020\nSchlecht, leider;1,0;2021\nGeht so;2,5;2022\n"
    frame, report = read_table(payload.encode("cp1252"), "umfrage.csv")
    assert report.delimiter == ";"
    assert frame["Kommentar"].tolist() == ["Sehr gut, danke", "Schlecht, leider", "Geht so"]
    assert frame["Jahr"].tolist() == [2020, 2021, 2022]


def test_detect_delimiter_prefers_the_consistent_candidate():
    text = "a|b|c\n1|x, y|2\n3|z; w|4\n"
    assert detect_delimiter(text) == "|"


# ---------------------------------------------------------------------------------------------
# Text column guess
# ---------------------------------------------------------------------------------------------


def test_guess_picks_the_long_text_over_id_label_and_numbers():
    frame = pd.DataFrame(
        {
            "id": [f"ID-{i:05d}" for i in range(50)],
            "label": ["spam", "ham"] * 25,
            "count": range(50),
            "price": [f"{i}.99" for i in range(50)],  # numbers stored as strings
            "notes": [f"Customer {i} wrote a long message about the delivery being late again" for i in range(50)],
            "url": [f"https://example.com/item/{i}" for i in range(50)],
        }
    )
    assert guess_text_column(frame) == "notes"


def test_guess_gives_a_bonus_to_conventional_names():
    frame = pd.DataFrame(
        {
            "title": [f"A title number {i} here" for i in range(20)],
            "review": [f"Liked it {i} a lot" for i in range(20)],
        }
    )
    assert guess_text_column(frame) == "review"


def test_guess_ignores_mostly_empty_columns_and_finds_cjk_text():
    frame = pd.DataFrame(
        {
            "sparse": ["a long sentence with many words in it"] + [None] * 19,
            "内容": [f"这是第{i}条很长的中文评论内容，没有空格" for i in range(20)],
        }
    )
    assert guess_text_column(frame) == "内容"


def test_guess_is_none_when_only_numbers():
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [0.5, 1.5, 2.5], "c": ["1", "2", "n/a"]})
    assert guess_text_column(frame) is None


# ---------------------------------------------------------------------------------------------
# Hostile inputs: every one a CorpusError with a plain message
# ---------------------------------------------------------------------------------------------


def _parquet_bytes(frame):
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


def _xlsx_bytes(frame):
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


RANDOM = np.random.default_rng(7).integers(0, 256, 20_000, dtype=np.uint8).tobytes()

HOSTILE = {
    "empty file": (b"", "empty.csv"),
    "only whitespace": (b" \n\r\n\t\n", "blank.csv"),
    "header only": (b"id,text,label\n", "header.csv"),
    "header only, no newline": (b"id;text", "header2.csv"),
    "binary garbage named csv": (RANDOM, "garbage.csv"),
    "binary garbage named txt": (RANDOM[:300], "garbage.txt"),
    "only NUL bytes": (b"\x00" * 1000, "nuls.csv"),
    "garbage named xlsx": (RANDOM, "book.xlsx"),
    "zip that is not a workbook": (b"PK\x03\x04" + RANDOM[:500], "book.xlsx"),
    "garbage named parquet": (b"PAR1" + RANDOM[:500], "data.parquet"),
    "truncated parquet": (_parquet_bytes(tricky_frame())[:200], "cut.parquet"),
    "parquet without rows": (_parquet_bytes(tricky_frame().iloc[:0]), "none.parquet"),
    "xlsx with header only": (_xlsx_bytes(tricky_frame().iloc[:0]), "header.xlsx"),
    "unsupported extension": (b"%PDF-1.7\n...", "paper.pdf"),
    "word document": (b"PK\x03\x04whatever", "letter.docx"),
    "unclosed quote": (b'id,text\n1,"this quote never ends\n2,fine\n', "quote.csv"),
    "invalid json": (b'[{"text": "a"}, {"text": ', "broken.json"),
    "json of numbers": (b"[1, 2, 3]", "numbers.json"),
    "json scalar": (b'"just a string"', "scalar.json"),
    "jsonl all invalid": (b"{not json}\n{neither\n", "broken.jsonl"),
    "empty json array": (b"[]", "nothing.json"),
    "utf-16 BOM then garbage": (b"\xff\xfe" + b"\x00\xd8" * 50, "weird.csv"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_input_raises_corpus_error_with_plain_message(case):
    payload, filename = HOSTILE[case]
    with pytest.raises(CorpusError) as raised:
        load_corpus(payload, filename)
    assert_plain_message(str(raised.value))


def assert_plain_message(message: str) -> None:
    assert message.startswith("The file") or message[0].isupper()
    assert message.endswith(".")
    assert "Traceback" not in message and "\n" not in message
    assert len(message) < 400


ONLY_NUMBERS = b"year,count,score\n2020,3,0.5\n2021,4,0.7\n"


def test_no_text_column_raises_a_clear_error():
    with pytest.raises(CorpusError, match="no column of text"):
        load_corpus(ONLY_NUMBERS, "numbers.csv")


def test_header_only_names_the_columns():
    with pytest.raises(CorpusError, match=r"header row \(id, text, label\) but no data rows"):
        read_table(b"id,text,label\n", "header.csv")


def test_unsupported_extension_names_it():
    with pytest.raises(CorpusError, match=r"unsupported file type \(\.pdf\)"):
        read_table(b"anything", "paper.pdf")


def test_binary_garbage_says_so():
    with pytest.raises(CorpusError, match="does not look like a text file"):
        read_table(RANDOM, "garbage.csv")


def test_missing_text_column_raises():
    frame, _ = read_table(b"id,text\n1,hello\n", "a.csv")
    with pytest.raises(CorpusError, match="no column named 'body'"):
        make_corpus(frame, "body", "a.csv")
    with pytest.raises(CorpusError, match="no column named 'body'"):
        load_corpus(b"id,text\n1,hello\n", "a.csv", text_column="body")


def test_all_empty_text_column_raises():
    frame = pd.DataFrame({"id": [1, 2, 3], "text": [None, "", "   "]})
    with pytest.raises(CorpusError, match="empty in every row"):
        make_corpus(frame, "text", "empty.csv")


@pytest.mark.parametrize("as_kind", ["bytes", "path", "file"])
def test_file_over_the_size_limit_reports_size_and_limit(tmp_path, as_kind):
    payload = b"text\n" + b"a fairly ordinary sentence\n" * 200  # 5.4 KB
    path = tmp_path / "big.csv"
    path.write_bytes(payload)
    source = {"bytes": payload, "path": path, "file": io.BytesIO(payload)}[as_kind]

    with pytest.raises(CorpusError) as raised:
        load_corpus(source, "big.csv", max_bytes=2048)

    message = str(raised.value)
    assert "2 KB limit" in message
    if as_kind != "file":  # a bare stream's size is unknown until read
        assert "5.3 KB" in message
    assert_plain_message(message)


def test_size_limit_uses_upload_size_attribute_before_reading():
    class Upload(io.BytesIO):
        size = 10 * 1024**3

    with pytest.raises(CorpusError, match=r"is 10 GB, over the 200 MB limit"):
        read_table(Upload(b"text\nhello\n"), "huge.csv")


def test_ragged_csv_skips_bad_lines_and_reports_the_count():
    payload = b"id,text\n1,fine\n2,too,many\n3,also fine\n4,way,too,many\n5\n6,last\n"
    frame, report = read_table(payload, "ragged.csv")
    assert frame["id"].tolist() == [1, 3, 5, 6]  # short rows are kept with blanks
    assert frame["text"].fillna("").tolist() == ["fine", "also fine", "", "last"]
    assert any("Skipped 2 lines" in w for w in report.warnings)


def test_nul_bytes_are_stripped_and_reported():
    payload = b"id,text\n1,hel\x00lo\n2,wor\x00ld\x00\n"
    frame, report = read_table(payload, "nul.csv")
    assert frame["text"].tolist() == ["hello", "world"]
    assert any("Removed 3 NUL bytes" in w for w in report.warnings)


def test_nul_padded_file_still_reads():
    payload = b"id,text\n1,hello there\n2,general kenobi\n" + b"\x00" * 4096
    frame, report = read_table(payload, "padded.csv")
    assert frame["text"].tolist() == ["hello there", "general kenobi"]
    assert report.warnings


def test_jsonl_with_some_bad_lines_skips_and_reports():
    payload = b'{"text": "one"}\nnot json\n{"text": "two"}\n\n'
    frame, report = read_table(payload, "some.jsonl")
    assert frame["text"].tolist() == ["one", "two"]
    assert any("Skipped 1 line" in w for w in report.warnings)


def test_xls_without_xlrd_explains_what_to_do():
    pytest.importorskip("openpyxl")
    try:
        import xlrd  # noqa: F401
    except ImportError:
        ole_header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
        with pytest.raises(CorpusError, match=r"save it as \.xlsx or CSV"):
            read_table(ole_header, "old.xls")
    else:
        pytest.skip("xlrd is installed")


def test_multi_sheet_workbook_reads_first_sheet_and_says_so(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        tricky_frame().to_excel(writer, sheet_name="Reviews", index=False)
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Other", index=False)
    frame, report = read_path(path)
    assert frame["text"].tolist() == TRICKY_TEXTS
    assert any("2 sheets" in w and "Reviews" in w for w in report.warnings)


# ---------------------------------------------------------------------------------------------
# Corpus, texts, normalisation, keys
# ---------------------------------------------------------------------------------------------


def test_missing_texts_become_empty_strings():
    frame = pd.DataFrame({"text": ["a", None, np.nan, "b"], "n": [1, 2, 3, 4]})
    corpus = make_corpus(frame, "text", "x")
    assert corpus.texts == ["a", "", "", "b"]
    assert all(type(t) is str for t in corpus.texts)
    assert corpus.metadata_columns == ["n"]
    assert len(corpus) == 4


def test_numeric_text_column_gives_strings():
    corpus = make_corpus(pd.DataFrame({"code": [1.0, 2.5, np.nan]}), "code", "x")
    assert corpus.texts == ["1", "2.5", ""]


def test_normalise_frame_makes_parquet_writable_and_names_unique():
    frame = pd.DataFrame(
        [["x", 1, [1, 2], b"raw"], [2, None, {"a": 1}, None], [None, 3.5, None, "s"]],
        columns=["mixed", "nums", "nested", "bytes"],
        index=[10, 20, 30],
    )
    frame.columns = ["mixed", 0, "mixed", None]

    normal = normalise_frame(frame)

    assert normal.columns.tolist() == ["mixed", "0", "mixed.1", "column_4"]
    assert normal.index.tolist() == [0, 1, 2]
    assert normal["mixed"].tolist()[:2] == ["x", "2"] and pd.isna(normal["mixed"].iloc[2])
    assert pd.api.types.is_numeric_dtype(normal["0"])
    assert normal["mixed.1"].tolist()[:2] == ["[1, 2]", '{"a": 1}']
    buffer = io.BytesIO()
    normal.to_parquet(buffer)
    back = pd.read_parquet(io.BytesIO(buffer.getvalue()))
    assert corpus_key(back, "mixed") == corpus_key(normal, "mixed")


def test_object_columns_get_real_dtypes_that_survive_parquet():
    frame = pd.DataFrame(
        {
            "text": pd.Series(["a", "b", "c"], dtype=object),
            "ints": pd.Series([1, None, 3], dtype=object),
            "floats": pd.Series([1, 2.5, None], dtype=object),
            "flags": pd.Series([True, None, False], dtype=object),
            "when": pd.Series([pd.Timestamp("2024-01-01"), None, pd.Timestamp("2024-03-01")], dtype=object),
            "blank": pd.Series([None, None, None], dtype=object),
        }
    )
    corpus = make_corpus(frame, "text", "x")
    assert str(corpus.frame["ints"].dtype) == "Int64"
    assert corpus.frame["floats"].dtype == "float64"
    assert str(corpus.frame["flags"].dtype) == "boolean"
    assert pd.api.types.is_datetime64_any_dtype(corpus.frame["when"])
    buffer = io.BytesIO()
    corpus.frame.to_parquet(buffer)
    again = make_corpus(pd.read_parquet(io.BytesIO(buffer.getvalue())), "text", "x")
    assert again.key == corpus.key


def test_corpus_frame_round_trips_through_parquet_with_the_same_key(tmp_path):
    corpus = load_corpus(tricky_frame().to_csv(index=False).encode(), "c.csv")
    path = tmp_path / "c.parquet"
    corpus.frame.to_parquet(path)
    again = make_corpus(pd.read_parquet(path), corpus.text_column, "c.csv")
    assert again.key == corpus.key
    assert again.texts == corpus.texts


def test_key_is_stable_for_the_same_content():
    payload = tricky_frame().to_csv(index=False).encode()
    first = load_corpus(payload, "a.csv")
    second = load_corpus(payload, "renamed.csv")
    assert re.fullmatch(r"[0-9a-f]{16}", first.key)
    assert first.key == second.key
    assert first.name != second.name


def test_key_changes_with_any_edit():
    base = tricky_frame()
    key = make_corpus(base, "text", "x").key

    edited_text = base.copy()
    edited_text.loc[3, "text"] += "!"
    edited_meta = base.copy()
    edited_meta.loc[0, "label"] = "other"
    renamed = base.rename(columns={"label": "tag"})
    reordered = base.iloc[::-1]
    number_as_text = base.assign(score=base["score"].astype(str))

    keys = {
        make_corpus(edited_text, "text", "x").key,
        make_corpus(edited_meta, "text", "x").key,
        make_corpus(renamed, "text", "x").key,
        make_corpus(reordered, "text", "x").key,
        make_corpus(number_as_text, "text", "x").key,
        make_corpus(base, "label", "x").key,  # another text column
    }
    assert key not in keys and len(keys) == 6


def test_key_does_not_depend_on_missing_value_flavour():
    with_none = pd.DataFrame({"text": ["a", "b"], "meta": ["x", None]})
    with_nan = pd.DataFrame({"text": ["a", "b"], "meta": ["x", np.nan]})
    assert make_corpus(with_none, "text", "x").key == make_corpus(with_nan, "text", "x").key


def test_corpus_equality_and_hash_use_the_key():
    a = make_corpus(tricky_frame(), "text", "x")
    b = make_corpus(tricky_frame(), "text", "x")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1


# ---------------------------------------------------------------------------------------------
# Quality report
# ---------------------------------------------------------------------------------------------


def test_quality_report_counts_empty_duplicate_and_too_long():
    texts = ["alpha", "", "beta", "alpha", None, "  ", "beta", "gamma"]
    corpus = make_corpus(pd.DataFrame({"text": texts}), "text", "q")

    report = quality_report(corpus, token_counts=[3, 0, 600, 3, 0, 0, 600, 513], token_limit=512)

    assert isinstance(report, QualityReport)
    assert report.n_rows == 8
    assert report.empty_rows == [1, 4, 5]
    assert report.duplicate_rows == [3, 6]
    assert report.too_long_rows == [2, 6, 7]
    assert report.token_limit == 512


def test_quality_report_without_token_counts_and_with_wrong_length():
    corpus = make_corpus(pd.DataFrame({"text": ["a", "b"]}), "text", "q")
    assert quality_report(corpus).too_long_rows == []
    with pytest.raises(ValueError):
        quality_report(corpus, token_counts=[1], token_limit=5)


def test_sample_corpus_path_points_into_data_samples():
    path = sample_corpus_path()
    assert path.parts[-3:] == ("data", "samples", "sample_corpus.csv")
    assert path.parent.parent.parent == Path(__file__).resolve().parent.parent
    if path.exists():
        corpus = load_corpus(path)
        assert corpus.text_column == "text" and len(corpus) > 0


# ---------------------------------------------------------------------------------------------
# Property: whatever texts pandas writes to CSV, we read back the same
# ---------------------------------------------------------------------------------------------

# Control characters other than tab/newline are not text (and trip the binary-data check);
# NUL is stripped by design. Surrogates cannot be encoded at all.
text_characters = st.characters(blacklist_categories=("Cs", "Cc"))
csv_pieces = st.sampled_from(
    [",", ";", "|", "\t", "\n", "\r\n", '"', "'", " ", "NA", "None", "null", "#", "\u2028", "\ufeff", "😀", "ש"]
)
a_text = st.lists(st.text(text_characters, max_size=10) | csv_pieces, max_size=6).map("".join)
texts_strategy = st.lists(a_text, min_size=1, max_size=30)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=texts_strategy, quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_csv_written_by_pandas_reads_back_the_same_texts(texts, quoting, encoding):
    if quoting == csv.QUOTE_MINIMAL:
        # pandas leaves a lone "\r" unquoted, which no reader can tell from a line end.
        texts = [t.replace("\r\n", "\n").replace("\r", "") for t in texts]
    # A real text column has at least one non-numeric text; otherwise it *is* a number column.
    texts = texts + ["an ordinary sentence"]
    frame = pd.DataFrame({"id": range(len(texts)), "text": texts})
    payload = frame.to_csv(index=False, quoting=quoting).encode(encoding)

    corpus = load_corpus(payload, "prop.csv", text_column="text")

    assert corpus.texts == texts
