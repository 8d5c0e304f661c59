"""A new process re-running `embed`, `map` and `compare` on a cached corpus loads no model: neither torch nor
sentence-transformers is imported, and the outputs equal the first run's."""

import json
import os
import subprocess
import sys

import pandas as pd

import embdash.api
from embdash import cli
from tests.conftest import REPO

MODELS = "all-MiniLM-L6-v2,paraphrase-MiniLM-L3-v2"
SETTINGS = ["--umap-n-neighbors", "5", "--cluster-min-cluster-size", "3"]

RERUN = """
import json, sys
from embdash import cli
folder = sys.argv[1]
codes = [
    cli.main(["embed", f"{folder}/notes.csv", "--out", f"{folder}/embed-again.parquet", "--quiet"]),
    cli.main(["map", f"{folder}/notes.csv", "--out", f"{folder}/map-again.parquet", "--quiet", *sys.argv[2:]]),
    cli.main(["compare", f"{folder}/notes.csv", "--models", "%s", "--out", f"{folder}/again.json", "--quiet",
              "--k", "5", *sys.argv[2:]]),
]
heavy = [name for name in ("torch", "sentence_transformers", "transformers") if name in sys.modules]
print(json.dumps({"codes": codes, "heavy": heavy}))
""" % MODELS


def test_a_warm_rerun_in_a_new_process_imports_no_model(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBDASH_DATA_DIR", str(tmp_path / "data"))
    embdash.api._stores.clear()
    embdash.api._stage_caches.clear()
    rows = [f"The {word} {thing} was {state} by the end of the week."
            for word in ("red", "old", "tall", "quiet", "busy", "small")
            for thing, state in (("harbour", "flooded"), ("orchard", "harvested"), ("violin", "varnished"))]
    pd.DataFrame({"text": rows}).to_csv(tmp_path / "notes.csv", index=False)

    first = [
        cli.main(["embed", str(tmp_path / "notes.csv"), "--out", str(tmp_path / "embed.parquet"), "--quiet"]),
        cli.main(["map", str(tmp_path / "notes.csv"), "--out", str(tmp_path / "map.parquet"), "--quiet", *SETTINGS]),
        cli.main(["compare", str(tmp_path / "notes.csv"), "--models", MODELS, "--out", str(tmp_path / "first.json"),
                  "--quiet", "--k", "5", *SETTINGS]),
    ]
    assert first == [0, 0, 0]

    done = subprocess.run([sys.executable, "-c", RERUN, str(tmp_path), *SETTINGS], cwd=REPO, env=dict(os.environ),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"codes": [0, 0, 0], "heavy": []}

    for name in ("embed", "map"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / f"{name}.parquet"),
                                      pd.read_parquet(tmp_path / f"{name}-again.parquet"))
    first_report, again = (json.loads((tmp_path / f).read_text()) for f in ("first.json", "again.json"))
    assert again["pairs"] == first_report["pairs"]
    assert [m["n_clusters"] for m in again["models"]] == [m["n_clusters"] for m in first_report["models"]]
    # The speed measured when the model was loaded is kept and reported again, not replaced by a guess.
    assert [m["docs_per_second"] for m in again["models"]] == [m["docs_per_second"] for m in first_report["models"]]
