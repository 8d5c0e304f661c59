"""The server's settings as the dashboard reads them: environment variables, then st.secrets, then defaults."""

from __future__ import annotations

import streamlit as st

from embdash import config


def settings() -> config.Settings:
    """The server's settings: environment variables, then st.secrets, then defaults (embdash.config)."""
    return config.load_settings(secrets=_secrets())


def _secrets() -> dict:
    try:
        return dict(st.secrets)
    except Exception:  # no secrets.toml: Streamlit raises rather than returning an empty mapping
        return {}
