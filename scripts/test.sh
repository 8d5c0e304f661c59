#!/usr/bin/env bash
# Install the app and the test tools (first time only), then run the whole test suite with pytest.
# Two workers (pytest-xdist), each taking whole files: a module's servers, Ray and fixtures start once.
# EMBDASH_TEST_WORKERS=0 runs everything in this one process.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --dev
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest -n "${EMBDASH_TEST_WORKERS:-2}" --dist loadfile "$@"
