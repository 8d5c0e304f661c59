"""The corpus quality report as a cached stage: computed once per corpus and model, read back afterwards."""

import dataclasses

import pandas as pd

from embdash.dataio.corpus import make_corpus, quality_report
from embdash.dataio.store import Store
from embdash.pipeline import stages
from tests.fakes import FAKE_SPEC, PlantedTopicsEmbedder

TEXTS = ["one two three", "", "one two three", "a much longer text with many words in it", "  ", "four five"]


def corpus():
    return make_corpus(pd.DataFrame({"text": TEXTS}), "text", "texts")


def counting_loader(embedder):
    loads = []

    def load():
        loads.append(1)
        return embedder

    return load, loads


def test_the_report_is_computed_once_and_read_back_by_a_new_process(tmp_path, monkeypatch):
    embedder = PlantedTopicsEmbedder(spec=dataclasses.replace(FAKE_SPEC, max_tokens=4))
    load, loads = counting_loader(embedder)
    first = stages.corpus_quality(corpus(), model_key=embedder.cache_key, load=load,
                                  cache=stages.StageCache(Store(tmp_path)))
    assert loads == [1]
    assert first == quality_report(corpus(), token_counts=embedder.count_tokens(TEXTS), token_limit=4)
    assert first.empty_rows == [1, 4] and first.duplicate_rows == [2] and first.too_long_rows == [3]

    # A fresh cache on the same store (a restarted server, the next visit): nothing loaded, nothing counted.
    def never(*args, **kwargs):
        raise AssertionError("the report was computed again")

    monkeypatch.setattr("embdash.dataio.corpus.quality_report", never)
    again = stages.corpus_quality(corpus(), model_key=embedder.cache_key, load=load,
                                  cache=stages.StageCache(Store(tmp_path)))
    assert loads == [1] and again == first


def test_another_model_gets_its_own_report(tmp_path):
    store = Store(tmp_path)
    short = PlantedTopicsEmbedder(spec=dataclasses.replace(FAKE_SPEC, id="short", max_tokens=2))
    long = PlantedTopicsEmbedder(spec=dataclasses.replace(FAKE_SPEC, id="long", max_tokens=100))
    reports = [stages.corpus_quality(corpus(), model_key=model.cache_key, load=lambda model=model: model,
                                     cache=stages.StageCache(store)) for model in (short, long)]
    assert reports[0].too_long_rows == [0, 2, 3] and reports[1].too_long_rows == []
