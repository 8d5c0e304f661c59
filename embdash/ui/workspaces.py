"""Named workspaces: the current view (its link: corpus, model, page and settings) saved under a name in the
visitor's own browser (localStorage), listed there to reopen with a click.

The whole list lives in the browser: the server never sees it, so nothing of one visitor is listed to another,
and a shared instance keeps no state for it. A workspace is the view's link, so it also opens on another machine
(where the server still holds the corpus). Names are the visitor's text: shown with textContent, never as HTML.
"""

from __future__ import annotations

import streamlit as st

#: At most this many workspaces are kept (the oldest go first), names cut to NAME_CHARS characters.
MAX_WORKSPACES = 50
NAME_CHARS = 80
STORAGE_KEY = "embdash.workspaces"

_WORKSPACES_HTML = """
<div id="ws" style="font-family:'Source Sans Pro',sans-serif;font-size:14px;color:#31333f">
  <div style="display:flex;gap:6px">
    <input id="name" maxlength="%(name_chars)d" placeholder="Name this view" aria-label="Workspace name"
           style="flex:1;min-width:0;padding:4px 6px;border:1px solid #ccc;border-radius:6px">
    <button id="save" type="button"
            style="padding:4px 10px;border:1px solid #ccc;border-radius:6px;background:#fff;cursor:pointer">Save</button>
  </div>
  <div id="empty" style="color:#808495;margin-top:6px">No saved workspaces in this browser yet.</div>
  <ul id="list" style="list-style:none;padding:0;margin:6px 0 0 0"></ul>
</div>
<script>
  const KEY = "%(key)s", MAX = %(max)d;
  const read = () => { try { const v = JSON.parse(localStorage.getItem(KEY) || "[]"); return Array.isArray(v) ? v : []; }
                       catch (error) { return []; } };
  const write = (items) => localStorage.setItem(KEY, JSON.stringify(items.slice(-MAX)));
  const fit = () => { if (window.frameElement) window.frameElement.style.height = (document.body.scrollHeight + 4) + "px"; };
  function draw() {
    const list = document.getElementById("list");
    list.replaceChildren();
    const items = read();
    document.getElementById("empty").style.display = items.length ? "none" : "block";
    items.slice().reverse().forEach((item) => {
      const row = document.createElement("li");
      row.style.cssText = "display:flex;gap:6px;align-items:center;margin:3px 0";
      const open = document.createElement("a");
      open.textContent = String(item.name);
      open.href = String(item.url);
      open.title = "Saved " + String(item.saved) + ": opens this corpus, model, page and settings";
      open.style.cssText = "flex:1;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;color:#1c6dd0";
      open.addEventListener("click", (event) => {
        // Followed from the dashboard's own page: this frame's sandbox may not navigate the window itself.
        event.preventDefault();
        const link = window.parent.document.createElement("a");
        link.href = String(item.url);
        window.parent.document.body.append(link);
        link.click();
        link.remove();
      });
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", "Remove " + String(item.name));
      remove.style.cssText = "padding:1px 6px;border:1px solid #ddd;border-radius:6px;background:#fff;cursor:pointer;font-size:12px";
      remove.addEventListener("click", () => { write(read().filter((other) => other.id !== item.id)); draw(); });
      row.append(open, remove);
      list.append(row);
    });
    fit();
  }
  document.getElementById("save").addEventListener("click", () => {
    const box = document.getElementById("name");
    const name = box.value.trim().slice(0, %(name_chars)d);
    if (!name) { box.focus(); return; }
    const url = window.parent.location.href;
    const items = read().filter((item) => item.name !== name);  // a name saved again takes the new view
    items.push({id: Date.now() + "-" + Math.random().toString(36).slice(2), name: name, url: url,
                saved: new Date().toISOString().slice(0, 16).replace("T", " ")});
    write(items);
    box.value = "";
    draw();
  });
  document.getElementById("name").addEventListener("keydown", (event) => {
    if (event.key === "Enter") document.getElementById("save").click();
  });
  draw();
</script>
""" % {"key": STORAGE_KEY, "max": MAX_WORKSPACES, "name_chars": NAME_CHARS}


def workspaces() -> None:
    """The saved workspaces of this browser, and a box to save the current view under a name (in the sidebar)."""
    with st.sidebar:
        st.caption("Workspaces, kept in this browser only: save this view under a name to come back to it.")
        st.iframe(_WORKSPACES_HTML, height=90)
