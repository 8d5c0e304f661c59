#!/usr/bin/env bash
# Install the app and the test tools (first time only), then run the whole test suite with pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --dev
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
