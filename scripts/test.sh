#!/usr/bin/env bash
# Installs the project with its test dependencies and runs the whole test suite.
# The tests themselves install and start what they need (PostgreSQL from Debian's
# packages, the OpenSearch test node, Chromium) — see docs/developers/tests.md.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
exec python3 -m pytest "$@"
