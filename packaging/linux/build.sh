#!/usr/bin/env bash
# bash packaging/linux/build.sh: the native Linux build of the same spec (packaging/mojiscope.spec) with
# PyInstaller in the project's venv. Output: dist/mojiscope-linux-x64/ (mojiscope, the window; mojiscope-cli,
# the command line) and dist/mojiscope-linux-x64.tar.gz. The machine it runs on needs the system packages the
# README lists (Qt's xcb libraries and a CJK font are not bundled).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
name=mojiscope-linux-x64
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e '.[build]'
rm -rf "dist/$name" "dist/$name.tar.gz" "build/$name"
MOJISCOPE_DIST_NAME=$name .venv/bin/python -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath "build/$name" packaging/mojiscope.spec
tar -C dist -czf "dist/$name.tar.gz" "$name"
echo "build: dist/$name ($(du -sh "dist/$name" | cut -f1)), dist/$name.tar.gz ($(du -sh "dist/$name.tar.gz" | cut -f1))" >&2
