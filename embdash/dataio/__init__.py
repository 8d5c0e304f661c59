"""Reading corpora, the on-disk store of vectors, corpora and derived artefacts, and exports."""
