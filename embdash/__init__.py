"""embdash: explore text embeddings. A pure library; the Streamlit UI lives in embdash/ui/ and pages/."""

import os

# Models come from packages that carry their weights; never let a library reach for a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Idle OpenMP threads otherwise spin and starve the other core on a 2-core machine (measured: the
# default model fell from ~240 to ~60 texts/s beside another job). Only read before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
