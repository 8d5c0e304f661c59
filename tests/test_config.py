"""Settings come from the environment, then secrets, then defaults; every one is documented."""

import re
from pathlib import Path

import pytest

from embdash import config
from embdash.config import SETTINGS, ConfigError, load_settings, offered_models
from tests.conftest import REPO


def test_defaults_without_environment(monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/xdg")
    settings = load_settings(environ={})
    assert settings.data_dir == Path("/srv/xdg/embdash")
    assert settings.max_upload_mb == 200
    assert settings.models == ()
    assert settings.read_only is False
    assert settings.password == ""


def test_every_setting_from_the_environment(tmp_path):
    settings = load_settings(environ={
        "EMBDASH_DATA_DIR": str(tmp_path), "EMBDASH_MAX_UPLOAD_MB": "25",
        "EMBDASH_MODELS": "paraphrase-MiniLM-L3-v2, all-MiniLM-L6-v2", "EMBDASH_READ_ONLY": "yes",
        "EMBDASH_PASSWORD": "s3cret",
    })
    assert settings.data_dir == tmp_path
    assert settings.max_upload_mb == 25
    assert settings.models == ("paraphrase-MiniLM-L3-v2", "all-MiniLM-L6-v2")
    assert settings.read_only is True
    assert settings.password == "s3cret"


def test_environment_wins_over_secrets_which_win_over_defaults():
    secrets = {"EMBDASH_PASSWORD": "from-secrets", "EMBDASH_READ_ONLY": True, "EMBDASH_MODELS": ["glove-6b-50d"],
               "EMBDASH_MAX_UPLOAD_MB": 10}
    settings = load_settings(environ={"EMBDASH_PASSWORD": "from-env"}, secrets=secrets)
    assert settings.password == "from-env"
    assert settings.read_only is True  # a TOML boolean
    assert settings.models == ("glove-6b-50d",)  # a TOML list
    assert settings.max_upload_mb == 10


@pytest.mark.parametrize("name, value", [("EMBDASH_MAX_UPLOAD_MB", "lots"), ("EMBDASH_MAX_UPLOAD_MB", "0"),
                                         ("EMBDASH_READ_ONLY", "maybe")])
def test_unusable_values_name_the_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        load_settings(environ={name: value})


def test_offered_models_keep_the_order_and_reject_unknown_ids():
    catalogue = ["a", "b", "c"]
    assert offered_models(load_settings(environ={}), catalogue) == catalogue
    assert offered_models(load_settings(environ={"EMBDASH_MODELS": "c,a,c"}), catalogue) == ["c", "a"]
    with pytest.raises(ConfigError, match="nope"):
        offered_models(load_settings(environ={"EMBDASH_MODELS": "a,nope"}), catalogue)


def test_data_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EMBDASH_DATA_DIR", str(tmp_path))
    assert config.data_dir() == tmp_path
    assert load_settings().data_dir == tmp_path


def test_every_setting_is_documented_in_the_hosting_guide():
    guide = (REPO / "docs" / "hosting.md").read_text()
    documented = set(re.findall(r"^\| `(EMBDASH_[A-Z0-9_]+)` \|", guide, flags=re.MULTILINE))
    assert documented == {setting.env for setting in SETTINGS}
    for setting in SETTINGS:
        assert setting.help, setting.name
