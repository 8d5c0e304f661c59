"""The model catalogue, loading models (backends/), cache-aware embedding, and the Ray engine."""
