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

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"


def main() -> int:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
