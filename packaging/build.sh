#!/usr/bin/env bash
# Build the one-folder bundle build/dist/nianbao/ with PyInstaller, then run the frozen app's smoke test.
# Linux (or macOS); Windows uses build.ps1. Exits non-zero when the build or the smoke test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

# A separate environment with only the app's dependencies and PyInstaller: nothing from the dev tools
# ends up in the bundle, and a `uv sync` in the working tree cannot pull PyInstaller away mid-build.
export UV_PROJECT_ENVIRONMENT="$PWD/build/venv"
start=$(date +%s)
uv sync --quiet --no-default-groups --group packaging
uv run --no-sync pyinstaller --noconfirm --clean --log-level WARN \
    --distpath build/dist --workpath build/work packaging/nianbao.spec

bundle=build/dist/nianbao
echo "bundle: $bundle ($(du -sh "$bundle" | cut -f1)), built in $(( $(date +%s) - start )) s"
QT_QPA_PLATFORM=offscreen "$bundle/nianbao" --smoke-test
