#!/usr/bin/env bash
# Install Debian's headless-capable Chromium for the report rendering test
# (tests/test_report.py).  Idempotent: does nothing when a chromium binary is
# already on PATH.  Needs root (or sudo) and apt-get; quiet unless it fails.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    echo "chromium already installed: $(command -v chromium)"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-chromium.sh: apt-get not found; install chromium with your package manager" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-chromium.sh: need root or sudo to install chromium" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "chromium installed: $(command -v chromium) ($(chromium --version 2>/dev/null || echo 'version unknown'))"
