"""The shared sidebar: model choice (custom models: tests/pages/test_offered_models.py)."""

from streamlit.testing.v1 import AppTest

from embdash.models.catalogue import measured_speed
from tests.conftest import REPO

APP = REPO / "streamlit_app.py"
TIMEOUT = 300


def test_switching_model_rebuilds_the_map():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    at.selectbox(key="model_id").set_value("glove-6b-50d").run()
    assert not at.exception
    assert any("GloVe" in c.value for c in at.sidebar.caption)
    glove = measured_speed("glove-6b-50d")  # the speed says which machine it was measured on
    label = "short sentences/s"
    assert any(label in c.value.replace("\\", "") and f"on {glove.cores} cores ({glove.cpu}, measured {glove.measured})"
               in c.value.replace("\\", "") for c in at.sidebar.caption)
    assert {m.label for m in at.metric} >= {"Trustworthiness (2-D)", "Clusters"}
