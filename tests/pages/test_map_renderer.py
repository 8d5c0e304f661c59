"""The Map page picks its renderer by size: Altair (Vega-Lite) for small maps, WebGL (plotly) past the threshold."""

import pytest
from streamlit.testing.v1 import AppTest

from embdash.render import webgl
from tests.conftest import REPO

TIMEOUT = 300


def chart_kinds(at: AppTest) -> list[str]:
    """The kinds of the page's charts, in page order (the map first; topic charts may follow)."""
    kinds = []

    def walk(node):
        if getattr(node, "type", "") in {"plotly_chart", "vega_lite_chart"}:
            kinds.append(node.type)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return kinds


@pytest.mark.parametrize("threshold, expected", [(webgl.WEBGL_THRESHOLD, "vega_lite_chart"), (100, "plotly_chart")])
def test_renderer_follows_the_threshold(monkeypatch, threshold, expected):
    # The sample corpus has 480 documents: a threshold of 100 puts it in the "large" class.
    monkeypatch.setattr(webgl, "WEBGL_THRESHOLD", threshold)
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    kinds = chart_kinds(at)
    assert kinds[0] == expected  # the map
    assert "plotly_chart" not in kinds[1:]  # nothing else is drawn with WebGL
    if expected == "plotly_chart":
        assert not any("even random sample" in c.value for c in at.caption)  # 480 points: every one is drawn
        assert any("480 points drawn with WebGL" in c.value for c in at.caption)
