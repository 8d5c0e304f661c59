"""Learn: the embedding layer. One sentence through a transformer: tokens, lookup rows, contextual vectors, pooling."""

import numpy as np
import pandas as pd
import streamlit as st

from embdash.learn import anatomy
from embdash.models.catalogue import CUSTOM_PREFIX, get_spec
from embdash.render import learn_charts
from embdash.ui import cache, learn, state, widgets

st.title("The embedding layer")
st.markdown(
    "A transformer model does not read letters. It first cuts the sentence into **tokens** (words and pieces "
    "of words from a fixed vocabulary) and swaps each for its number in that vocabulary, its **token id**."
)

# The offered models whose layers can be opened: the PyTorch transformers of the catalogue and custom models.
layered_models = [m for m in state.model_options() if m in anatomy.LAYER_MODEL_IDS or m.startswith(CUSTOM_PREFIX)]
current = state.current_model_id()
model_id = learn.model_picker("layer", default=current if current in layered_models else next(iter(layered_models), None))
if model_id not in layered_models:
    st.info(
        f"{get_spec(model_id).name} does not run as a PyTorch transformer here (it is an ONNX graph, word vectors "
        "or a fitted statistic), so its layers cannot be opened. "
        + ("These models can:" if layered_models else "None of the models this server offers can.")
    )
    for layered in layered_models:
        st.button(
            f"Use {get_spec(layered).name}", key=f"layer.use.{layered}",
            on_click=lambda chosen=layered: st.session_state.update({"layer.model": chosen}),
        )
    st.stop()

sentence = st.text_input(
    "A sentence", "I sat on the river bank.", key="layer.sentence", bind="query-params",
    max_chars=anatomy.MAX_SENTENCE_CHARS,
)
n_dims = st.slider(
    "Dimensions shown", 8, 128, learn_charts.HEATMAP_DIMS, 8, key="layer.dims", bind="query-params",
    help="How many of each vector's first dimensions the pictures show (the model uses all of them).",
)

with widgets.shown_errors():
    view = cache.layer_view(model_id, sentence)

st.subheader("1. Tokens and their ids")
st.dataframe(
    pd.DataFrame({"position": range(len(view.ids)), "token": view.tokens, "id": view.ids}), hide_index=True
)
st.caption("Decoded back from the ids (special tokens left out):")
st.text(anatomy.decode(cache.pytorch_embedder(model_id), view.ids))

st.subheader("2. The lookup table")
st.markdown(
    f"The model's first layer is a table with one row of {view.input_rows.shape[1]} numbers for every token in "
    "its vocabulary. Embedding a token is just reading its row: the same token id always gets the same row, "
    "whatever sentence it is in. Training has moved these rows so that tokens used alike have similar rows."
)
st.altair_chart(learn_charts.heatmap(view.input_rows, view.tokens, "Input embedding rows", n_dims), width="stretch")
if view.position_rows is not None:
    st.markdown(
        "A table lookup knows nothing of word order, so the model adds a second learned row for each **position** "
        "in the sentence (shown below). The same token at a different position thus enters the network slightly "
        "differently, and attention can tell 'dog bites man' from 'man bites dog'."
    )
    st.altair_chart(learn_charts.heatmap(view.position_rows, view.tokens, "Position embedding rows", n_dims), width="stretch")
else:
    st.markdown(
        "This architecture has no table of position rows; it encodes word order inside its attention layers instead."
    )

st.subheader("3. Contextual outputs")
st.markdown(
    "The transformer layers then let every token look at every other token. What comes out is one vector per "
    "token that now depends on its context. The cosine column compares each token's output with its input row."
)
st.altair_chart(learn_charts.heatmap(view.outputs, view.tokens, "Contextual output vectors (last layer)", n_dims), width="stretch")
st.dataframe(
    pd.DataFrame(
        {"token": view.tokens, "cosine(input row, output)": anatomy.row_cosines(view.input_rows, view.outputs)}
    ),
    hide_index=True,
)

st.subheader("4. One vector for the sentence")
st.markdown(
    "Pooling combines the token outputs into one sentence vector (most sentence models, the default among them, "
    "take their average), then scales it to length 1. This is exactly the vector the rest of the dashboard uses "
    "for this sentence."
)
st.altair_chart(learn_charts.vector_strip(view.pooled, "Sentence vector", n_dims), width="stretch")

st.subheader("Same word, two contexts")
st.markdown(
    "The lookup row of a token is fixed; its output is not. Compare one word in two sentences: the input rows are "
    "identical, the contextual outputs differ, because the rest of the sentence changed them."
)
left, right = st.columns(2)
first = left.text_input("First sentence", "We sat on the river bank.", key="layer.first", bind="query-params",
                        max_chars=anatomy.MAX_SENTENCE_CHARS)
second = right.text_input("Second sentence", "I opened a bank account.", key="layer.second", bind="query-params",
                          max_chars=anatomy.MAX_SENTENCE_CHARS)
with widgets.shown_errors():
    view_a, view_b = cache.layer_view(model_id, first), cache.layer_view(model_id, second)
shared = anatomy.shared_tokens(view_a, view_b)
if not shared:
    st.info("The two sentences share no token: use one word in both.")
else:
    token = st.selectbox("Token in both sentences", shared, index=shared.index("bank") if "bank" in shared else 0,
                         key="layer.token", bind="query-params")
    compared = anatomy.compare_token(view_a, view_b, token)
    one, two = st.columns(2)
    one.metric("Cosine of the input rows", f"{compared['input rows']:.3f}")
    two.metric("Cosine of the contextual outputs", f"{compared['contextual outputs']:.3f}")
    rows = np.stack([view_a.outputs[anatomy.token_position(view_a, token)], view_b.outputs[anatomy.token_position(view_b, token)]])
    st.altair_chart(learn_charts.heatmap(rows, ["first sentence", "second sentence"], "The token's output in each sentence", n_dims),
                    width="stretch")
