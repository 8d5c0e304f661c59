"""Showing text that comes from users or their files."""

import re

_MARKDOWN_MARKUP = re.compile(r"([\\`*_\[\]<>$:#|~])")


def plain(text) -> str:
    """Text from users or files, made safe for Streamlit's markdown: no links, code, maths or icons."""
    return _MARKDOWN_MARKUP.sub(r"\\\1", str(text))
