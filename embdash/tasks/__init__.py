"""What analysts do with vectors: search (exact, approximate, BM25), classify, chunk and retrieve, compare models."""
