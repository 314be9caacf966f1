#!/usr/bin/env bash
# Read the book: installs the pinned mdBook if it is missing, then serves the
# book at http://localhost:3000 and rebuilds it when a file changes.
# Usage: bash book/serve.sh [extra `mdbook serve` options, e.g. --open]
set -euo pipefail
cd "$(dirname "$0")"
MDBOOK_VERSION=0.5.4          # mdbook-admonish and mdbook-linkcheck do not work with 0.5
installed() { command -v "$1" >/dev/null && "$1" --version 2>/dev/null | grep -q "$2"; }
installed mdbook "$MDBOOK_VERSION" || cargo install mdbook --version "$MDBOOK_VERSION" --locked
exec mdbook serve "$@"
