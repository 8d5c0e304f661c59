"""What the fast paths (ONNX int8, bf16) are checked on: a fixed sample of texts and the cosine of each
text's two vectors. Its own module, so both checks share it without importing each other."""

from __future__ import annotations

import numpy as np

# A fixed sample for the agreement and speed checks: varied subjects and lengths, up to past the
# 256-token limit (the long ones are joins of the short ones), so truncation is checked too.
_SENTENCES = (
    "The cat sat on the warm windowsill all afternoon.",
    "Interest rates rose again, and mortgage applications fell for the third month running.",
    "Add the onions and fry them slowly until golden, about fifteen minutes.",
    "The striker scored twice in the second half to win the cup final.",
    "Our quarterly revenue grew by eight percent despite weaker demand in Europe.",
    "A new vaccine trial reported fewer side effects than expected.",
    "How do I reset my router when the lights keep blinking orange?",
    "The museum reopens on Saturday with an exhibition of early photographs.",
    "Heavy rain is forecast for the north coast, with flooding possible near rivers.",
    "She replaced the bicycle chain herself after watching a short video.",
    "Quantum computers may one day break the encryption used on the web today.",
    "The orchestra rehearsed the symphony for weeks before the premiere.",
    "Children who read every day do better at school, the survey found.",
    "Budget airlines added new routes to the islands for the summer.",
    "The court ruled that the contract was void because it was never signed.",
    "Water the tomatoes in the morning so the leaves dry before night.",
    "ok",
    "Terrible service, cold food, never again.",
    "Machine learning models need careful evaluation on data they have not seen.",
    "The bridge will close for repairs from March until the end of June.",
)


def sample_texts(n: int = 128, long_every: int = 16) -> list[str]:
    """n fixed texts: sentences alone and joins of 2 or 4; every `long_every`-th a join of 40 (past 256 tokens)."""
    texts: list[str] = []
    k = len(_SENTENCES)
    for i in range(n):
        size = 40 if long_every and i % long_every == long_every - 1 else (1, 2, 4)[(i // k) % 3]
        texts.append(" ".join(_SENTENCES[(i + j) % k] for j in range(size)))
    return texts


def compare_vectors(reference: np.ndarray, candidate: np.ndarray) -> np.ndarray:
    """Cosine of each row pair (both sides are unit rows; renormalised anyway, so it is a true cosine)."""
    a = reference / np.clip(np.linalg.norm(reference, axis=1, keepdims=True), 1e-12, None)
    b = candidate / np.clip(np.linalg.norm(candidate, axis=1, keepdims=True), 1e-12, None)
    return (a * b).sum(axis=1)
