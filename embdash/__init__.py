"""embdash: explore text embeddings. A library first; the Streamlit dashboard lives in embdash/ui/ and pages/.

    import embdash
    vectors = embdash.embed(df, text="body")                  # (n, d) unit vectors, cached
    frame = embdash.map(df, text="body", min_cluster_size=20)  # rows + x, y, cluster, topic
    tree = embdash.topics(df, text="body", topics=8)           # the topic tree, cut to 8 topics
    hits = embdash.search(df, "rising prices", text="body")    # the nearest rows, best first
    report = embdash.compare(df, text="body", models=["all-MiniLM-L6-v2", "paraphrase-MiniLM-L3-v2"])

Importing embdash is quick and changes nothing in the process (no environment variable, no heavy import):
the calls import what they need when first used.
"""

from embdash.version import VERSION as __version__

__all__ = ["embed", "map", "topics", "search", "compare", "__version__"]

_API = {"embed", "map", "topics", "search", "compare"}


def __getattr__(name: str):
    if name in _API:
        from embdash import api

        return getattr(api, name)
    raise AttributeError(f"module 'embdash' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _API)
