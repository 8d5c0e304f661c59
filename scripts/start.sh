#!/usr/bin/env bash
# Install (first time only) and start the dashboard on the bundled sample corpus with the default model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export HF_HUB_OFFLINE=1
exec .venv/bin/embdash serve "$@"
