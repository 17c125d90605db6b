#!/usr/bin/env bash
# Installs what rendering the screens needs (see docs/screens.md):
# Debian's Chromium, and the pinned npm packages in screens/ (npm ci). Run by
# `make screens-deps`, and so by `make test`. As root (CI, a fresh machine) it installs
# Chromium with apt-get when it is missing; anyone else is told how to get it.
set -euo pipefail
cd "$(dirname "$0")/.."

browser="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$browser" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "screens: installing Debian's chromium (apt-get)"
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
    else
        cat >&2 <<MSG
screens: no browser at $browser, so the screens cannot be rendered (make test renders them).
  On Debian or Ubuntu:  sudo apt-get install chromium   (or: sudo make screens-deps)
  Elsewhere:            CHROMIUM=/path/to/chromium-or-chrome make test
MSG
        exit 1
    fi
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "screens: npm is missing: install Node.js 20 or newer (with npm), then run make screens-deps" >&2
    exit 1
fi
(cd screens && npm ci --no-audit --no-fund --loglevel=error)
