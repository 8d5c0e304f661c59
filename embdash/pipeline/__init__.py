"""The map pipeline: parameters, UMAP, HDBSCAN, c-TF-IDF topics, and each stage's key and on-disk cache."""
