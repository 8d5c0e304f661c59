"""Learn: vector arithmetic. A − B + C over a real vocabulary, with GloVe and with a sentence model,
beside the classic word benchmarks."""

import pandas as pd
import streamlit as st

from embdash.errors import EmbdashError
from embdash.learn import word_benchmarks, words
from embdash.models.catalogue import CATALOGUE, get_spec
from embdash.ui import cache, learn, public_limits, state, widgets
from embdash.ui.text import plain

# (label, A, B, C): A − B + C should land near the answer.
EXAMPLES = {
    "Gender: king − man + woman": ("king", "man", "woman"),
    "Capital cities: berlin − germany + japan": ("berlin", "germany", "japan"),
    "Verb tense: went − go + come": ("went", "go", "come"),
    "Comparatives: stronger − strong + weak": ("stronger", "strong", "weak"),
    "Jobs: actress − actor + waiter": ("actress", "actor", "waiter"),
}
SENTENCE_MODELS = [spec.id for spec in CATALOGUE if spec.loader != "glove" and not spec.fitted_on_corpus]
TOP = 10
# Published figures for comparison (GloVe paper, Pennington et al. 2014, Table 2): only 300-d and 100-d
# vectors are reported there; we found no published figure for the 50-d vectors used here.
PUBLISHED = "GloVe paper (Pennington et al., 2014, Table 2): 71.7% for 300-d 6B vectors (semantic 77.4, syntactic 67.0); none published for 50-d."


def use_example() -> None:
    a, b, c = EXAMPLES[st.session_state["arithmetic.example"]]
    st.session_state.update({"arithmetic.a": a, "arithmetic.b": b, "arithmetic.c": c})


st.title("Vector arithmetic")
st.markdown(
    "If directions in the vector space carry meaning, then *differences* of vectors should too: "
    "**king − man + woman** should land near **queen**, because *king − man* is roughly the direction "
    "“royalty” and adding *woman* puts it back on the female side. Below, A − B + C is computed live and "
    "the nearest words of a real vocabulary (GloVe's most frequent words) are listed with their cosine similarity."
)

st.selectbox("A ready-made example", list(EXAMPLES), key="arithmetic.example", on_change=use_example,
             help="Fills in A, B and C below.")
a_box, b_box, c_box = st.columns(3)
a = a_box.text_input("A", "king", key="arithmetic.a", bind="query-params", max_chars=60)
b = b_box.text_input("− B", "man", key="arithmetic.b", bind="query-params", max_chars=60)
c = c_box.text_input("+ C", "woman", key="arithmetic.c", bind="query-params", max_chars=60)
exclude = st.toggle(
    "Leave A, B and C out of the answers", True, key="arithmetic.exclude", bind="query-params",
    help="The standard protocol. Turn it off to see why: A − B + C usually stays closest to A itself.",
)
inputs = [words.normalised(x) for x in (a, b, c)]
if not all(inputs):
    st.info("Type a word in each of A, B and C.")
    st.stop()

glove_offered = words.GLOVE_ID in state.model_options()  # the operator's EMBDASH_MODELS may leave it out
glove_side, sentence_side = st.columns(2)
with glove_side:
    st.subheader("GloVe 6B 50d (word vectors)")
    n_glove = st.slider("Vocabulary: the most frequent words", 5_000, 100_000, 30_000, 5_000,
                        key="arithmetic.vocabulary", bind="query-params",
                        help="Candidate answers are GloVe's most frequent plain words (no numbers or punctuation).")
    # An unknown word fails one side only: the other model may still know it (a sentence model knows any text).
    if not glove_offered:
        st.info("This server does not offer the GloVe word vectors.")
    else:
        try:
            vocabulary, vectors = cache.vocabulary_vectors(words.GLOVE_ID, n_glove, state.current_corpus())
            glove_result = words.analogy(*inputs, vocabulary, vectors, top=TOP, exclude_inputs=exclude,
                                         input_vectors=words.glove_vectors(inputs))
            st.dataframe(learn.ranked_frame(glove_result), hide_index=True, width="stretch")
        except EmbdashError as error:
            st.error(plain(error))

with sentence_side:
    st.subheader("A sentence model")
    sentence_model = learn.model_picker("arithmetic", allowed=SENTENCE_MODELS, required=False)
    n_sentence = st.slider("Vocabulary: the most frequent words", 5_000,
                           public_limits.vocabulary_maximum(50_000, "arithmetic.sentence_vocabulary"), 5_000, 5_000,
                           key="arithmetic.sentence_vocabulary", bind="query-params",
                           help="Each word is embedded once as a one-word text and cached; 10,000 words take about "
                           "10 s with the default model on 2 cores, the first time only.")
    if sentence_model is not None:
        try:
            sentence_vocabulary, sentence_vectors = cache.vocabulary_vectors(sentence_model, n_sentence, state.current_corpus())
            sentence_result = words.analogy(*inputs, sentence_vocabulary, sentence_vectors, top=TOP, exclude_inputs=exclude,
                                            input_vectors=learn.embedded(sentence_model, inputs))
            st.dataframe(learn.ranked_frame(sentence_result), hide_index=True, width="stretch")
        except EmbdashError as error:
            st.error(plain(error))

st.caption(
    "A sentence model was trained to place whole sentences, never on word differences, yet its word vectors "
    "support arithmetic too: compare the two lists, and the benchmark scores below. Scores are cosines within "
    "one model; do not compare them across models."
)

st.header("How good are these word vectors?")
st.markdown(
    "Three classic word benchmarks: the **Google analogy set** (19,544 questions like *Athens is to Greece as "
    "Berlin is to ?*, answered by the nearest word to B − A + C with the inputs left out, counted only where all "
    "four words are in the vocabulary), and **WordSim-353** and **SimLex-999** (word pairs scored by people; "
    "the Spearman correlation of the model's cosine with their scores; WordSim rewards relatedness, SimLex only "
    "true similarity)."
)
if missing := word_benchmarks.missing_files():
    st.info(
        f"The benchmark files ({', '.join(missing)}) have not been fetched yet. Run "
        f"`{word_benchmarks.FETCH_COMMAND}` once on the server (it downloads the {word_benchmarks.GENSIM_WHEEL} "
        "wheel from PyPI and keeps three small files), then reload this page."
    )
    st.stop()


def benchmark_row(model_id: str, n_words: int) -> dict:
    scores = cache.word_benchmarks(model_id, n_words, state.current_corpus())
    analogy, wordsim, simlex = scores["analogy"], scores[word_benchmarks.WORDSIM], scores[word_benchmarks.SIMLEX]
    return {
        "model": get_spec(model_id).name,
        "vocabulary": f"{n_words:,} words",
        "analogy accuracy": f"{analogy.accuracy:.1%}",
        "analogies covered": f"{analogy.covered:,} of {analogy.total:,}",
        "semantic / syntactic": " / ".join(f"{right / covered:.1%}" if covered else "–" for right, covered in analogy.by_kind.values()),
        "WordSim-353 Spearman": f"{wordsim.spearman:.3f} ({wordsim.covered} of {wordsim.total} pairs)",
        "SimLex-999 Spearman": f"{simlex.spearman:.3f} ({simlex.covered} of {simlex.total} pairs)",
    }


with widgets.shown_errors():
    rows = [benchmark_row(words.GLOVE_ID, n_glove)] if glove_offered else []
    try:
        if sentence_model is not None:
            rows.append(benchmark_row(sentence_model, n_sentence))
    except EmbdashError as error:
        st.error(plain(error))
if rows:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
st.caption(f"Published for comparison: {PUBLISHED} A smaller vocabulary covers fewer questions but makes each "
           "easier (fewer wrong candidates), so accuracies are comparable only at the same vocabulary size.")
