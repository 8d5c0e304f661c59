"""c-TF-IDF topic terms: the planted words come out, stop words and numbers never do."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from embdash.pipeline import topics
from embdash.pipeline.params import STOP_WORD_LANGUAGES, TopicParams
from tests.fakes import TOPIC_WORDS, planted_texts


@pytest.fixture(scope="module")
def planted():
    return planted_texts()


def words_of(terms):
    return {word for term, _ in terms for word in term.split()}


@pytest.mark.parametrize("ngram_max", [1, 2])
def test_each_cluster_is_named_by_its_planted_words(planted, ngram_max):
    texts, labels = planted
    found = topics.topic_terms(texts, labels, TopicParams(n_terms=5, ngram_max=ngram_max))
    assert sorted(found) == list(range(6))
    for topic, terms in found.items():
        # Scikit-learn counts "interest" as a stop word, so topic 4 has four usable planted words; the
        # marker "topic<k>" each text starts with holds a digit, so it is no term either.
        usable = set(TOPIC_WORDS[topic]) - ENGLISH_STOP_WORDS
        assert words_of(terms[: len(usable)]) <= usable, terms
        assert words_of(terms) >= usable, terms
        assert f"topic{topic}" not in words_of(terms)


def test_stop_words_and_numbers_never_appear():
    texts = [
        "the river and the boat are on the water 2024",
        "it is a boat on the river in 1999 and it is there",
        "the guitar and the band were in the song 42",
        "a song is what the band and the guitar play, 7 times",
    ]
    found = topics.topic_terms(texts, np.array([0, 0, 1, 1]), TopicParams(n_terms=20, ngram_max=2))
    for terms in found.values():
        assert terms
        for word in words_of(terms):
            assert word not in ENGLISH_STOP_WORDS
            assert not word.isdigit()


def test_words_with_digits_are_left_out_unless_kept():
    texts, labels = ["covid19 cases rise", "covid19 cases fall"], np.array([0, 0])
    assert "covid19" not in words_of(topics.topic_terms(texts, labels, TopicParams(n_terms=5))[0])
    assert "covid19" in words_of(topics.topic_terms(texts, labels, TopicParams(n_terms=5, keep_numbers=True))[0])


def planted_web_corpus():
    """Cluster 0 talks about rivers, cluster 1 about guitars; every text of cluster 0 also carries a link,
    an e-mail address, a year and news filler, which are its most frequent tokens by far."""
    rivers = ["river boat water", "boat on the river", "water under the boat", "river bank water"]
    guitars = ["guitar band song", "band plays guitar", "song for the band", "guitar song chords"]
    junk = "said https://news.example.com/2019/story?id=7 vs editor@example.org 2019 amp rt www.site.com"
    texts = [f"{text} {junk} {junk}" for text in rivers] + guitars
    return texts, np.array([0] * len(rivers) + [1] * len(guitars))


def test_addresses_numbers_and_news_filler_are_not_terms():
    texts, labels = planted_web_corpus()
    found = topics.topic_terms(texts, labels, TopicParams(n_terms=10, ngram_max=2))
    words = words_of(found[0])
    assert {"river", "boat", "water"} <= words
    assert not words & {"https", "http", "news", "example", "com", "org", "editor", "site", "id", "story",
                        "2019", "said", "vs", "amp", "rt", "www"}, found[0]
    assert not any(ch.isdigit() for word in words for ch in word)


def test_keep_numbers_keeps_them():
    texts, labels = planted_web_corpus()
    found = topics.topic_terms(texts, labels, TopicParams(n_terms=10, ngram_max=1, keep_numbers=True))
    assert {"2019", "example"} <= words_of(found[0])
    assert "https" not in words_of(found[0])  # still a stop word


def test_extra_stop_words_remove_a_term(planted):
    texts, labels = planted
    before = topics.topic_terms(texts, labels, TopicParams(n_terms=3, ngram_max=1))
    top_word = before[0][0][0]
    after = topics.topic_terms(
        texts, labels, TopicParams(n_terms=3, ngram_max=1, extra_stop_words=f" {top_word.upper()} , unrelated"))
    assert top_word not in words_of(after[0])
    assert len(after[0]) == 3  # the next best term takes its place
    assert [t for t, _ in after[1]] == [t for t, _ in before[1]]  # other clusters keep their words


def test_extra_stop_words_also_leave_phrases():
    texts = ["new york city lights", "new york subway", "new york pizza", "paris cafe", "paris metro", "paris louvre"]
    found = topics.topic_terms(texts, np.array([0, 0, 0, 1, 1, 1]), TopicParams(n_terms=5, ngram_max=2, extra_stop_words="york"))
    assert "york" not in words_of(found[0])


def test_parse_stop_words():
    assert topics.parse_stop_words(" Cts, Reuters ,,said\nvs ") == {"cts", "reuters", "said", "vs"}
    assert topics.parse_stop_words("") == frozenset()


def test_noise_gets_no_terms_but_shares_the_idf():
    texts = ["river boat", "river water", "guitar song", "guitar band", "river guitar song"]
    found = topics.topic_terms(texts, np.array([0, 0, 1, 1, -1]), TopicParams(n_terms=3, ngram_max=1))
    assert sorted(found) == [0, 1]
    assert found[0][0][0] == "river"
    assert found[1][0][0] == "guitar"


def test_ngrams_find_phrases():
    texts = ["new york city lights", "new york subway", "new york pizza", "paris cafe", "paris metro", "paris louvre"]
    found = topics.topic_terms(texts, np.array([0, 0, 0, 1, 1, 1]), TopicParams(n_terms=5, ngram_max=2))
    assert "new york" in [term for term, _ in found[0]]


def test_terms_are_ranked_and_limited(planted):
    texts, labels = planted
    found = topics.topic_terms(texts, labels, TopicParams(n_terms=3))
    for terms in found.values():
        assert len(terms) == 3
        scores = [score for _, score in terms]
        assert scores == sorted(scores, reverse=True) and scores[-1] > 0


def test_c_tf_idf_follows_bertopic_formula():
    counts = np.array([[3, 1, 0], [0, 1, 4]], dtype=float)
    tf = counts / counts.sum(axis=1, keepdims=True)
    average_words = counts.sum() / 2
    idf = np.log(1 + average_words / counts.sum(axis=0))
    np.testing.assert_allclose(topics.c_tf_idf(counts).toarray(), tf * idf)


def test_texts_without_usable_words_give_empty_terms():
    assert topics.topic_terms(["the and 123", "of 42 the"], np.array([0, 0]), TopicParams()) == {0: []}
    assert topics.topic_terms(["the and", "of it"], np.array([-1, -1]), TopicParams()) == {}
    assert topics.topic_terms([], np.array([], dtype=int), TopicParams()) == {}


def test_single_document_cluster():
    found = topics.topic_terms(["lonely lighthouse keeper"], np.array([0]), TopicParams(n_terms=2, ngram_max=1))
    assert [term for term, _ in found[0]] == ["keeper", "lighthouse"]  # equal scores: alphabetical


def test_mismatched_lengths_raise():
    with pytest.raises(ValueError, match="labels"):
        topics.topic_terms(["a text"], np.array([0, 1]), TopicParams())


def test_label_and_name():
    terms = [("river", 0.5), ("boat", 0.4), ("water", 0.3), ("fish", 0.2)]
    assert topics.topic_label(terms) == "river · boat · water"
    assert topics.topic_label(["river"]) == "river"
    assert topics.topic_label([]) == "no terms"
    assert topics.topic_name(3, terms) == "3: river · boat · water"
    assert topics.topic_name(-1, terms) == "unclustered"


def test_repeated_words_are_dropped():
    ranked = ["river boat", "river", "boat", "water", "boat water", "fish river"]
    assert topics.drop_repeated_words(ranked) == ["river boat", "water", "fish river"]


def test_distinct_labels_take_the_next_term_where_labels_coincide():
    terms = {
        0: ["river", "boat", "water", "fish"],
        1: ["boat", "river", "water", "bridge", "bank"],  # the same three words, reordered
        2: ["river", "boat", "water", "fish", "dam"],  # clashes with 0: takes "fish"
        3: ["river", "boat", "water"],  # nothing spare: keeps its label (its id tells it apart)
        4: [("guitar", 0.5), ("song", 0.4)],
        5: [],
    }
    labels = topics.distinct_labels(terms)
    assert labels[0] == "river · boat · water"
    assert labels[1] == "boat · river · bridge"
    assert labels[2] == "river · boat · fish"
    assert labels[3] == "river · boat · water"
    assert labels[4] == "guitar · song" and labels[5] == "no terms"
    worded = [frozenset(label.split(" · ")) for c, label in labels.items() if c not in (3, 5)]
    assert len(set(worded)) == len(worded)


def test_distinct_labels_leave_distinct_labels_alone(planted):
    texts, labels = planted
    found = topics.topic_terms(texts, labels, TopicParams(n_terms=5))
    assert topics.distinct_labels(found) == {c: topics.topic_label(terms) for c, terms in found.items()}


def test_topic_names_are_distinct_and_name_noise():
    terms = {0: [("tax", 1.0), ("bank", 0.5), ("loan", 0.2)], 1: [("bank", 1.0), ("tax", 0.9), ("loan", 0.1), ("rate", 0.05)]}
    names = topics.topic_names([1, -1, 0, 1], terms)
    assert names == {-1: "unclustered", 0: "0: tax · bank · loan", 1: "1: bank · tax · rate"}


# ---- other languages ------------------------------------------------------------------------------

GERMAN_FOOTBALL = [
    "Der Trainer sagte, dass die Mannschaft nicht gut gespielt hat und das Spiel verloren hat.",
    "Die Fans waren nicht zufrieden, und der Torwart hat zwei Tore kassiert.",
    "Der Stürmer schoss das Tor in der letzten Minute, und die Fans jubelten im Stadion.",
    "Die Mannschaft hat das Spiel gegen den Meister nicht verloren, der Trainer war froh.",
    "Im Stadion sangen die Fans, und der Schiedsrichter pfiff das Spiel nicht ab.",
    "Der Torwart hielt den Elfmeter, und die Mannschaft gewann das Spiel in der Liga.",
    "Die Liga hat einen neuen Meister, und der Trainer der Mannschaft bleibt nicht lange.",
    "Der Schiedsrichter zeigte die rote Karte, und der Stürmer musste das Spiel verlassen.",
]
GERMAN_COOKING = [
    "Die Suppe kocht nicht lange, und der Koch gibt Salz und Pfeffer in den Topf.",
    "Der Kuchen braucht Mehl, Zucker und Eier, und die Butter muss weich sein.",
    "Die Kartoffeln werden im Topf gekocht, und der Koch schneidet die Zwiebeln nicht zu fein.",
    "Der Teig ruht eine Stunde, und die Küche riecht nach frischem Brot aus dem Ofen.",
    "Die Sauce wird mit Butter und Sahne gekocht, und der Koch probiert sie nicht zu früh.",
    "Der Ofen ist heiß, und die Pizza mit Käse und Tomaten backt zehn Minuten.",
    "Die Zwiebeln brät der Koch in Butter, und die Suppe bekommt Salz und Pfeffer.",
    "Der Zucker schmilzt im Topf, und die Küche duftet nach Kuchen und Brot.",
]
GERMAN_FUNCTION_WORDS = {"und", "der", "die", "das", "nicht", "den", "in", "hat", "im", "zu"}


def german_corpus():
    texts = GERMAN_FOOTBALL + GERMAN_COOKING
    return texts, np.array([0] * len(GERMAN_FOOTBALL) + [1] * len(GERMAN_COOKING))


def test_german_topic_terms_hold_no_german_function_words():
    texts, labels = german_corpus()
    params = TopicParams(n_terms=10, ngram_max=2)
    assert params.language == "auto"
    found = topics.topic_terms(texts, labels, params)
    for terms in found.values():
        assert len(terms) == 10
        assert not words_of(terms) & GERMAN_FUNCTION_WORDS, terms
    assert {"trainer", "mannschaft"} <= words_of(found[0]) and {"koch", "butter"} <= words_of(found[1])
    # The same corpus taken as English lets them through: the German list is what keeps them out.
    as_english = topics.topic_terms(texts, labels, TopicParams(n_terms=10, ngram_max=2, language="en"))
    assert any(words_of(terms) & GERMAN_FUNCTION_WORDS for terms in as_english.values()), as_english
    assert topics.topic_terms(texts, labels, TopicParams(n_terms=10, ngram_max=2, language="de")) == found


@pytest.mark.parametrize("language, texts", [
    ("de", GERMAN_FOOTBALL + GERMAN_COOKING),
    ("es", ["El gobierno aprobó ayer nuevas normas para el tráfico en las ciudades más grandes del país.",
            "Los vecinos dicen que la calle está llena de coches y que no hay sitio para aparcar.",
            "La alcaldesa anunció que el autobús será gratis para los estudiantes durante todo el año."]),
    ("sl", ["Vlada je v ponedeljek sprejela nova pravila za promet v večjih mestih po vsej državi.",
            "Prebivalci pravijo, da je ulica polna avtomobilov in da ni prostora za parkiranje.",
            "Županja je napovedala, da bo avtobus za študente brezplačen vse leto, ne samo poleti."]),
    ("en", ["The government approved new traffic rules for the largest cities of the country yesterday.",
            "Residents say the street is full of cars and there is no room left to park anywhere.",
            "The mayor announced that the bus will be free for students for the whole of next year."]),
])
def test_detected_language(language, texts):
    assert topics.detected_language(texts) == language


def test_detected_language_of_short_or_empty_corpora_is_english():
    assert topics.detected_language([]) == "en"
    assert topics.detected_language(["", "  ", None]) == "en"
    assert topics.detected_language(["Gremo v kino"]) == "en"  # too little text to tell


def test_detected_language_samples_a_large_corpus_deterministically():
    texts = [f"{sentence} ({i})" for i in range(300) for sentence in GERMAN_COOKING[:1]] + ["The weather is nice."] * 200
    assert len(texts) > topics.LANGUAGE_SAMPLE
    assert topics.detected_language(texts) == topics.detected_language(list(texts)) == "de"


def test_stop_words_add_the_corpus_language_to_english():
    import stopwordsiso
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    english = topics.stop_words(TopicParams(language="en"), GERMAN_FOOTBALL)
    assert english == ENGLISH_STOP_WORDS | topics.JUNK_WORDS  # sklearn's list for English, not stopwordsiso's
    german = topics.stop_words(TopicParams(), GERMAN_FOOTBALL)
    assert german == english | topics.language_stop_words("de")
    assert {"und", "der", "nicht"} <= german and {"mannschaft", "trainer"}.isdisjoint(german)
    assert topics.language_stop_words("de") >= {w for w in stopwordsiso.stopwords("de") if w.isalpha() and len(w) > 1}


def test_stop_lists_are_made_of_tokens(recwarn):
    # Words with apostrophes or hyphens are split as the tokenizer splits text; else scikit-learn warns that
    # the list is inconsistent, and such words could never match.
    texts = ["Aujourd'hui le chef prépare la soupe et le pain.", "Le match de football est aujourd'hui."] * 3
    found = topics.topic_terms(texts, np.array([0, 1] * 3), TopicParams(language="fr", n_terms=5))
    assert not [w for w in recwarn if "stop_words may be inconsistent" in str(w.message)]
    assert "aujourd" not in words_of(found[0]) | words_of(found[1])


def test_stop_word_languages_are_those_with_a_list():
    import stopwordsiso

    assert set(STOP_WORD_LANGUAGES) == set(stopwordsiso.langs())


def test_unknown_language_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown topic language 'german'.*auto"):
        TopicParams(language="german")
    assert TopicParams(language="sl").language == "sl"


def test_topic_terms_stay_sparse_when_classes_times_vocabulary_is_large():
    """Terms of 1,000 classes over a ~20,000-term vocabulary: a dense classes x terms float64 array is
    ~160 MB per copy (c-TF-IDF made several). Kept sparse, the whole computation stays far below one copy;
    and the scores still equal the dense formula's."""
    import tracemalloc

    rng = np.random.default_rng(0)
    letters = "bcdfghjklmnpqrstvwxz"  # made-up words without digits (numbers are no terms) or stop words
    words = np.array(["".join(letters[i // 20 ** k % 20] for k in range(4)) + "a" for i in range(30_000)])
    texts = [" ".join(words[rng.integers(0, len(words), size=12)]) for _ in range(6_000)]
    labels = rng.permutation(np.arange(len(texts)) % 1_000)
    params = TopicParams(ngram_max=2)
    vectorizer, _ = topics.fitted_vectorizer(texts, params)
    vocabulary = len(vectorizer.vocabulary_)
    assert vocabulary > 15_000
    tracemalloc.start()
    found = topics.topic_terms(texts, labels, params)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(found) == 1_000 and all(found.values())
    assert peak < 1_000 * vocabulary * 8 / 4, f"peak {peak / 1e6:.0f} MB"

    small = labels % 4  # the sparse scores against the dense formula, on a size where dense is cheap
    vectorizer, counts = topics.fitted_vectorizer(texts, params)
    class_counts = topics.class_counts(texts, small, [0, 1, 2, 3], vectorizer, counts)
    dense = class_counts.toarray().astype(float)
    tf = dense / dense.sum(axis=1, keepdims=True)
    idf = np.log1p(dense.sum() / 4 / dense.sum(axis=0))
    np.testing.assert_allclose(topics.c_tf_idf(class_counts).toarray(), tf * idf, rtol=1e-12)
