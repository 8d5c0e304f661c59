"""A deterministic fake embedder with planted topic structure, for fast tests.

Each text names its topic in its first word ("topic3 ..."): the vector is that topic's direction
plus noise seeded by the text's hash, so identical texts get identical vectors, different texts
differ, and texts of one topic sit together. Like latent-scope's test embedder.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from embdash.models.catalogue import ModelSpec

FAKE_SPEC = ModelSpec(
    id="fake-topics",
    name="Fake planted-topics embedder (tests only)",
    dim=32,
    size_mb=0.0,
    docs_per_second=1e6,
    licence="n/a",
    languages="any",
    loader="fake",
    source="tests/fakes.py",
    max_tokens=None,
    weights_version="1",
)


@dataclass
class PlantedTopicsEmbedder:
    n_topics: int = 6
    noise: float = 0.35
    spec: ModelSpec = FAKE_SPEC
    calls: list[int] = field(default_factory=list)  # size of each embed() call, to check what was computed

    @property
    def cache_key(self) -> str:
        return f"{self.spec.id}@{self.spec.weights_version}"

    def _topic_directions(self) -> np.ndarray:
        rng = np.random.default_rng(1234)
        return rng.standard_normal((self.n_topics, self.spec.dim))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        directions = self._topic_directions()
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
            rng = np.random.default_rng(seed)
            topic = topic_of(text) % self.n_topics
            rows.append(directions[topic] + self.noise * np.sqrt(self.spec.dim) / 4 * rng.standard_normal(self.spec.dim))
        vectors = np.asarray(rows, dtype=np.float32).reshape(len(texts), self.spec.dim)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def count_tokens(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([len(t.split()) for t in texts])


def topic_of(text: str) -> int:
    first = text.split(maxsplit=1)[0] if text.strip() else "topic0"
    return int(first.removeprefix("topic")) if first.startswith("topic") and first[5:].isdigit() else 0


TOPIC_WORDS = [
    ["river", "boat", "water", "fish", "bridge"],
    ["guitar", "concert", "song", "band", "drum"],
    ["vaccine", "doctor", "clinic", "fever", "nurse"],
    ["goal", "match", "league", "coach", "striker"],
    ["budget", "tax", "bank", "loan", "interest"],
    ["planet", "orbit", "telescope", "comet", "star"],
]


def planted_texts(n_topics: int = 6, per_topic: int = 40, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Texts "topic<k> word word ..." with topic words, and their planted labels."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for topic in range(n_topics):
        words = TOPIC_WORDS[topic % len(TOPIC_WORDS)]
        for i in range(per_topic):
            picked = rng.choice(words, size=4)
            texts.append(f"topic{topic} {' '.join(picked)} note {i}")
            labels.append(topic)
    return texts, np.asarray(labels)


class SlowEmbedder(PlantedTopicsEmbedder):
    """Takes `seconds` per model call, as a real model does on a long batch; records the texts it embedded."""

    def __init__(self, seconds: float = 0.0):
        super().__init__()
        self.seconds = seconds
        self.embedded: list[str] = []

    def embed(self, texts):
        time.sleep(self.seconds)
        self.embedded.extend(texts)
        return super().embed(texts)
