"""Start the dashboard: `python -m embdash.ui.serve [streamlit run options]`.

Why not plain `streamlit run streamlit_app.py`: Streamlit treats an app beside a pages/ folder as an
old-style multipage app until st.navigation first runs, so on a fresh server the first deep link
(/search, /data) shows "Page not found" before the right page loads. embdash uses st.navigation
only, so it says so before the first session starts.
"""

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from embdash.config import prepare_process

# The dashboard's entry and its pages/ live in the repository, beside the package, not inside it: an
# editable install (scripts/install.sh) finds them; a wheel installed into site-packages does not.
APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"
MISSING_APP = 2


def main(options: list[str] | None = None) -> int:
    """Run the server with `options` for 'streamlit run' (default: this process's arguments)."""
    if not (APP.is_file() and (APP.parent / "pages").is_dir()):
        print(missing_app_message(), file=sys.stderr)
        return MISSING_APP
    prepare_process()
    PagesManager.uses_pages_directory = False
    import_page_libraries()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if options is None else options)]
    return cli.main()


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
