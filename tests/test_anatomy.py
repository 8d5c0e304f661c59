"""The embedding layer view, on the real default model."""

import numpy as np
import pytest

from embdash.learn import anatomy
from tests.fakes import PlantedTopicsEmbedder


@pytest.fixture(scope="module")
def model():
    from embdash.models.catalogue import load_embedder

    return load_embedder("all-MiniLM-L6-v2")


def test_token_ids_decode_back_to_the_sentence(model):
    sentence = "The river bank flooded after the storm."
    view = anatomy.layer_view(model, sentence)
    tokenizer = model.model.tokenizer
    assert view.ids[0] == tokenizer.cls_token_id and view.ids[-1] == tokenizer.sep_token_id
    # all-MiniLM-L6-v2's tokenizer is uncased: it lowercases, and that is all it changes here.
    assert anatomy.decode(model, view.ids) == sentence.lower()
    assert view.tokens == ["[CLS]", "the", "river", "bank", "flooded", "after", "the", "storm", ".", "[SEP]"]


def test_pooled_vector_is_what_embed_returns(model):
    sentence = "Embeddings turn text into numbers."
    view = anatomy.layer_view(model, sentence)
    assert float(view.pooled @ model.embed([sentence])[0]) > 0.9999
    # MiniLM pools by the mean of its token outputs, then normalises.
    mean = view.outputs.mean(axis=0)
    assert np.allclose(view.pooled, mean / np.linalg.norm(mean), atol=1e-5)


def test_layers_have_the_expected_shapes_and_rows(model):
    view = anatomy.layer_view(model, "the cat saw the dog")
    n = len(view.ids)
    weight = model.model[0].auto_model.get_input_embeddings().weight.detach().numpy()
    assert view.input_rows.shape == view.outputs.shape == (n, 384)
    assert np.array_equal(view.input_rows, weight[view.ids])
    # BERT numbers positions from 0: the position rows are the table's first n rows.
    positions = model.model[0].auto_model.embeddings.position_embeddings.weight.detach().numpy()
    assert np.array_equal(view.position_rows, positions[:n])
    first, second = [i for i, token in enumerate(view.tokens) if token == "the"]
    assert np.array_equal(view.input_rows[first], view.input_rows[second])
    assert not np.allclose(view.outputs[first], view.outputs[second])


def test_same_word_same_input_row_different_output_in_context(model):
    river = anatomy.layer_view(model, "We sat on the river bank.")
    money = anatomy.layer_view(model, "I opened a bank account.")
    compared = anatomy.compare_token(river, money, "bank")
    assert compared["input rows"] == pytest.approx(1.0, abs=1e-6)
    assert compared["contextual outputs"] < 0.9
    assert anatomy.compare_token(river, money, "zebra") is None


def test_row_cosines_match_brute_force():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((4, 6)), rng.standard_normal((4, 6))
    expected = [float(a[i] @ b[i] / np.linalg.norm(a[i]) / np.linalg.norm(b[i])) for i in range(4)]
    assert np.allclose(anatomy.row_cosines(a, b), expected)


def test_models_without_pytorch_layers_are_explained():
    fake = PlantedTopicsEmbedder()
    assert not anatomy.supports_layers(fake)
    with pytest.raises(anatomy.LayerViewError, match="all-MiniLM-L6-v2"):
        anatomy.layer_view(fake, "hello")


def test_empty_and_overlong_sentences_are_refused(model):
    with pytest.raises(anatomy.LayerViewError, match="Type a sentence"):
        anatomy.layer_view(model, "   ")
    with pytest.raises(anatomy.LayerViewError, match="at most"):
        anatomy.layer_view(model, "word " * 100)


def test_shared_tokens_leave_out_special_tokens(model):
    river = anatomy.layer_view(model, "the river bank")
    money = anatomy.layer_view(model, "the bank loan")
    assert river.special.tolist() == [True, False, False, False, True]
    assert anatomy.shared_tokens(river, money) == ["the", "bank"]
