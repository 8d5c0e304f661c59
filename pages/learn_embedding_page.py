"""Learn: what an embedding is. A typed text becomes a dense vector; similar meanings sit close together."""

import streamlit as st

from embdash.learn import words
from embdash.models.catalogue import get_spec
from embdash.ui import learn, widgets

st.title("What an embedding is")
st.markdown(
    "An embedding model turns a text (a word, a sentence, a document) into a **dense vector**: a fixed-length "
    "list of numbers. The model is trained so that texts with similar meanings get vectors that point in similar "
    "directions, so *closeness of vectors* stands in for *closeness of meaning*. Type a text below and see the "
    "vector this model computes for it, live."
)

with widgets.shown_errors():
    model_id = learn.model_picker("embedding")
    text = st.text_input("A word or a sentence", "king", key="embedding.text", bind="query-params", max_chars=500)
    other = st.text_input(
        "A second text, to compare with", "queen", key="embedding.other", bind="query-params", max_chars=500,
        help="Its vector is drawn under the first one, with the cosine similarity of the two.",
    )
    texts = [t for t in (text.strip(), other.strip()) if t]
    if not texts:
        st.info("Type a word or a sentence to see its vector.")
        st.stop()
    vectors = learn.embedded(model_id, texts)

dim = vectors.shape[1]
spec = get_spec(model_id)
left, middle, right = st.columns(3)
left.metric("Dimensions", f"{dim:,}", help="Every text gets a vector of this length under this model, however long the text.")
middle.metric("Length of the vector", f"{float((vectors[0] ** 2).sum() ** 0.5):.3f}",
              help="embdash scales every vector to length 1, so only its direction carries meaning.")
if len(texts) == 2:
    right.metric("Cosine similarity of the two", f"{float(words.similarity_matrix(vectors)[0, 1]):.3f}",
                 help="1: same direction (same meaning to the model); 0: unrelated; below 0: opposite directions.")

if not (vectors ** 2).sum(axis=1).all():
    st.warning("This model knows none of the words of at least one text, so its vector is all zeros: "
               "it has no direction, and a similarity of 0 to everything.")

n_dims = dim
if dim > 8:  # a tiny corpus-fitted model may have fewer dimensions than the slider's smallest step
    n_dims = st.slider("Dimensions to show", 8, min(dim, 128), min(dim, 32), 8,
                       key="embedding.dims", bind="query-params", help="The vector's first dimensions, in order.")
st.altair_chart(learn.vector_strip_chart(vectors, texts, n_dims), width="stretch")
st.caption(f"The first {n_dims} of {dim:,} numbers of each vector under {spec.name}: red positive, blue negative.")
with st.expander("The numbers"):
    st.dataframe({label: vectors[i, :n_dims].round(4) for i, label in enumerate(texts)}, width="stretch")

st.markdown(
    "**A single dimension means nothing on its own.** No one dimension stands for *royalty* or *gender*: "
    "meaning is spread over all of them together, in directions the training found useful, and the same number "
    "in a different model (or a retrained copy of this one) means something else. What is meaningful is the "
    "*geometry*: which vectors are near which. The next lessons, **Semantic similarity** and **Vector arithmetic**, "
    "look at exactly that."
)
if spec.loader == "glove":
    st.caption("GloVe gives each word one fixed vector; a sentence's vector here is the mean of its words' vectors.")
