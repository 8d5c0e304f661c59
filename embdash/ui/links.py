"""Links that reproduce a view: the URL names the corpus (by content key), the model and every widget
value that shapes what the page shows, so a colleague opening the link sees what the sender saw.

The mechanism, for any page:

1. Give each widget that shapes the view a stable key "<page>.<name>" and bind it to the URL:
   ``st.slider("k", 1, 50, 10, **links.bound("search.k"))`` (that is ``key=..., bind="query-params"``).
   Streamlit then keeps the widget and the URL in sync both ways: it seeds the widget from the URL on
   a first visit, writes changes to the URL, leaves default values out, ignores invalid values (an
   unknown option, a number out of range) and, since the value is kept per session, restores it when
   the user comes back to the page. Parameter dataclasses get this from widgets.param_controls.
2. Leave unbound what a URL cannot carry: file uploaders, buttons, data editors, chart selections.
3. The shared frame (widgets.sidebar) calls sync_corpus() and copy_link() on every page, so the corpus
   key and the model (the sidebar's bound selectbox) survive page switches, and every page has a
   "Copy link" button. Nothing else is needed per page.

A page switch drops the other page's parameters from the URL (Streamlit filters them by page), and
they come back from the session when the user returns; the corpus key is rewritten by sync_corpus().
"""

from __future__ import annotations

import re

import streamlit as st

from embdash.models.catalogue import get_spec
from embdash.ui import cache, state
from embdash.ui.text import plain

BIND = "query-params"
CORPUS_PARAM = "corpus"
_IN_URL = "links.corpus_in_url"  # the corpus key this session last put in (or took from) the URL
_CORPUS_KEY = re.compile(r"[0-9a-f]{16}")


def bound(key: str) -> dict:
    """Keyword arguments that give a widget a stable key and keep its value in the URL."""
    return {"key": key, "bind": BIND}


_RESTORED = "links.restored"  # the bound widget whose text kept_across_pages just put back (once, not in a loop)


def kept_across_pages(key: str) -> None:
    """Call before drawing the text widget bound as `key`, so a text typed on this page is still there when the
    visitor comes back with the browser's Back button. Streamlit drops a page's parameters from the address as it
    leaves the page, and on Back a parameter missing from the address resets its widget, although the session still
    holds the text: then the text is set again and the page rerun once. A text the visitor cleared stays cleared."""
    just_restored = st.session_state.pop(_RESTORED, None) == key
    text = st.session_state.get(key)
    if just_restored or not text or key in st.query_params:
        return
    st.session_state[key] = text
    st.session_state[_RESTORED] = key
    st.rerun()


def value_from_link(key: str) -> str | None:
    """The value the URL carries for a bound widget that this session has not drawn yet (a link just
    opened: the widget will start from it), else None."""
    if key in st.session_state:
        return None
    return st.query_params.get(key)


def is_corpus_key(text) -> bool:
    """A content key as the store names corpora: exactly 16 lower-case hex digits (nothing else can
    reach a path)."""
    return isinstance(text, str) and _CORPUS_KEY.fullmatch(text) is not None


def sync_corpus() -> None:
    """Keep `?corpus=<key>` and the session's current corpus in step.

    A URL key the session did not put there (a link opened, an address edited, the browser's back
    button) selects that corpus, or explains why it cannot; otherwise the session's corpus, which an
    upload or the Data page may have changed, is written to the URL.
    """
    requested = st.query_params.get(CORPUS_PARAM)
    if requested is not None and requested != st.session_state.get(_IN_URL):
        open_linked_corpus(requested)
    current = state.current_corpus_key()
    if st.query_params.get(CORPUS_PARAM) != current:
        st.query_params[CORPUS_PARAM] = current
    st.session_state[_IN_URL] = current


def open_linked_corpus(key: str) -> bool:
    """Make the linked corpus current if the server holds it; else warn, keep the current one. True if opened."""
    if not is_corpus_key(key):
        st.warning(
            "The link names a corpus in a form this server does not recognise (a corpus key is 16 letters "
            "and digits, 0-9 and a-f). Check that the whole link was copied. Showing "
            f"{'the sample corpus' if state.CORPUS_KEY not in st.session_state else 'your current corpus'} instead."
        )
        return False
    if not cache.store().has_corpus(key):
        st.warning(
            plain(
                f"This server does not hold the corpus {key} that the link names: it was uploaded to another "
                "server, or removed from this one. Ask the sender for the file and upload it on the Data page "
                "(the same file gets the same key, so the link then works), or use the corpus shown here: "
                f"{'the sample corpus' if state.CORPUS_KEY not in st.session_state else 'your current corpus'}. "
                "The link's other settings are kept."
            )
        )
        return False
    state.use_stored_corpus(key)
    return True


def take_linked_model_id(key: str, options: list[str]) -> None:
    """A link may name its model by id (`?model_id=tfidf-lsa`, as the CLI and the docs do) where the bound widget
    expects the name it shows: an offered id becomes the session's model, before the widget is drawn."""
    linked = value_from_link(key)
    if linked in options and linked != get_spec(linked).name:
        st.session_state[key] = linked
        st.query_params[key] = get_spec(linked).name


def say_if_linked_model_not_offered(key: str, options: list[str], shown: str) -> None:
    """A link's model (URL parameter `key`) that is not among `options` is dropped by the bound widget, which
    then shows `shown`: say so, once, when the link is opened."""
    linked = value_from_link(key)
    if linked is None:
        return
    if linked not in {get_spec(option).name for option in options} | set(options):
        asked = linked if len(linked) <= 80 else linked[:80] + "…"
        st.warning(plain(f"The link asks for the model {asked!r}, which this server does not offer here; "
                         f"showing {get_spec(shown).name}."))


# Streamlit's backend does not see every URL change the browser makes (bound widgets write the address
# themselves), so the link is read where it is always right: from the browser's address bar. Our own
# markup only; the address is set as an input's value, never as HTML.
_COPY_LINK_HTML = """
<div style="display:flex;gap:6px;font-family:'Source Sans Pro',sans-serif;font-size:14px">
  <input id="link" readonly aria-label="Link to this view"
         style="flex:1;min-width:0;padding:4px 6px;border:1px solid #ccc;border-radius:6px;color:#333">
  <button id="copy" type="button"
          style="padding:4px 10px;border:1px solid #ccc;border-radius:6px;background:#fff;cursor:pointer">Copy link</button>
</div>
<script>
  const box = document.getElementById("link");
  const button = document.getElementById("copy");
  const refresh = () => { box.value = window.parent.location.href; };
  refresh();
  setInterval(refresh, 400);
  button.addEventListener("click", async () => {
    refresh();
    box.select();
    try { await navigator.clipboard.writeText(box.value); }
    catch (error) { document.execCommand("copy"); }
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = "Copy link"; }, 2000);
  });
</script>
"""


def copy_link() -> None:
    """The link to this view (the browser's address, kept current) with a button that copies it."""
    with st.sidebar:
        st.caption("Share this view: the link opens this page with the same corpus, model and settings.")
        st.iframe(_COPY_LINK_HTML, height=40)
