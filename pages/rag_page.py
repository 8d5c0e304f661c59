"""RAG: split the corpus into chunks, find the chunks closest to a question, assemble a prompt for an LLM."""

import streamlit as st

from embdash.pipeline.params import help_of
from embdash.tasks import rag
from embdash.tasks.chunking import (
    CHUNK_METHODS,
    ChunkParams,
    SentenceChunkParams,
    TokenChunkParams,
    model_token_offsets,
)
from embdash.tasks.search import embed_query
from embdash.ui import cache, links, public_limits, state, widgets

INSTRUCTIONS_FROM_LINK = "rag.instructions_from_link"

st.title("Retrieve context for an LLM prompt")
st.info(
    "No language model is called here. The assembled prompt is plain text: paste it into any chat model, "
    "or send it as the user message through a model's API. The model then answers from the numbered "
    "passages and can cite them by number.",
    icon=":material/info:",
)

with widgets.shown_errors():
    corpus = state.current_corpus()
    model_id = state.current_model_id()
    model = cache.embedder(model_id, corpus)

    with st.expander("Chunk settings", expanded=True):
        method = st.radio(
            "Split by", CHUNK_METHODS, horizontal=True, help=help_of(ChunkParams, "method"), **links.bound("rag.method")
        )
        if public_limits.bounded():  # each other chunking is one more set of chunk vectors kept on the server
            params = public_limits.default_chunking(method)
        elif method == "sentences":
            params = ChunkParams(method=method, sentences=widgets.param_controls(SentenceChunkParams, "rag.sentences"))
        else:
            params = ChunkParams(method=method, tokens=widgets.param_controls(TokenChunkParams, "rag.tokens"))
        if method == "tokens":
            if model_token_offsets(model) is None:
                st.caption(
                    f"{widgets.plain(model.spec.name)} has no tokenizer embdash can reach, so words (runs of non-space "
                    "characters) stand in for tokens."
                )
            limit = model.spec.max_tokens
            if limit and params.tokens.max_tokens > limit:
                st.warning(f"{widgets.plain(model.spec.name)} reads only {limit} tokens: the end of each chunk would be ignored.")

    chunks, chunk_vectors = cache.rag_chunk_vectors(corpus, model_id, params)

sizes = [len(chunk.text) for chunk in chunks]
cols = st.columns(3)
cols[0].metric("Chunks", f"{len(chunks):,}", help="Chunks made from the corpus with these settings.")
cols[1].metric(
    "Documents split", f"{len({c.doc_row for c in chunks if c.index > 0}):,} of {len(corpus):,}",
    help="Documents long enough to make more than one chunk. Short documents are one chunk each.",
)
cols[2].metric(
    "Mean chunk size", f"{sum(sizes) / len(sizes):,.0f} characters" if sizes else "–",
    help="Average length of a chunk, overlap included.",
)

question = st.text_input("Question", placeholder="e.g. How do I fix a leaking tap?", **links.bound("rag.question"))
k = st.slider("Passages in the prompt (top-k)", 1, 20, 5, **links.bound("rag.k"), help="How many of the closest chunks go into the prompt.")
name_options = ["(row number only)", *corpus.metadata_columns]
name_column = st.selectbox(
    "Name each source by", name_options, **links.bound("rag.source_column"),
    help="Besides its row number, each passage in the prompt can name its document by a column of the corpus.",
)
# A link can carry other instructions: they are shown open, flagged, so nobody sends what they never read.
linked_instructions = links.value_from_link("rag.instructions")
if linked_instructions is not None and linked_instructions != rag.DEFAULT_INSTRUCTIONS:
    st.session_state[INSTRUCTIONS_FROM_LINK] = True
if st.session_state.get(INSTRUCTIONS_FROM_LINK):
    st.warning("The instructions below came from the link you opened, not from embdash: read them before "
               "using the prompt.", icon=":material/warning:")
current_instructions = st.session_state.get("rag.instructions", linked_instructions or rag.DEFAULT_INSTRUCTIONS)
with st.expander("Instructions to the model", expanded=current_instructions != rag.DEFAULT_INSTRUCTIONS):
    instructions = st.text_area(
        "Instructions", rag.DEFAULT_INSTRUCTIONS, height=100, **links.bound("rag.instructions"),
        on_change=lambda: st.session_state.pop(INSTRUCTIONS_FROM_LINK, None),  # edited here: now the visitor's own
    )

if not question.strip():
    st.caption("Type a question to see the passages closest to it and the prompt built from them.")
    st.stop()
if not chunks:
    st.warning("The corpus has no text to retrieve from.")
    st.stop()

with widgets.shown_errors():
    indices, scores = rag.retrieve(chunk_vectors, embed_query(model, question), k)

found = [chunks[i] for i in indices]
names = None if name_column == name_options[0] else corpus.frame[name_column].iloc[[c.doc_row for c in found]].tolist()
sources = [rag.source_label(c.doc_row, None if names is None else name) for c, name in zip(found, names or [None] * len(found))]

st.subheader("Closest passages")
st.dataframe(
    rag.results_table(found, scores, names, name_column),
    hide_index=True, width="stretch",
    column_config={"text": st.column_config.TextColumn(width="large")},
)

prompt = rag.assemble_prompt(question, found, scores, sources, instructions)
size = rag.prompt_size(prompt)
st.subheader("Prompt")
st.caption(
    f"{size.chars:,} characters · {size.words:,} words · about {size.tokens_estimate:,} tokens "
    f"(at ~{rag.CHARS_PER_TOKEN} characters per token; each chat model counts a little differently). "
    "Copy it with the button at the top right of the box."
)
st.code(prompt, language=None, wrap_lines=True)
st.download_button("Download the prompt (.txt)", prompt, file_name="prompt.txt", mime="text/plain", key="rag.download")
