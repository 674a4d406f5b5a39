#!/usr/bin/env bash
# bash packaging/windows/build.sh: the Windows x64 build, made here with PyInstaller running on the Windows lane's
# CPython under Wine (tests/windows/setup.sh sets that up). Output: dist/mojiscope-windows-x64/ with
# mojiscope.exe (the window, no console) and mojiscope-cli.exe (the command line), and
# dist/mojiscope-windows-x64.zip. Rebuilt only when the sources, the spec or the pinned wheels changed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
name=mojiscope-windows-x64
bash tests/windows/setup.sh
lane=${MOJISCOPE_WINLANE:-$repo/.winlane}

key=$( (git ls-files -z app resources packaging pyproject.toml tests/windows/requirements.txt | xargs -0 cat) | sha256sum | cut -c1-16)
stamp=$lane/stamps/build-$name
if [ -f "dist/$name/mojiscope-cli.exe" ] && [ -f "dist/$name.zip" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$key" ]; then
    echo "build: dist/$name is up to date" >&2
    exit 0
fi
rm -rf "dist/$name" "dist/$name.zip" "build/$name"
# The project's metadata (its version) comes from the mojiscope.egg-info a pip install -e leaves at the root.
[ -d mojiscope.egg-info ] || { echo "build: no mojiscope.egg-info: run pip install -e . first" >&2; exit 1; }
# The api-ms-win-crt-* "not found" warnings are Windows' own UCRT API sets (system DLLs on Windows 10+): left out.
MOJISCOPE_DIST_NAME=$name tests/windows/winpy -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath "build/$name" packaging/mojiscope.spec 2> >(grep -v "could not resolve 'api-ms-win-" >&2)
(cd dist && python3 -c 'import shutil, sys; shutil.make_archive(sys.argv[1], "zip", ".", sys.argv[1])' "$name")
mkdir -p "$(dirname "$stamp")"
printf '%s' "$key" >"$stamp"
echo "build: dist/$name ($(du -sh "dist/$name" | cut -f1)), dist/$name.zip ($(du -sh "dist/$name.zip" | cut -f1))" >&2
