#!/usr/bin/env bash
# What the classroom needs beyond `make install` (idempotent; run as root, after the venv exists):
# configurable-http-proxy (npm; Node 20), the `classroom` extra (JupyterHub, pinned in pyproject.toml),
# and `useradd` (the tests create accounts).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v configurable-http-proxy >/dev/null 2>&1 || npm install -g --silent configurable-http-proxy@5

missing=()
command -v useradd >/dev/null 2>&1 || missing+=(passwd)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

.venv/bin/python -c 'import jupyterhub' 2>/dev/null || .venv/bin/python -m pip install -q -e '.[classroom]'
echo "classroom: $(configurable-http-proxy --version 2>/dev/null | head -1) proxy, jupyterhub $(.venv/bin/python -c 'import jupyterhub; print(jupyterhub.__version__)')"
