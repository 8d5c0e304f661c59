"""The command line: real models, the real cache. Commands run in-process through embdash.cli.main (the
run_cli fixture); one smoke test runs `python -m embdash` as a user does, in a process of its own."""

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO

SAMPLE = REPO / "data" / "samples" / "sample_corpus.csv"


def cli(*args, data_dir=None, timeout=600):
    """`python -m embdash ARGS` in a new process: for what only a new process shows."""
    env = dict(os.environ)
    if data_dir is not None:
        env["EMBDASH_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "embdash", *map(str, args)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout,
    )


def test_models_lists_the_catalogue(run_cli):
    # The smoke test of the entry point: `python -m embdash` in its own process, exit code and output.
    done = cli("models", "--json")
    assert done.returncode == 0, done.stderr
    ids = {entry["id"] for entry in json.loads(done.stdout)}
    assert {"all-MiniLM-L6-v2", "paraphrase-MiniLM-L3-v2", "all-mpnet-base-v2", "glove-6b-50d", "tfidf-lsa"} <= ids
    code, out, _ = run_cli("models")
    assert code == 0 and "all-MiniLM-L6-v2" in out


def test_embed_keeps_rows_in_order_with_unit_vectors(tmp_path, run_cli, minilm):
    rows = pd.read_csv(SAMPLE).head(40)
    rows.to_csv(tmp_path / "in.csv", index=False)
    out = tmp_path / "out.parquet"
    code, _, err = run_cli("embed", tmp_path / "in.csv", "--text-column", "text", "--model", "all-MiniLM-L6-v2", "--out", out, data_dir=tmp_path / "data")
    assert code == 0, err
    result = pd.read_parquet(out)
    assert result["text"].tolist() == rows["text"].tolist()
    assert result["category"].tolist() == rows["category"].tolist()
    vectors = np.stack(result["embedding"].to_list())
    assert vectors.dtype == np.float32 and vectors.shape == (40, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert pq.read_schema(out).field("embedding").type.value_type == "float"
    assert b"embdash" in pq.read_schema(out).metadata

    # The same vectors as the library computes directly (in the precision the command chose: bf16 on a CPU
    # with bf16 instructions), and the second run embeds nothing.
    chosen = json.loads(pq.read_schema(out).metadata[b"embdash"])["cache_key"]
    direct = (minilm.in_bf16() if chosen.endswith("+bf16") else minilm).embed(rows["text"].tolist())
    np.testing.assert_allclose(vectors, direct, atol=1e-5)
    code, _, err = run_cli("embed", tmp_path / "in.csv", "--text-column", "text", "--out", tmp_path / "again.parquet", data_dir=tmp_path / "data")
    assert code == 0 and "all 40 vectors from the cache (model not loaded)" in err


def test_map_adds_coordinates_clusters_and_topics(tmp_path, run_cli):
    out = tmp_path / "map.parquet"
    code, _, err = run_cli("map", SAMPLE, "--text-column", "text", "--model", "tfidf-lsa", "--out", out, data_dir=tmp_path / "data")
    assert code == 0, err
    result = pd.read_parquet(out)
    source = pd.read_csv(SAMPLE)
    assert result["text"].tolist() == source["text"].tolist()
    assert {"x", "y", "cluster", "topic"} <= set(result.columns)
    assert np.isfinite(result[["x", "y"]].to_numpy()).all()
    assert result["cluster"].min() >= -1 and result["cluster"].max() >= 1
    assert (result.loc[result["cluster"] == -1, "topic"] == "unclustered").all()
    provenance = json.loads(pq.read_schema(out).metadata[b"embdash"])
    assert provenance["params"]["umap"]["seed"] == 42 and 0 <= provenance["metrics"]["trustworthiness"] <= 1


def test_map_cut_to_two_topics_with_assignment_and_the_topics_tree(tmp_path, run_cli):
    data = tmp_path / "data"
    common = ["--text-column", "text", "--model", "tfidf-lsa"]
    code, _, err = run_cli("map", SAMPLE, *common, "--out", tmp_path / "all.parquet", data_dir=data)
    assert code == 0, err
    every = pd.read_parquet(tmp_path / "all.parquet")
    n_clusters = every["cluster"].max() + 1
    assert n_clusters > 2 and f"{n_clusters} clusters shown as {n_clusters} topics" in err

    code, _, err = run_cli("map", SAMPLE, *common, "--topics", "2", "--out", tmp_path / "two.parquet", data_dir=data)
    assert code == 0, err
    two = pd.read_parquet(tmp_path / "two.parquet")
    assert sorted(set(two["cluster"]) - {-1}) == [0, 1] and two["topic"].nunique() == len(set(two["cluster"]))
    assert f"{n_clusters} clusters cut to 2 topics" in err and "Projecting" not in err  # the map came from the cache
    assert (two["cluster"] == -1).tolist() == (every["cluster"] == -1).tolist() and not two["assigned"].any()
    paths = two.loc[two["cluster"] >= 0, "topic_path"]
    assert paths.str.startswith(str(2 * n_clusters - 2)).all()  # the root first

    code, _, err = run_cli("map", SAMPLE, *common, "--topics", "2", "--assign-unclustered", "--assign-threshold", "-1",
                           "--out", tmp_path / "assigned.parquet", data_dir=data)
    assert code == 0, err
    assigned = pd.read_parquet(tmp_path / "assigned.parquet")
    n_noise = int((every["cluster"] == -1).sum())
    assert assigned["assigned"].sum() == n_noise and (assigned["cluster"] >= 0).all()
    assert f"assigned {n_noise:,} of {n_noise:,} unclustered documents (threshold -1.00): 100% clustered" in err

    code, _, err = run_cli("topics", SAMPLE, *common, "--topics", "2", "--out", tmp_path / "tree.json", data_dir=data)
    assert code == 0, err
    tree = json.loads((tmp_path / "tree.json").read_text(encoding="utf-8"))
    assert tree["n_clusters"] == n_clusters and len(tree["nodes"]) == 2 * n_clusters - 1
    assert sorted(t["documents"] for t in tree["topics"]) == sorted(two["cluster"][two["cluster"] >= 0].value_counts())
    code, _, err = run_cli("map", SAMPLE, *common, "--topics", "-3", "--out", tmp_path / "x.parquet", data_dir=data)
    assert code == 2 and "--topics" in err


def test_topic_options_change_the_topics(tmp_path, run_cli):
    """--topics-extra-stop-words drops a word from every topic name; the stages before topics are reused."""
    data = tmp_path / "data"
    common = ["map", SAMPLE, "--text-column", "text", "--model", "tfidf-lsa"]
    code, _, err = run_cli(*common, "--out", tmp_path / "plain.parquet", data_dir=data)
    assert code == 0, err
    plain = pd.read_parquet(tmp_path / "plain.parquet")
    clustered = plain[plain["cluster"] >= 0]
    top_word = clustered["topic"].iloc[0].split(": ", 1)[1].split(" · ")[0].split()[0]

    code, _, err = run_cli(*common, "--topics-extra-stop-words", f"{top_word.upper()}, unrelated",
                           "--out", tmp_path / "fewer.parquet", data_dir=data)
    assert code == 0, err
    fewer = pd.read_parquet(tmp_path / "fewer.parquet")
    assert fewer["cluster"].tolist() == plain["cluster"].tolist()
    assert not any(top_word in topic.split(": ", 1)[-1].replace(" · ", " ").split() for topic in fewer["topic"])
    provenance = json.loads(pq.read_schema(tmp_path / "fewer.parquet").metadata[b"embdash"])
    assert provenance["params"]["topics"]["extra_stop_words"] == f"{top_word.upper()}, unrelated"
    assert provenance["params"]["topics"]["keep_numbers"] is False

    code, _, err = run_cli(*common, "--topics-keep-numbers", "--out", tmp_path / "numbers.parquet", data_dir=data)
    assert code == 0, err
    provenance = json.loads(pq.read_schema(tmp_path / "numbers.parquet").metadata[b"embdash"])
    assert provenance["params"]["topics"]["keep_numbers"] is True

    code, _, err = run_cli(*common, "--topics-language", "sl", "--out", tmp_path / "sl.parquet", data_dir=data)
    assert code == 0, err
    assert json.loads(pq.read_schema(tmp_path / "sl.parquet").metadata[b"embdash"])["params"]["topics"]["language"] == "sl"
    code, _, err = run_cli(*common, "--topics-language", "german", "--out", tmp_path / "bad.parquet", data_dir=data)
    assert code == 2 and "german" in err and not (tmp_path / "bad.parquet").exists()


@pytest.mark.parametrize(
    "args, content, words",
    [
        (["embed", "{missing}"], None, "missing.csv"),
        (["embed", "{file}"], b"", "empty"),
        (["embed", "{file}"], bytes(range(256)) * 20, ""),
        (["embed", "{file}", "--text-column", "nope"], b"a,b\nhello,world\n", "nope"),
        (["embed", "{file}", "--model", "no-such-model"], b"text\nhello\n", "no-such-model"),
        (["embed", "{file}", "--model", "st:someone/not-on-this-machine"], b"text\nhello\n", "EMBDASH_MODEL_DIR"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, run_cli, args, content, words):
    path = tmp_path / "input.csv"
    if content is not None:
        path.write_bytes(content)
    argv = [a.format(missing=tmp_path / "missing.csv", file=path) for a in args]
    code, _, err = run_cli(*argv, "--quiet", "--out", tmp_path / "out.parquet", data_dir=tmp_path / "data")
    assert code == 2
    assert "Traceback" not in err
    message = err.strip().splitlines()
    assert len(message) == 1 and message[0].startswith("embdash: ")
    assert words.lower() in message[0].lower()
    assert not (tmp_path / "out.parquet").exists()


def test_embedding_progress_says_the_time_left_in_minutes_and_seconds(capsys):
    from embdash.cli import time_left_printer
    from embdash.models.embed import EmbedProgress

    show = time_left_printer()
    show(EmbedProgress(2400, 7528, 200.4))
    show(EmbedProgress(7528, 7528, 0.0))
    err = capsys.readouterr().err
    assert "embedding 2,400/7,528, about 3 min 20 s left" in err
    assert "200" not in err  # never raw seconds
    assert err.rstrip(" \n").endswith("embedding 7,528/7,528") and err.endswith("\n")


@pytest.mark.parametrize("command", [["inspect"], ["embed", "--out", "out.parquet"], ["map", "--out", "out.parquet"]])
def test_commands_refuse_a_bomb_with_the_limit_and_no_traceback(command, tmp_path, run_cli):
    from bench.bench_reader_bombs import parquet_rows_bomb

    bomb = tmp_path / "bomb.parquet"
    bomb.write_bytes(parquet_rows_bomb())  # 48 KB, 2 million rows
    args = [command[0], bomb, *[tmp_path / a if a.endswith(".parquet") else a for a in command[1:]]]
    code, out, err = run_cli(*args, data_dir=tmp_path / "data")
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("embdash: The file 'bomb.parquet' has 2,000,000 rows") and "EMBDASH_MAX_ROWS" in err
    assert not (tmp_path / "out.parquet").exists()


def test_the_row_limit_follows_the_setting(tmp_path, run_cli, monkeypatch):
    rows = tmp_path / "rows.csv"
    pd.DataFrame({"text": [f"document number {i}" for i in range(30)]}).to_csv(rows, index=False)
    monkeypatch.setenv("EMBDASH_MAX_ROWS", "29")
    code, _, err = run_cli("inspect", rows)
    assert code == 2 and "more than 29 rows" in err and "EMBDASH_MAX_ROWS" in err
    monkeypatch.setenv("EMBDASH_MAX_ROWS", "30")
    code, out, err = run_cli("inspect", rows)
    assert code == 0 and out.startswith("30 documents"), err


def test_inspect_names_each_columns_kind(run_cli):
    code, out, err = run_cli("inspect", SAMPLE)
    assert code == 0, err
    kinds = out.split("columns:\n", 1)[1].splitlines()
    assert [line.split()[:2] for line in kinds] == [
        ["text", "text,"], ["category", "category,"], ["source", "category,"], ["year", "number,"], ["rating", "number,"]]
    assert kinds[3].endswith("number, 2015 to 2025")  # years without a thousands separator


def test_inspect_names_the_languages_and_the_models_that_read_them(tmp_path, run_cli):
    from tests.test_languages import ENGLISH, SLOVENE

    path = tmp_path / "mixed.csv"
    pd.DataFrame({"text": SLOVENE * 8 + ENGLISH, "lang": ["sl"] * 24 + ["en"] * 3}).to_csv(path, index=False)
    code, out, err = run_cli("inspect", path)
    assert code == 0, err
    lines = out.splitlines()
    assert "languages: Slovenian 89%, English 11% (of 27 texts read)" in lines
    assert "  mostly Slovenian, not English: models that read it: multilingual-e5-small" in lines
    assert "  the column 'lang' says: Slovenian 89%, English 11%" in lines
    code, out, _ = run_cli("inspect", SAMPLE)
    assert "languages: English 100% (of 480 texts read)" in out and "not English" not in out
