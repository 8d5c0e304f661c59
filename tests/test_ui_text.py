"""User text shown through Streamlit's markdown renders as the same characters, never as markup."""

import re

from hypothesis import given
from hypothesis import strategies as st

from embdash.ui.text import plain

MARKUP = r"\`*_[]<>$:#|~"


def test_links_code_maths_and_icons_are_escaped():
    shown = plain("[click](http://evil.example) `x` $a$ :material/home: <b>")
    assert "[click](" not in shown and "\\[click\\]" in shown
    assert "\\`x\\`" in shown and "\\$a\\$" in shown and "\\:material/home\\:" in shown and "\\<b\\>" in shown


def unescaped_markup(shown: str) -> list[str]:
    """Markup characters that no backslash escapes."""
    bare, i = [], 0
    while i < len(shown):
        if shown[i] == "\\":
            i += 2
            continue
        if shown[i] in MARKUP:
            bare.append(shown[i])
        i += 1
    return bare


@given(st.text())
def test_no_markup_survives_and_unescaping_gives_back_the_text(text):
    shown = plain(text)
    assert unescaped_markup(shown) == []
    assert re.sub(r"\\(.)", r"\1", shown, flags=re.S) == text
