#!/usr/bin/env bash
# Install Cotender with its test and sentence-transformers extras, then run
# lint, format check, strict typing and the whole test suite (SQLite and PostgreSQL).
set -euo pipefail
. "$(dirname "$0")/_venv.sh"
# PyTorch first, pinned: the CPU build; an unpinned torch would pull a CUDA build.
pip install -q torch==2.13.0 2>&1 | quiet
pip install -q -e ".[dev,st]" 2>&1 | quiet

# The PostgreSQL tests need the machine's server on 127.0.0.1:5432 (trust auth, database test).
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

# The browser tests drive Debian's chromium (Playwright never downloads a browser).
if ! command -v chromium >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -q && apt-get install -y -q chromium
fi

echo "== ruff check" && ruff check .
echo "== ruff format --check" && ruff format --check .
echo "== mypy (strict: app, ingest, models, scripts)" && mypy
echo "== lint-imports (layers, docs/architecture.md)" && lint-imports
echo "== pytest" && pytest "$@"
