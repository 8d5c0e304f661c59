"""The word map's labels: placed so they do not collide or leave the plot; the Learn heatmaps share one colour scale."""

import numpy as np
import pandas as pd

from embdash.render import learn_charts
from embdash.ui import learn

WORDS = ["king", "queen", "man", "woman", "Germany", "France", "Berlin", "Paris", "apple", "banana", "cherry", "car",
         "bus", "train", "prince", "princess", "Italy", "Rome", "boy", "girl"]


def label_boxes(coords, words, width=learn_charts.WORD_MAP_WIDTH, height=520, padding=30):
    """The label boxes label_places promises, in the plot's pixels, computed here from its dx, dy and align."""
    places = learn_charts.label_places(coords, words, width, height, padding)
    low, span = coords.min(axis=0), np.ptp(coords, axis=0)
    px = padding + (coords - low) / span * [width - 2 * padding, height - 2 * padding]
    px[:, 1] = height - px[:, 1]
    boxes = []
    for (x, y), word, (dx, dy, align) in zip(px, words, places[["dx", "dy", "align"]].itertuples(index=False)):
        w, h = learn_charts.LABEL_CHAR_PX * len(word), learn_charts.LABEL_HEIGHT_PX
        left = {"left": x + dx, "right": x + dx - w, "center": x + dx - w / 2}[align]
        boxes.append((left, y + dy - h / 2, left + w, y + dy + h / 2))
    return boxes, px


def overlaps(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def test_labels_of_a_scattered_map_neither_collide_nor_leave_the_plot():
    rng = np.random.default_rng(1)
    coords = rng.normal(size=(len(WORDS), 2))
    coords[4] = [coords[:, 0].max() + 0.01, 0.0]  # Germany at the right edge: its label must not be cut off
    boxes, _ = label_boxes(coords, WORDS)
    assert not [(WORDS[i], WORDS[j]) for i in range(len(boxes)) for j in range(i) if overlaps(boxes[i], boxes[j])]
    assert all(box[0] >= 0 and box[2] <= learn_charts.WORD_MAP_WIDTH and box[1] >= 0 and box[3] <= 520 for box in boxes)
    assert learn_charts.label_places(coords, WORDS).loc[4, "align"] == "right"


def test_labels_keep_clear_of_the_other_points():
    coords = np.array([[0.0, 0.0], [0.02, 0.0], [1.0, 1.0], [0.5, 0.3]])  # two points almost on top of each other
    words = ["Paris", "woman", "far", "mid"]
    boxes, px = label_boxes(coords, words)
    radius = learn_charts.POINT_RADIUS_PX
    for i, box in enumerate(boxes):
        for j, (x, y) in enumerate(px):
            assert not overlaps(box, (x - radius, y - radius, x + radius, y + radius)), (words[i], words[j])


def test_the_chart_draws_each_label_where_it_was_placed():
    rng = np.random.default_rng(2)
    coords = rng.normal(size=(len(WORDS), 2))
    table = pd.DataFrame({"word": WORDS, "group": ["a"] * 10 + ["b"] * 10})
    spec = learn_charts.word_map_chart(table, coords).to_dict()
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    places = learn_charts.label_places(coords, WORDS)
    assert {(t["mark"]["dx"], t["mark"]["dy"], t["mark"]["align"]) for t in texts} == set(
        map(tuple, places[["dx", "dy", "align"]].to_numpy().tolist()))


def test_the_learn_heatmaps_share_one_colour_scale_and_legend():
    vectors = np.linspace(-1, 1, 96).reshape(2, 48)
    from_layer = learn_charts.heatmap(vectors, ["a", "b"], "layer").to_dict()["encoding"]["color"]
    from_similarity = learn.vector_strip_chart(vectors, ["a", "b"], 48).to_dict()["encoding"]["color"]
    assert from_layer["scale"] == from_similarity["scale"] == {"domain": [-1.0, 1.0], "reverse": True, "scheme": "redblue"}
    assert from_layer["legend"] == from_similarity["legend"]
