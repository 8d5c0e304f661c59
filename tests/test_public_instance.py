"""What `embdash serve` sets for a public instance, in-process: Streamlit's options follow embdash's settings
unless the operator gave them, and the upload guard finds the session in an upload path and refuses it when
it should. (tests/browser/test_gate_browser.py attacks a real server.)"""

import pytest
from streamlit import config as streamlit_config

from embdash.ui import gate, serve, upload_guard


@pytest.fixture
def streamlit_options():
    """Streamlit's configuration re-read with these command-line options, serve.follow_settings listening as
    under `embdash serve`; restored afterwards."""
    disconnect = streamlit_config.on_config_parsed(serve.follow_settings, force_connect=True)

    def parse(**flags):
        streamlit_config.get_config_options(force_reparse=True, options_from_flags=flags)
        return {name: streamlit_config.get_option(name) for name in ["server.maxUploadSize", "client.showErrorDetails"]}

    yield parse
    disconnect()
    streamlit_config.get_config_options(force_reparse=True)


def test_the_upload_cap_follows_the_setting_and_a_public_instance_hides_error_details(monkeypatch, streamlit_options):
    monkeypatch.setenv("EMBDASH_MAX_UPLOAD_MB", "7")
    monkeypatch.setenv("EMBDASH_PASSWORD", "a long passphrase")
    assert streamlit_options() == {"server.maxUploadSize": 7, "client.showErrorDetails": "none"}
    monkeypatch.setenv("EMBDASH_READ_ONLY", "true")  # takes no uploads at all: a cap of 0 MB
    assert streamlit_options() == {"server.maxUploadSize": 0, "client.showErrorDetails": "none"}


def test_a_private_instance_keeps_streamlits_error_details(monkeypatch, streamlit_options):
    monkeypatch.setenv("EMBDASH_MAX_UPLOAD_MB", "12")
    options = streamlit_options()
    assert options["server.maxUploadSize"] == 12
    assert options["client.showErrorDetails"] != "none"


def test_the_operators_own_streamlit_options_win(monkeypatch, streamlit_options):
    monkeypatch.setenv("EMBDASH_MAX_UPLOAD_MB", "7")
    monkeypatch.setenv("EMBDASH_READ_ONLY", "true")
    options = streamlit_options(**{"server.maxUploadSize": 3, "client.showErrorDetails": "type"})
    assert options == {"server.maxUploadSize": 3, "client.showErrorDetails": "type"}


def test_unreadable_settings_still_hide_error_details(monkeypatch, streamlit_options):
    monkeypatch.setenv("EMBDASH_READ_ONLY", "perhaps")
    assert streamlit_options() == {"server.maxUploadSize": 0, "client.showErrorDetails": "none"}


def test_the_app_follows_the_settings_once_under_plain_streamlit_run(monkeypatch):
    # Nothing listened while this process's configuration was parsed, as under `streamlit run`.
    streamlit_config.get_config_options(force_reparse=True)
    assert streamlit_config.get_option("server.maxUploadSize") != 0
    monkeypatch.setenv("EMBDASH_READ_ONLY", "true")
    monkeypatch.setattr(serve, "_followed_in_this_process", False)
    try:
        serve.follow_settings_once()
        assert streamlit_config.get_option("server.maxUploadSize") == 0
        assert streamlit_config.get_option("client.showErrorDetails") == "none"
        monkeypatch.delenv("EMBDASH_READ_ONLY")
        serve.follow_settings_once()  # once per process: a later page does not read the settings again
        assert streamlit_config.get_option("server.maxUploadSize") == 0
    finally:
        streamlit_config.get_config_options(force_reparse=True)


@pytest.mark.parametrize("path, session", [
    ("/_stcore/upload_file/0b9f2c1e-aaaa/77", "0b9f2c1e-aaaa"),
    ("/base/path/_stcore/upload_file/s1/f1", "s1"),
    ("/_stcore/upload_file/s1/f1/", "s1"),
    ("/_stcore/upload_file/s1", None),
    ("/_stcore/stream", None),
    ("/media/upload_file/s1/f1", None),
])
def test_the_guard_reads_the_session_from_an_upload_path(path, session):
    assert upload_guard.upload_session(path) == session


def test_the_guard_refuses_read_only_always_and_password_until_passed(monkeypatch):
    monkeypatch.setattr(gate, "_passed_sessions", set())
    assert upload_guard.refusal("s1") is None  # neither: uploads as usual
    monkeypatch.setenv("EMBDASH_PASSWORD", "a long passphrase")
    assert upload_guard.refusal("s1") == upload_guard.NOT_ADMITTED
    gate.admit("s1")
    assert upload_guard.refusal("s1") is None
    assert upload_guard.refusal("s2") == upload_guard.NOT_ADMITTED
    monkeypatch.setenv("EMBDASH_READ_ONLY", "true")
    assert upload_guard.refusal("s1") == upload_guard.READ_ONLY
    monkeypatch.setenv("EMBDASH_READ_ONLY", "perhaps")
    assert upload_guard.refusal("s1") == upload_guard.BAD_SETTINGS
