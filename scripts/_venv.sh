# Sourced by scripts/demo.sh and scripts/test.sh: create and activate the project's venv,
# and define `quiet`, the filter of pip's output.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# shellcheck disable=SC1091
. .venv/bin/activate
export PIP_DISABLE_PIP_VERSION_CHECK=1
# What pip prints under -q that is noise, not news: its "... is ignored" notices and the
# 10-line notice setuptools prints on every editable install ("Editable installation.").
# sed never fails on empty output, and pipefail (set above) makes a failed install stop the
# calling script at the step that failed, its error printed.
quiet() { sed -e '/is ignored/d' -e '/BuildBackendWarning: Editable installation/,+9d'; }
pip install -q --upgrade pip 2>&1 | quiet
