"""Every tunable as a frozen dataclass. Each field has a default and help text (the UI draws widgets from them)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


def param(default, help: str, *, min=None, max=None, step=None, options=None, label: str | None = None):
    """A dataclass field whose metadata carries the help text and the widget's range."""
    return field(
        default=default,
        metadata={"help": help, "min": min, "max": max, "step": step, "options": options, "label": label},
    )


@dataclass(frozen=True)
class UmapParams:
    n_neighbors: int = param(
        15, "How many neighbours UMAP looks at. Small values keep local detail; large values keep the overall shape.",
        min=2, max=200, step=1, label="Neighbours",
    )
    min_dist: float = param(
        0.1, "How tightly points may pack in the 2-D map. Small values give dense clumps; large values spread them out.",
        min=0.0, max=0.99, step=0.01, label="Minimum distance",
    )
    metric: str = param(
        "cosine", "Distance between vectors. Cosine is the usual choice for text embeddings.",
        options=("cosine", "euclidean"), label="Metric",
    )
    seed: int = param(42, "Random seed: the same seed and data give the same map.", min=0, max=2**31 - 1, label="Seed")


#: A cluster-size parameter set to AUTO is chosen from the corpus size (embdash.pipeline.cluster.auto_sizes).
AUTO = 0


@dataclass(frozen=True)
class ClusterParams:
    min_cluster_size: int = param(
        AUTO, "The smallest group HDBSCAN calls a cluster. Raise it for fewer, bigger clusters. "
        "0 = auto: grows with the corpus size, so a corpus of any size opens on a readable number of topics.",
        min=0, max=500, step=1, label="Minimum cluster size",
    )
    min_samples: int = param(
        AUTO, "How conservative clustering is: higher values call more documents noise (unclustered). "
        "0 = auto: chosen from the corpus size together with the minimum cluster size.",
        min=0, max=100, step=1, label="Minimum samples",
    )
    cluster_dims: int = param(
        5, "Dimensions of the UMAP projection that clustering runs on (a separate projection from the 2-D map).",
        min=2, max=50, step=1, label="Clustering dimensions",
    )


#: Stop-word languages (ISO 639-1): those stopwordsiso ships a list for (tests check they agree).
STOP_WORD_LANGUAGES = (
    "af", "ar", "bg", "bn", "br", "ca", "cs", "da", "de", "el", "en", "eo", "es", "et", "eu", "fa", "fi", "fr",
    "ga", "gl", "gu", "ha", "he", "hi", "hr", "hu", "hy", "id", "it", "ja", "ko", "ku", "la", "lt", "lv", "mr",
    "ms", "nl", "no", "pl", "pt", "ro", "ru", "sk", "sl", "so", "st", "sv", "sw", "th", "tl", "tr", "uk", "ur",
    "vi", "yo", "zh", "zu",
)
#: TopicParams.language for "detect it from the texts".
AUTO_LANGUAGE = "auto"


@dataclass(frozen=True)
class TopicParams:
    n_terms: int = param(5, "How many top terms label each cluster.", min=1, max=20, step=1, label="Terms per topic")
    ngram_max: int = param(2, "Longest phrase, in words, a topic term may be.", min=1, max=3, step=1, label="Longest phrase")
    keep_numbers: bool = param(
        False, "Keep web addresses, e-mail addresses, numbers and words with digits (\"2019\", \"covid19\") as "
        "topic terms. Off: they rarely say what a topic is about.",
        label="Keep numbers and addresses",
    )
    extra_stop_words: str = param(
        "", "Words to leave out of topic terms, separated by commas (\"cts, reuters\"), on top of English stop words "
        "and a few web and news words (said, vs, https...). Case does not matter.",
        label="Extra stop words",
    )
    language: str = param(
        AUTO_LANGUAGE, "The corpus's language, whose common words (\"und\", \"der\"; \"in\", \"je\") never become "
        "topic terms, on top of English ones. \"auto\" detects it from the texts; else an ISO 639-1 code "
        "(de German, es Spanish, fr French, sl Slovene...).",
        options=(AUTO_LANGUAGE, *STOP_WORD_LANGUAGES), label="Language",
    )
    by_meaning: bool = param(
        True, "Name each topic by its c-TF-IDF candidate terms re-ranked by meaning: how close each term's "
        "embedding is to the topic's centre, with varied words (KeyBERT-inspired, with MMR). Off: the plain "
        "c-TF-IDF order. Terms are embedded once with the map's model and cached.",
        label="Names by meaning",
    )

    def __post_init__(self):
        if self.language not in (AUTO_LANGUAGE, *STOP_WORD_LANGUAGES):
            raise ValueError(
                f"Unknown topic language {self.language!r}: use \"auto\" or one of the ISO 639-1 codes with a stop "
                f"list: {', '.join(STOP_WORD_LANGUAGES)}."
            )


@dataclass(frozen=True)
class MapParams:
    umap: UmapParams = field(default_factory=UmapParams)
    cluster: ClusterParams = field(default_factory=ClusterParams)
    topics: TopicParams = field(default_factory=TopicParams)


def help_of(cls, name: str) -> str:
    """The help text of a field."""
    return next(f.metadata["help"] for f in fields(cls) if f.name == name)
