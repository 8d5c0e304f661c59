"""The topic tree's icicle: every node a rectangle as wide as its documents, nested inside its parent's span,
from the height it formed at up to the height it joins its parent; the cut's topics coloured as on the map."""

import numpy as np
import pytest
from scipy.cluster.hierarchy import linkage

from embdash.render.topic_charts import topic_tree_chart, tree_rectangles


@pytest.fixture()
def tree():
    centroids = np.random.default_rng(0).normal(size=(7, 5))
    z = linkage(centroids, "average")
    merges, heights = z[:, :2].astype(np.int64), z[:, 2]
    sizes = np.concatenate([np.array([50, 40, 30, 25, 20, 10, 5]), np.zeros(6, dtype=int)])
    for row, (a, b) in enumerate(merges):
        sizes[7 + row] = sizes[a] + sizes[b]
    return merges, heights, sizes


def descendants(merges, node, k=7):
    return [node] if node < k else [node, *descendants(merges, merges[node - k][0]), *descendants(merges, merges[node - k][1])]


def test_rectangles_nest_and_stack_without_overlap(tree):
    merges, heights, sizes = tree
    rects = tree_rectangles(merges, heights, sizes, {}, {}).set_index("node")
    assert len(rects) == 13 and (rects["x1"] - rects["x0"]).tolist() == [float(s) for s in sizes[rects.index]]
    for row, (a, b) in enumerate(merges):
        parent = rects.loc[7 + row]
        for child in (a, b):
            assert parent.x0 <= rects.loc[child].x0 and rects.loc[child].x1 <= parent.x1
            assert rects.loc[child].y1 == pytest.approx(parent.y0) == pytest.approx(heights[row])
        assert rects.loc[a].x1 == rects.loc[b].x0 or rects.loc[b].x1 == rects.loc[a].x0  # side by side
    assert (rects.loc[list(range(7)), "y0"] == 0).all()
    assert rects["x0"].min() == 0 and rects["x1"].max() == sizes[:7].sum()


def test_the_cut_nodes_are_topics_their_descendants_inside_and_the_rest_above(tree):
    merges, heights, sizes = tree
    a, b = merges[-1]
    topic_of = {node: name for name, top in [("0: x", a), ("1: y", b)] for node in descendants(merges, top)}
    rects = tree_rectangles(merges, heights, sizes, {int(a): "terms of a"}, topic_of).set_index("node")
    assert rects.loc[12, "level"] == "above the cut" and rects.loc[12, "topic"] == ""
    assert rects.loc[a, "level"] == rects.loc[b, "level"] == "topic" and rects.loc[a, "label"] == "terms of a"
    inside = [n for n in rects.index if n not in (12, a, b)]
    assert (rects.loc[inside, "level"] == "inside a topic").all()
    spec = topic_tree_chart(rects.reset_index(), ["0: x", "1: y"], cut_height=float(heights[-2])).to_dict()
    assert "node_pick" in {p["name"] for p in spec.get("params", []) + spec["layer"][0].get("params", [])}
    assert {t["field"] for t in spec["layer"][0]["encoding"]["tooltip"]} >= {"label", "size", "topic"}


def test_a_tree_of_one_cluster_is_one_rectangle_and_none_is_empty():
    one = tree_rectangles(np.zeros((0, 2)), np.zeros(0), np.array([12]), {0: "only"}, {0: "0: only"})
    assert one[["node", "x0", "x1", "size", "level"]].values.tolist() == [[0, 0.0, 12.0, 12, "topic"]]
    assert tree_rectangles(np.zeros((0, 2)), np.zeros(0), np.array([], dtype=int), {}, {}).empty
