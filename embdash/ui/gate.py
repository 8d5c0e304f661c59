"""An optional password gate (EMBDASH_PASSWORD): one password for the whole instance, asked once per
browser session. It keeps casual visitors out of a shared server; it is not a user account system."""

from __future__ import annotations

import hmac

import streamlit as st

_PASSED = "gate.passed"


def require_password(password: str) -> None:
    """Stop the page until the visitor has typed `password` in this session; no-op if it is empty."""
    if not password or st.session_state.get(_PASSED):
        return
    st.title("embdash")
    typed = st.text_input("Password", type="password", key="gate.password",
                          help="This instance is protected by a password; ask whoever runs it.")
    # Constant-time comparison: the time taken tells nothing about how much of the password matched.
    if typed and hmac.compare_digest(typed.encode("utf-8"), password.encode("utf-8")):
        st.session_state[_PASSED] = True
        del st.session_state["gate.password"]  # the password does not stay in the session
        st.rerun()
    if typed:
        st.error("That is not the password.")
    st.stop()
