"""Languages read text by text (py3langid, offline), named, and matched to the catalogue's models."""

import pandas as pd
import pytest

from embdash.dataio import languages
from embdash.models.catalogue import CATALOGUE, get_spec, models_reading

# Real sentences (short news-like lines), four languages.
ENGLISH = ["The central bank raised interest rates again to slow down inflation this spring.",
           "Thousands of fans queued overnight for tickets to the final concert of the tour.",
           "The new railway line will cut the journey between the two cities to an hour."]
SLOVENE = ["Vlada je danes sprejela nov zakon o davkih, ki bo začel veljati prihodnje leto.",
           "Na tekmi v Ljubljani je domača ekipa po podaljšku premagala goste iz Maribora.",
           "Cene stanovanj v prestolnici so se v zadnjem letu znova močno zvišale."]
SPANISH = ["El gobierno anunció ayer nuevas medidas para reducir el precio de la electricidad.",
           "Miles de personas se manifestaron en el centro de la ciudad durante el fin de semana."]
GERMAN = ["Die Regierung hat heute ein neues Gesetz zur Förderung erneuerbarer Energien beschlossen."]


def test_the_share_of_each_language_is_counted_text_by_text():
    texts = SLOVENE * 10 + ENGLISH * 3 + SPANISH + ["ok", "lol 😂", ""]
    report = languages.language_report(texts)
    assert report.main == "sl"
    assert dict(report.shares) == pytest.approx({"sl": 30 / 41, "en": 9 / 41, "es": 2 / 41})
    assert report.n_read == len(texts) and report.n_too_short == 3
    assert not report.mostly_english
    assert report.summary() == "Slovenian 73%, English 22%, Spanish 5% (of 44 texts read; 3 too short to tell)"


def test_rare_languages_below_the_floor_are_other_and_english_is_mostly_english():
    texts = ENGLISH * 20 + GERMAN
    report = languages.language_report(texts)
    assert report.mostly_english and report.main == "en"
    assert report.listed() == [("English", pytest.approx(60 / 61)), ("other", pytest.approx(1 / 61))]


def test_too_little_text_says_so_and_warns_about_nothing():
    report = languages.language_report(["hi", "ok", "yes"])
    assert report.main is None and report.mostly_english
    assert report.summary() == "too little text to tell (of 3 texts read)"


def test_a_large_corpus_is_read_on_a_seeded_sample():
    texts = (ENGLISH + SLOVENE) * 1000
    first = languages.language_report(texts, sample=200)
    assert first.n_read == 200 and first == languages.language_report(texts, sample=200)
    assert first.main_share == pytest.approx(0.5, abs=0.1)


def test_a_column_of_language_codes_is_found_and_counted():
    frame = pd.DataFrame({"Content": ENGLISH * 2, "Language": ["en", "en", "es", "en", "und", "EN"],
                          "Label": ["a", "b", "c", "a", "b", "c"]})
    assert languages.language_column(frame) == "Language"
    assert languages.column_languages(frame["Language"]) == pytest.approx({"en": 4 / 6, "es": 1 / 6, "und": 1 / 6})
    assert languages.shares_text({"en": 0.97, "es": 0.02, "und": 0.006, "da": 0.004}) == (
        "English 97%, Spanish 2%, other 1%")
    assert languages.shares_text({"en": 0.5, "und": 0.5}) == "English 50%, undetermined 50%"
    assert languages.language_column(frame.rename(columns={"Language": "Author"})) is None
    assert languages.column_languages(pd.Series(["red", "green", "blue"])) is None


def test_models_for_a_language_are_the_multilingual_ones_that_read_it():
    assert [spec.id for spec in models_reading("sl")] == ["multilingual-e5-small"]
    assert {spec.id for spec in models_reading("es")} == {"multilingual-e5-small", "use-multilingual"}
    assert [spec.id for spec in models_reading("es", offered=["all-MiniLM-L6-v2", "use-multilingual"])] == ["use-multilingual"]
    assert not get_spec("all-MiniLM-L6-v2").reads("sl") and get_spec("tfidf-lsa").reads("sl")
    assert all(spec.reads("en") for spec in CATALOGUE)
