"""`embdash compare` (in-process through embdash.cli.main): two real models, the real cache."""

import json

import pandas as pd
import pytest

from tests.test_cli import SAMPLE

MODELS = "all-MiniLM-L6-v2,paraphrase-MiniLM-L3-v2"


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compare-cli")
    pd.read_csv(SAMPLE).head(60).to_csv(folder / "in.csv", index=False)
    return folder


def test_compare_writes_every_number(small_csv, run_cli):
    out = small_csv / "report.json"
    code, _, err = run_cli(
        "compare", small_csv / "in.csv", "--text-column", "text", "--models", MODELS, "--label-column", "category",
        "--k", "5", "--cluster-min-cluster-size", "5", "--out", out, data_dir=small_csv / "data",
    )
    assert code == 0, err
    report = json.loads(out.read_text())
    assert report["n_docs"] == 60 and report["k"] == 5 and report["label_column"] == "category"
    assert [m["model_id"] for m in report["models"]] == MODELS.split(",")
    for model in report["models"]:
        assert model["dim"] == 384 and model["vector_bytes"] == 60 * 384 * 4
        assert model["docs_per_second"] > 0 and model["load_seconds"] > 0 and model["load_source"] == "measured"
        assert model["size_mb"] > 0
        labels = model["labels"]
        assert labels["n_labels"] == pd.read_csv(small_csv / "in.csv")["category"].nunique()
        assert labels["knn_accuracy"] > labels["majority_accuracy"]
        assert 0 <= labels["v_measure_kmeans"] <= 1 and 0 <= labels["hdbscan_coverage"] <= 1
    assert report["models"][0]["procrustes_disparity"] == pytest.approx(0.0, abs=1e-9)
    pair = report["pairs"][0]
    # Two good English models: far more alike than chance.
    assert pair["jaccard_mean"] > 3 * pair["jaccard_chance"] and pair["spearman"] > 0.5
    for name in ("ari", "nmi", "jaccard_median", "jaccard_histogram", "n_pairs", "noise_share_a"):
        assert pair[name] is not None
    assert len(pair["disagreements"]) == 10 and len(pair["disagreements"][0]["neighbour_texts_a"]) == 5
    assert report["recommendation"] and report["context"]["text_column"] == "text"
    assert report["context"]["map_params"]["cluster"]["min_cluster_size"] == 5


def test_compare_refuses_bad_input_in_one_line(small_csv, run_cli):
    code, _, err = run_cli("compare", small_csv / "in.csv", "--models", "all-MiniLM-L6-v2", "--out", small_csv / "r.json")
    assert code == 2 and "two to four" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_cli("compare", small_csv / "in.csv", "--models", MODELS, "--label-column", "nope", "--out", small_csv / "r.json")
    assert code == 2 and "No label column 'nope'" in err
    code, _, err = run_cli("compare", small_csv / "in.csv", "--models", "all-MiniLM-L6-v2,no-such-model", "--out", small_csv / "r.json")
    assert code == 2 and "no-such-model" in err
