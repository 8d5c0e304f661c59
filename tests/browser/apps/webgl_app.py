"""A page that draws embdash.render.webgl's WebGL map of 200,000 points, for the browser test."""

import numpy as np
import streamlit as st

from embdash.render.webgl import hover_texts, map_figure, selected_rows

N = 200_000
rng = np.random.default_rng(0)
coords = rng.standard_normal((N, 2)).astype(np.float32)
labels = rng.integers(-1, 6, N)
big = map_figure(coords, hover_texts([f"<b>doc</b> {i}" for i in range(N)]), colour=labels)
event = st.plotly_chart(big.figure, on_select="rerun", selection_mode=("points", "box", "lasso"), key="bigmap")
st.text(f"selected rows: {len(selected_rows(event))}")
