"""Custom sentence-transformers models ("st:<name>") come only from the operator's model folder
(EMBDASH_MODEL_DIR): names are resolved, links included, and must stay inside it; nothing beyond it is
walked; no code or pickle from the folder runs; every refusal is one line naming no server path."""

import json
import shutil
import time

import numpy as np
import pytest

from embdash.errors import ModelError
from embdash.models.backends.st import CUSTOM_OFF, MAX_MODEL_FILES
from embdash.models.catalogue import get_spec, load_embedder
from tests.conftest import minilm_folder, without_weights

SENTENCES = ["A cat sits on the mat.", "Stock markets fell sharply today.", "The kitten rests on a rug."]


def refusal(model_id: str) -> tuple[str, float]:
    started = time.perf_counter()
    with pytest.raises(ModelError) as error:
        get_spec(model_id)
    return str(error.value), time.perf_counter() - started


def assert_names_no_server_path(message: str, *paths) -> None:
    assert "\n" not in message
    for path in ("/etc", "/usr", "/root", "/tmp", *map(str, paths)):
        assert path not in message, message


def test_custom_models_are_off_without_a_model_dir(monkeypatch):
    monkeypatch.delenv("EMBDASH_MODEL_DIR", raising=False)
    for model_id in [f"st:{minilm_folder()}", "st:minilm", "st:sentence-transformers/all-MiniLM-L6-v2"]:
        message, _ = refusal(model_id)
        assert message == CUSTOM_OFF
        assert_names_no_server_path(message, minilm_folder())


@pytest.mark.parametrize("name", ["/", "/usr", "../..", "/etc/passwd", "escape", "escape/ssl", "minilm/../../..",
                                  ".", "a\x00b", str(minilm_folder())])
def test_names_outside_the_model_dir_are_refused_at_once(model_dir, name):
    message, seconds = refusal(f"st:{name}")
    assert "not a path" in message
    assert seconds < 0.5  # nothing outside is walked (the whole of /usr took 13 s)
    assert_names_no_server_path(message, model_dir)


def test_a_model_whose_files_link_outside_is_refused(model_dir):
    message, seconds = refusal("st:weights-outside")
    assert message == "The model folder 'weights-outside' links to files outside the model directory."
    assert seconds < 0.5


def test_a_missing_name_and_a_huge_folder_say_so_in_one_line(model_dir):
    message, _ = refusal("st:no-such-model")
    assert message == "No model folder named 'no-such-model' in the model directory."
    message, seconds = refusal("st:big")
    assert f"more than {MAX_MODEL_FILES} files" in message and seconds < 0.5
    assert_names_no_server_path(message, model_dir)


def test_a_model_copied_into_the_model_dir_loads_and_embeds(model_dir, minilm):
    custom = load_embedder("st:minilm", precision="fp32")  # minilm, the catalogue model, is float32 too
    np.testing.assert_allclose(custom.embed(SENTENCES), minilm.embed(SENTENCES), atol=1e-6)
    assert custom.spec.dim == 384 and custom.cache_key.startswith("st:minilm@folder:")
    assert get_spec("st:minilm").size_mb == pytest.approx(91.6, abs=1)
    assert get_spec("st:minilm/.").weights_version == custom.spec.weights_version  # the same folder, the same key


def test_pickled_weights_are_never_loaded(model_dir, tmp_path):
    """Weights saved as a pickle (pytorch_model.bin) are refused: only safetensors load from a custom folder."""
    import torch
    from safetensors.torch import load_file

    folder = model_dir / "pickled"
    without_weights(model_dir / "minilm", folder)
    torch.save(load_file(model_dir / "minilm" / "model.safetensors"), folder / "pytorch_model.bin")
    try:
        with pytest.raises(ModelError) as error:
            load_embedder("st:pickled", precision="fp32")
    finally:
        shutil.rmtree(folder)
    message = str(error.value)
    assert message.startswith("Could not load the model pickled (sentence-transformers)") and "safetensors" in message
    assert_names_no_server_path(message, model_dir)


def test_code_named_by_a_model_folder_never_runs(model_dir, tmp_path):
    """A modules.json may name a Python class shipped in the folder; loading it would run that file. Refused."""
    marker = tmp_path / "code-ran"
    folder = model_dir / "with-code"
    without_weights(model_dir / "minilm", folder)
    (folder / "model.safetensors").symlink_to(model_dir / "minilm" / "model.safetensors")  # inside: allowed
    (folder / "evil_module.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\nclass Evil: pass\n")
    modules = json.loads((folder / "modules.json").read_text())
    modules[0]["type"] = "evil_module.Evil"
    (folder / "modules.json").write_text(json.dumps(modules))
    try:
        with pytest.raises(ModelError) as error:
            load_embedder("st:with-code", precision="fp32")
    finally:
        shutil.rmtree(folder)
    assert not marker.exists()
    assert "executes third-party code" in str(error.value)  # refused for the code, not for something else
    assert_names_no_server_path(str(error.value), model_dir)
