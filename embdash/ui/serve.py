"""Start the dashboard: `python -m embdash.ui.serve [streamlit run options]`.

Why not plain `streamlit run streamlit_app.py`: Streamlit treats an app beside a pages/ folder as an
old-style multipage app until st.navigation first runs, so on a fresh server the first deep link
(/search, /data) shows "Page not found" before the right page loads. embdash uses st.navigation
only, so it says so before the first session starts.
"""

import sys
from pathlib import Path

from streamlit import config as streamlit_config
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from embdash import config
from embdash.config import ConfigError, Settings, prepare_process
from embdash.ui import server_settings, upload_guard

# The dashboard's entry and its pages/ live in the repository, beside the package, not inside it: an
# editable install (scripts/install.sh) finds them; a wheel installed into site-packages does not.
APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"
MISSING_APP = 2
BAD_SETTINGS = 2


def main(options: list[str] | None = None) -> int:
    """Run the server with `options` for 'streamlit run' (default: this process's arguments)."""
    if not (APP.is_file() and (APP.parent / "pages").is_dir()):
        print(missing_app_message(), file=sys.stderr)
        return MISSING_APP
    prepare_process()
    try:
        config.load_settings(secrets={})  # the environment's settings, checked before anything starts
    except ConfigError as error:
        print(f"embdash serve: {error}", file=sys.stderr)
        return BAD_SETTINGS
    PagesManager.uses_pages_directory = False
    import_page_libraries()
    upload_guard.install()
    # Each time Streamlit reads its configuration (command line, STREAMLIT_* variables, config.toml),
    # embdash's settings fill in what the operator left to them.
    streamlit_config.on_config_parsed(follow_settings, force_connect=True)
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if options is None else options)]
    return cli.main()


def follow_settings() -> None:
    """Set the Streamlit options embdash's settings imply, unless the operator gave them on the command line or
    as STREAMLIT_* variables (a value in .streamlit/config.toml is the repository's default: it yields)."""
    try:
        settings = server_settings.settings()
    except ConfigError:
        settings = None  # every page says what is wrong; meanwhile behave as the strictest instance
    for name, value in implied_options(settings).items():
        if streamlit_config.get_where_defined(name) != OPERATOR_DEFINED:
            streamlit_config.set_option(name, value, where_defined="embdash settings")


_followed_in_this_process = False


def follow_settings_once() -> None:
    """follow_settings, once per server process, from the app itself. Under plain `streamlit run` (Streamlit
    Community Cloud) nothing called it before the server started; Streamlit reads the upload cap at each upload and
    the error-details option at each script run, so from the first page on they hold there too: a read-only
    instance's cap of 0 MB has every upload refused (413) before its body is read. (The upload guard, which also
    refuses uploads before the password, needs `embdash serve`.)"""
    global _followed_in_this_process
    if not _followed_in_this_process:
        follow_settings()
        _followed_in_this_process = True


# How Streamlit marks an option given on the command line or as an environment variable.
OPERATOR_DEFINED = streamlit_config._DEFINED_BY_FLAG


def implied_options(settings: Settings | None) -> dict[str, object]:
    """Streamlit's upload cap follows EMBDASH_MAX_UPLOAD_MB (0 on a read-only instance, which takes no uploads),
    so a larger file is refused before it is stored; a public instance (read-only or with a password) shows
    strangers no tracebacks. None: unreadable settings."""
    if settings is None:
        return {"client.showErrorDetails": "none", "server.maxUploadSize": 0}
    implied: dict[str, object] = {"server.maxUploadSize": 0 if settings.read_only else settings.max_upload_mb}
    if settings.public:
        implied["client.showErrorDetails"] = "none"
    return implied


def missing_app_message() -> str:
    return (
        f"embdash serve: the dashboard (streamlit_app.py and pages/) is not in {APP.parent}. It runs from a "
        "checkout of the embdash repository: there, run scripts/install.sh (it installs embdash editable), "
        "or `pip install -e .`. The library and the other commands work without it."
    )


def import_page_libraries() -> None:
    """Import what every page needs now, while the server starts: the first page shown after a restart
    would otherwise wait for it (about 1.5 s for pandas, pyarrow and altair on the project's machine)."""
    import altair  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import embdash.dataio.store  # noqa: F401
    import embdash.pipeline.maps  # noqa: F401
    import embdash.render.charts  # noqa: F401


if __name__ == "__main__":
    sys.exit(main())
