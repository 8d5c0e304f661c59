"""Where embdash keeps its files. One setting, read from the environment."""

import os
from pathlib import Path


def data_dir() -> Path:
    """The data directory: $EMBDASH_DATA_DIR, else $XDG_DATA_HOME/embdash, else ~/.local/share/embdash."""
    explicit = os.environ.get("EMBDASH_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "embdash"
