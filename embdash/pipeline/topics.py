"""Name clusters by their most distinctive terms, with BERTopic's class-based TF-IDF (c-TF-IDF).

All documents of a class (cluster) are treated as one document. For term t in class c:
    tf(t, c)  = count of t in c / count of all terms in c          (L1-normalised per class)
    idf(t)    = log(1 + A / f_t)   A = average number of terms per class, f_t = count of t in all classes
    score     = tf * idf
Noise (-1) takes part as a class, so words spread over unclustered documents lose weight too, but it
gets no topic terms of its own: its label is always "unclustered".
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

import numpy as np

from embdash.pipeline.params import AUTO_LANGUAGE, STOP_WORD_LANGUAGES, TopicParams

NOISE = -1
UNCLUSTERED = "unclustered"
LABEL_SEPARATOR = " · "

#: Words of two letters or more without digits: "2024", "42" and "covid19" say little about a topic.
TOKEN_PATTERN = r"(?u)\b[^\W\d]{2,}\b"
#: With `keep_numbers`: any word of two characters or more, numbers included.
TOKEN_PATTERN_WITH_NUMBERS = r"(?u)\b\w\w+\b"

#: Web and e-mail addresses, removed whole before tokenising (else "https://example.com/x" leaves
#: "https", "example", "com"). Both stop at whitespace, so texts joined by spaces stay apart.
ADDRESS_PATTERN = re.compile(r"(?:https?://|ftp://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)

#: Added to scikit-learn's English stop words. Kept short and corpus-agnostic: reporting verbs of news
#: ("said", "says"), "vs" of headlines, the pieces of web addresses written without a scheme, "amp"
#: (left by an HTML-escaped "&amp;") and "rt" (the retweet marker). Anything corpus-specific belongs in
#: TopicParams.extra_stop_words.
JUNK_WORDS = frozenset({"said", "says", "vs", "http", "https", "www", "com", "amp", "rt"})

#: From this many documents on, a term must occur in at least 2 of them: a word seen once
#: cannot characterise a topic, and dropping them keeps the vocabulary small.
MIN_DOCS_FOR_MIN_DF = 50

#: Language detection reads a seeded sample of this many texts: enough for a stable vote, and fast
#: (py3langid takes well under a millisecond a text).
LANGUAGE_SAMPLE = 200
LANGUAGE_SEED = 0
#: Texts are joined into pieces of at least this many characters before they vote: one tweet-length text
#: alone is often misread ("paris cafe" as Latin), a few hundred characters seldom are.
LANGUAGE_PIECE_CHARS = 200
#: Less text than this in the sample is too little to tell a language by: taken as English.
MIN_LANGUAGE_CHARS = 100
ENGLISH = "en"

TopicTerms = dict[int, list[tuple[str, float]]]


def topic_terms(texts: list[str], labels: np.ndarray, params: TopicParams = TopicParams()) -> TopicTerms:
    """The top `params.n_terms` (term, c-TF-IDF score) pairs of every cluster id >= 0, best first.

    Terms repeating higher-ranked ones are skipped (see `drop_repeated_words`). A cluster whose
    documents hold no usable words (only stop words or numbers) gets an empty list.
    """
    labels = np.asarray(labels)
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels.")
    cluster_ids = sorted(int(c) for c in np.unique(labels) if c != NOISE)
    if not cluster_ids:
        return {}
    fitted = fitted_vectorizer(texts, params)
    if fitted is None:
        return {c: [] for c in cluster_ids}
    vectorizer, document_counts = fitted
    classes = sorted(int(c) for c in np.unique(labels))  # noise included: it shares the idf
    scores = c_tf_idf(class_counts(texts, labels, classes, vectorizer, document_counts))
    vocabulary = vectorizer.get_feature_names_out()
    return {
        c: top_terms(scores[row], vocabulary, params.n_terms)
        for row, c in enumerate(classes)
        if c != NOISE
    }


def c_tf_idf(counts):
    """c-TF-IDF scores (classes × terms, scipy CSR) from a term-count matrix (classes × terms, sparse or dense).

    Kept sparse: a million documents give a vocabulary of ~1.5 million uni- and bigrams, and a dense
    classes x terms float64 array per step would take ~1 GB per 84 classes.
    """
    return class_tf(counts).multiply(class_idf(counts)[None, :]).tocsr()


def class_tf(counts):
    """Term frequencies per class (classes × terms, CSR): each row's counts over its total (0 for an empty row)."""
    from scipy import sparse

    counts = _sparse(counts)
    words_per_class = np.asarray(counts.sum(axis=1)).ravel()
    inverse = np.divide(1.0, words_per_class, out=np.zeros_like(words_per_class), where=words_per_class > 0)
    return (sparse.diags(inverse) @ counts).tocsr()


def class_idf(counts) -> np.ndarray:
    """The (terms,) idf of c-TF-IDF over these classes: log(1 + average words per class / count of the term)."""
    counts = _sparse(counts)
    term_totals = np.asarray(counts.sum(axis=0)).ravel()
    average_words = term_totals.sum() / max(counts.shape[0], 1)
    return np.log1p(np.divide(average_words, term_totals, out=np.zeros_like(term_totals), where=term_totals > 0))


def _sparse(counts):
    from scipy import sparse

    return sparse.csr_matrix(counts, dtype=np.float64)


def topic_label(terms: list[tuple[str, float]] | list[str], n_words: int = 3) -> str:
    """A short label from the best terms: "river · boat · water" ("no terms" when there are none)."""
    words = [term if isinstance(term, str) else term[0] for term in terms[:n_words]]
    return LABEL_SEPARATOR.join(words) if words else "no terms"


def topic_name(cluster_id: int, terms: list[tuple[str, float]] | list[str]) -> str:
    """The topic as the map shows it: "3: river · boat · water"; "unclustered" for noise.

    The id prefix keeps two clusters with the same top words apart.
    """
    return UNCLUSTERED if cluster_id == NOISE else f"{cluster_id}: {topic_label(terms)}"


def topic_names(cluster_ids, terms_by_cluster: TopicTerms) -> dict[int, str]:
    """Cluster id -> `topic_name`, with labels made distinct across clusters (`distinct_labels`)."""
    ids = sorted({int(c) for c in cluster_ids})
    labels = distinct_labels({c: terms_by_cluster.get(c, []) for c in ids if c != NOISE})
    return {c: UNCLUSTERED if c == NOISE else f"{c}: {labels[c]}" for c in ids}


def distinct_labels(terms_by_cluster: TopicTerms, n_words: int = 3) -> dict[int, str]:
    """A label per cluster id (as `topic_label`), no two alike: where a cluster's top words are the same
    as (or a reordering of) an earlier cluster's label, its last word gives way to its next best term
    until the label is new. A cluster with no spare terms keeps its label; its id still tells it apart.
    """
    labels, used = {}, set()
    for cluster_id in sorted(terms_by_cluster):
        words = [term if isinstance(term, str) else term[0] for term in terms_by_cluster[cluster_id]]
        chosen, spare = words[:n_words], words[n_words:]
        while frozenset(chosen) in used and chosen and spare:
            chosen = chosen[:-1] + [spare.pop(0)]
        used.add(frozenset(chosen))
        labels[cluster_id] = topic_label(chosen, n_words)
    return labels


def drop_repeated_words(ranked_terms: list[str]) -> list[str]:
    """Skip a term all of whose words already appear in higher-ranked terms ("river" after "river boat")."""
    kept, seen_words = [], set()
    for term in ranked_terms:
        words = set(term.split())
        if words <= seen_words:
            continue
        kept.append(term)
        seen_words |= words
    return kept


def class_counts(texts: list[str], labels: np.ndarray, classes: list[int], vectorizer, document_counts):
    """Term counts per class (classes x terms, scipy CSR): what `vectorizer.transform` gives for each class's texts
    joined by spaces into one document, in corpus order (see _join_by_class).

    Summed from the per-document counts the fit already made, plus the n-grams that run across the
    joins (last words of one text, first words of the next): each text is tokenised once more, but no
    n-gram of the whole corpus is built twice. About twice as fast as transforming the joined classes.
    """
    from scipy import sparse

    row_of_class = {c: row for row, c in enumerate(classes)}
    class_rows = np.fromiter((row_of_class[int(label)] for label in labels), dtype=np.int64, count=len(labels))
    membership = sparse.csr_matrix(
        (np.ones(len(labels), dtype=document_counts.dtype), (class_rows, np.arange(len(labels)))),
        shape=(len(classes), len(labels)),
    )
    counts = (membership @ document_counts).tocsr()
    if vectorizer.ngram_range[1] > 1:
        rows, columns = _ngrams_across_joins(texts, class_rows, vectorizer)
        across = sparse.csr_matrix((np.ones(len(rows), dtype=counts.dtype), (rows, columns)), shape=counts.shape)
        counts = (counts + across).tocsr()  # duplicate coordinates sum up
    counts.sort_indices()
    return counts


def _ngrams_across_joins(texts: list[str], class_rows: np.ndarray, vectorizer) -> tuple[list[int], list[int]]:
    """(class row, term column) of each vocabulary n-gram that spans two or more texts of a class once they
    are joined, once per occurrence.

    Each such n-gram is counted at the text holding its last word; a text with fewer words than the
    n-gram (or none) lets it reach further back, as joining does.
    """
    preprocess, tokenize = vectorizer.build_preprocessor(), vectorizer.build_tokenizer()
    stop_words = vectorizer.get_stop_words() or frozenset()
    vocabulary = vectorizer.vocabulary_
    longest = vectorizer.ngram_range[1]
    tails: dict[int, list[str]] = {}  # class row -> the last (longest - 1) words of its joined document so far
    rows, columns = [], []
    for text, row in zip(texts, class_rows):
        words = [w for w in tokenize(preprocess(text)) if w not in stop_words]
        tail = tails.get(row, [])
        for end in range(min(longest - 1, len(words))):  # an n-gram ending at words[end] ...
            for n in range(end + 2, longest + 1):  # ... taking n - 1 - end >= 1 words from before this text
                before = n - 1 - end
                if before > len(tail):
                    break
                column = vocabulary.get(" ".join(tail[-before:] + words[: end + 1]))
                if column is not None:
                    rows.append(int(row))
                    columns.append(column)
        tails[row] = (tail + words)[-(longest - 1):]
    return rows, columns


def fitted_vectorizer(texts: list[str], params: TopicParams):
    """(a CountVectorizer fitted on the individual documents, so min_df counts documents, and their
    (documents x terms) sparse counts), or None when they hold no usable words."""
    from sklearn.feature_extraction.text import CountVectorizer

    min_df = 2 if len(texts) >= MIN_DOCS_FOR_MIN_DF else 1
    words_to_skip = stop_words(params, texts)
    for attempt_min_df in dict.fromkeys((min_df, 1)):  # retry with 1 if 2 leaves nothing
        vectorizer = CountVectorizer(
            stop_words=sorted(words_to_skip),
            ngram_range=(1, max(1, params.ngram_max)),
            token_pattern=TOKEN_PATTERN_WITH_NUMBERS if params.keep_numbers else TOKEN_PATTERN,
            preprocessor=None if params.keep_numbers else _without_addresses,
            min_df=attempt_min_df,
        )
        try:
            return vectorizer, vectorizer.fit_transform(texts)  # fit() runs fit_transform anyway: keep its counts
        except ValueError:  # "empty vocabulary" (or min_df pruned everything)
            continue
    return None


def stop_words(params: TopicParams, texts: Sequence[str] = ()) -> frozenset[str]:
    """The words never used as (or inside) topic terms: English stop words (scikit-learn's list), the stop
    words of the corpus's language when it is another one (stopwordsiso's list; `params.language`, or
    `detected_language(texts)` for "auto"), JUNK_WORDS and the analyst's `extra_stop_words`."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    language = detected_language(texts) if params.language == AUTO_LANGUAGE else params.language
    found = ENGLISH_STOP_WORDS | JUNK_WORDS | parse_stop_words(params.extra_stop_words)
    if language != ENGLISH:
        found |= language_stop_words(language, params.keep_numbers)
    return found


def language_stop_words(language: str, keep_numbers: bool = False) -> frozenset[str]:
    """stopwordsiso's stop words of a language (ISO 639-1; none for a language it has no list for), as the
    topic terms' tokeniser splits them: "aujourd'hui" gives "aujourd" and "hui", one-letter words go. The
    vectorizer drops stop words token by token, so only tokens can match (and scikit-learn warns otherwise)."""
    if language not in STOP_WORD_LANGUAGES:
        return frozenset()
    import stopwordsiso

    pattern = re.compile(TOKEN_PATTERN_WITH_NUMBERS if keep_numbers else TOKEN_PATTERN)
    return frozenset(token for word in stopwordsiso.stopwords(language) for token in pattern.findall(word.lower()))


def detected_language(texts: Sequence[str]) -> str:
    """The ISO 639-1 code of the texts' main language, by py3langid.

    A seeded sample of LANGUAGE_SAMPLE texts (all of them, when fewer) is joined, in corpus order, into
    pieces of at least LANGUAGE_PIECE_CHARS characters; each piece votes for its language and the
    majority wins (ties go to the language seen first). Less than MIN_LANGUAGE_CHARS of text in all, or
    no texts: "en". The same texts always give the same answer.
    """
    texts = [t for t in texts if isinstance(t, str) and t.strip()]
    if len(texts) > LANGUAGE_SAMPLE:
        rows = np.sort(np.random.default_rng(LANGUAGE_SEED).choice(len(texts), LANGUAGE_SAMPLE, replace=False))
        texts = [texts[row] for row in rows]
    pieces = _language_pieces(texts)
    if sum(len(piece) for piece in pieces) < MIN_LANGUAGE_CHARS:
        return ENGLISH
    import py3langid

    votes = Counter(py3langid.classify(piece)[0] for piece in pieces)
    return votes.most_common(1)[0][0]


def _language_pieces(texts: list[str]) -> list[str]:
    pieces, current = [], ""
    for text in texts:
        current = f"{current} {text.strip()}" if current else text.strip()
        if len(current) >= LANGUAGE_PIECE_CHARS:
            pieces.append(current)
            current = ""
    if current:  # the short rest joins the last piece rather than voting alone
        if pieces:
            pieces[-1] = f"{pieces[-1]} {current}"
        else:
            pieces.append(current)
    return pieces


def parse_stop_words(text: str) -> frozenset[str]:
    """"Cts, Reuters ,  said" -> {"cts", "reuters", "said"}: split on commas (and whitespace, since a
    stop word is one word), lower-cased, blanks dropped."""
    return frozenset(word for word in re.split(r"[,\s]+", (text or "").lower()) if word)


def _without_addresses(text: str) -> str:
    # Replaces CountVectorizer's own preprocessor (which only lower-cases), so lower-case here too.
    return ADDRESS_PATTERN.sub(" ", text.lower())


def _join_by_class(texts: list[str], labels: np.ndarray, classes: list[int]) -> list[str]:
    # The definition of a class's document, which class_counts reproduces without building it (tests compare).
    parts: dict[int, list[str]] = {c: [] for c in classes}
    for text, label in zip(texts, labels):
        parts[int(label)].append(text)
    return [" ".join(parts[c]) for c in classes]


def top_terms(scores, vocabulary: np.ndarray, n_terms: int) -> list[tuple[str, float]]:
    """The n_terms best (term, score) pairs of one class's scores (positive only), repeats dropped.
    `scores`: the class's (terms,) array, or its row of a sparse matrix."""
    if hasattr(scores, "indices"):  # a sparse row: only its stored entries can be positive
        row = scores.tocsr()
        columns, values = row.indices, row.data
    else:
        columns = np.arange(len(scores))
        values = np.asarray(scores)
    keep = values > 0
    columns, values = columns[keep], values[keep]
    # Only the best few hundred can make the list, even after dropping repeats: skip sorting the rest.
    shortlist = n_terms * 20 + 50
    if len(columns) > shortlist:
        best = np.argpartition(-values, shortlist)[:shortlist]
        columns, values = columns[best], values[best]
    # Highest score first; ties alphabetical, so the order is deterministic.
    order = sorted(range(len(columns)), key=lambda i: (-values[i], vocabulary[columns[i]]))
    ranked = [str(vocabulary[columns[i]]) for i in order]
    score_of = dict(zip(ranked, (float(values[i]) for i in order)))
    return [(term, score_of[term]) for term in drop_repeated_words(ranked)[:n_terms]]
