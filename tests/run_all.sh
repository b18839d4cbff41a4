#!/usr/bin/env bash
# Install everything the tests need (pip packages, Debian's chromium and haproxy), then run every test.
# This is the README's test command; .ci/run calls it and nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}

echo "== installing Python test dependencies"
"$PYTHON" -m pip install --disable-pip-version-check -q -r tests/requirements.txt

# Debian's chromium (the browser tests) and haproxy (deploy/serve.py, and haproxy -c on deploy/haproxy.cfg).
# haproxy lives in /usr/sbin, which a user's PATH may lack.
PATH="$PATH:/usr/sbin:/sbin"
for package in chromium haproxy; do
    if ! command -v "$package" >/dev/null 2>&1; then
        echo "== installing Debian's $package for the tests"
        if [ "$(id -u)" -ne 0 ]; then
            echo "error: $package is missing and this is not root; run: sudo apt-get install -y $package" >&2
            exit 1
        fi
        if [ -z "${apt_updated:-}" ]; then
            apt-get update -qq
            apt_updated=1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
    fi
done

echo "== checking that headless chromium runs"
probe_home=$(mktemp -d)
if ! HOME="$probe_home" timeout 60 chromium --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update --disable-sync \
        --no-first-run --user-data-dir="$probe_home/profile" --dump-dom about:blank >/dev/null 2>"$probe_home/err"; then
    echo "error: headless chromium cannot run here; the browser tests would fail. Its output:" >&2
    cat "$probe_home/err" >&2
    rm -rf "$probe_home"
    exit 1
fi
rm -rf "$probe_home"

echo "== ruff"
"$PYTHON" -m ruff check .

echo "== pytest"
"$PYTHON" -m pytest "$@"
