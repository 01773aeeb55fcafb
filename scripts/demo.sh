#!/usr/bin/env bash
# Install Cotender and run the demo: the embedded store and index under ./var,
# loaded with the bundled real notices, sample members and group, API on 127.0.0.1:8000.
set -euo pipefail
. "$(dirname "$0")/_venv.sh"
pip install -q -e . 2>&1 | quiet
exec cotender demo "$@"
