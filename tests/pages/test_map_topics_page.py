"""The Map page's topic controls, run headlessly with the real default model on the bundled sample corpus:
cutting the tree, assigning the unclustered, renaming / merging / splitting by hand (kept in the data folder,
replayed by a new session), and the stability check. None of them re-runs UMAP or HDBSCAN."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from embdash.dataio import edits as topic_edits
from embdash.dataio.store import Store
from tests.conftest import REPO

APP = str(REPO / "streamlit_app.py")
TIMEOUT = 300


@pytest.fixture()
def app(own_data_folder):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


def topics_table(at):
    return next(df.value for df in at.dataframe if "top terms" in df.value.columns)


def clustered_topics(at) -> list[str]:
    table = topics_table(at)
    return table.loc[table["cluster"] >= 0, "topic"].tolist()


def test_fewer_topics_cut_the_tree_without_reprojecting_or_reclustering(app, stage_calls):
    n_auto = len(clustered_topics(app))
    n_clusters = int(next(m.value for m in app.metric if m.label == "Clusters"))
    assert 5 <= n_auto <= n_clusters
    app.select_slider(key="map.n_topics").set_value("3").run()
    assert not app.exception
    assert len(clustered_topics(app)) == 3
    assert topics_table(app)["size"].sum() == 480  # every document still counted once
    assert stage_calls["project"] == 0 and stage_calls["cluster"] == 0
    assert any(f"3 topics (from {n_clusters} clusters)" in c.value for c in app.caption)
    app.select_slider(key="map.n_topics").set_value(str(n_clusters)).run()
    assert len(clustered_topics(app)) == n_clusters  # every cluster its own topic
    app.select_slider(key="map.n_topics").set_value("auto").run()
    assert len(clustered_topics(app)) == n_auto


def test_assigning_the_unclustered_reports_the_shares_and_marks_the_documents(app, stage_calls):
    before = topics_table(app)
    unclustered_before = int(before.loc[before["cluster"] < 0, "size"].sum())
    app.checkbox(key="map.assign").check().run()
    app.slider(key="map.assign_threshold").set_value(0.0).run()  # everyone joins a topic
    assert not app.exception
    after = topics_table(app)
    assert int(after.loc[after["cluster"] < 0, "size"].sum()) == 0
    assert after["assigned"].sum() == unclustered_before
    assert any("clustered before, 100% after" in c.value for c in app.caption)
    assert stage_calls["project"] == 0 and stage_calls["cluster"] == 0


def test_a_rename_and_a_merge_are_stored_and_a_new_session_replays_them(app, own_data_folder, stage_calls):
    names = clustered_topics(app)
    app.selectbox(key="map.rename_topic").set_value(0)
    app.text_input(key="map.rename_name").input("Planets and stars")
    next(b for b in app.button if b.label == "Rename").click().run()
    assert not app.exception
    assert clustered_topics(app)[0] == "Planets and stars"

    app.multiselect(key="map.merge_topics").set_value([1, 2]).run()
    app.button(key="map.merge").click().run()
    assert not app.exception
    assert len(clustered_topics(app)) == len(names) - 1
    assert stage_calls["project"] == 0 and stage_calls["cluster"] == 0

    text = app.text_input(key="map.topic_edits").value
    stored = json.loads(text)
    assert stored["renames"][0][1] == "Planets and stars" and len(stored["merges"]) == 1
    # Kept in the data folder under the map's key: a new session (no link) replays them.
    files = list((own_data_folder / "artefacts" / topic_edits.KIND).glob("*.json"))
    assert files, "the edits were not written to the data folder"
    fresh = AppTest.from_file(APP, default_timeout=TIMEOUT)
    fresh.run()
    assert not fresh.exception
    assert "Planets and stars" in clustered_topics(fresh) and len(clustered_topics(fresh)) == len(names) - 1

    fresh.button(key="map.undo_edits").click().run()
    assert not fresh.exception and clustered_topics(fresh) == names


def test_splitting_a_cluster_gives_one_more_topic(app):
    before = clustered_topics(app)
    app.selectbox(key="map.split_topic").set_value(0)
    app.button(key="map.split").click().run()
    assert not app.exception
    assert len(clustered_topics(app)) == len(before) + 1


def test_edits_that_do_not_fit_the_map_are_reported_not_raised(app):
    app.text_input(key="map.topic_edits").input('{"merges": [[0, 99999]]}').run()
    assert not app.exception
    assert any("do not fit this map" in w.value for w in app.warning)
    app.text_input(key="map.topic_edits").input("not json {").run()
    assert not app.exception
    assert any("could not be read" in w.value for w in app.warning)


def test_stability_is_measured_on_request(app):
    assert not any(m.label == "Stability (ARI)" for m in app.metric)
    app.button(key="map.check_stability").click().run()
    assert not app.exception
    value = next(float(m.value) for m in app.metric if m.label == "Stability (ARI)")
    assert -1.0 <= value <= 1.0


def test_edits_store_round_trips_and_a_damaged_file_is_set_aside(tmp_path):
    from embdash.pipeline.topic_view import TopicEdits

    store = Store(tmp_path)
    edits = topic_edits.renamed(topic_edits.merged(TopicEdits(), [3, 7]), "3+7", "  Sport\n and games ")
    topic_edits.save_edits(store, "map-a", edits)
    assert topic_edits.load_edits(store, "map-a") == edits and edits.renames == (("3+7", "Sport and games"),)
    assert topic_edits.edits_from_text(topic_edits.edits_to_text(edits)) == edits
    path = store.json_artefact_path(topic_edits.KIND, "map-a")
    path.write_text("{ damaged")
    assert topic_edits.load_edits(store, "map-a") is None
    assert path.with_name(path.name + ".corrupt").exists()  # set aside, not deleted
    assert "without hand edits" in store.problems[-1]
