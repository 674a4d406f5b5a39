#!/usr/bin/env bash
# The Windows lane: set up (tests/windows/setup.sh: Windows CPython 3.13 under Wine, the wheels, the shims for
# Wine 8's gaps, the Go test program), build the Windows exe (packaging/windows/build.sh; its smoke test needs
# it), then run the Windows tests with the Windows CPython and print pytest's summary.
#
# Run with the Windows CPython: tests/windows (Win32 for real: the in-box ConPTY, the console code page probe,
# pipes with Windows children, the cmd profile's UTF-8 switch, the CLI, a screenshot, the frozen build), the
# engine's suite, the source contract (pipes and the in-box ConPTY) and the command line's suite.
# MOJISCOPE_LANE_BUILD=0 skips the exe build and its smoke test (for a quick run by hand).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
started=$(date +%s)
bash "$here/setup.sh"
echo "winlane: set up in $(($(date +%s) - started)) s" >&2

targets=(tests/windows tests/vt tests/pty/test_contract.py tests/test_cli.py)
ignore=(--ignore=tests/vt/test_differential.py)  # its reference emulators (node, tmux) are Linux programs
if [ "${MOJISCOPE_LANE_BUILD:-1}" = 1 ]; then
    built=$(date +%s)
    bash "$repo/packaging/windows/build.sh"
    echo "winlane: Windows exe built in $(($(date +%s) - built)) s" >&2
else
    ignore+=(--ignore=tests/windows/test_frozen.py)
fi
# POSIX-only promises of the contract are deselected here (not skipped): sh and bash children, SIGHUP and signal
# statuses, a resize on Wine's pseudo console (ResizePseudoConsole is a stub in Wine 8), replays (no input).
posix_only="not printf and not bash and not hangup and not signals_are_reported and not resize_is_seen"
posix_only+=" and not source_without_input"
# Wine sometimes fails to start a child at all: CreateProcess returns ERROR_INTERNAL_ERROR (1359) when the new
# Unix process dies before it reaches the wineserver (CI, 2026-12-06: two Python children in one test file, under
# load; the rest of the run passed, and eight runs of that file by hand, some under load, did not repeat it). Real
# Windows does not do this, so only a test that failed with exactly that error runs again (twice at most); any
# other failure fails the lane at once.
wine_spawn_flake=(--reruns 2 --only-rerun "(Windows error |WinError )1359")
status=0
tested=$(date +%s)
"$here/winpy" -m pytest -c tests/windows/pytest.ini --rootdir . --confcutdir . "${ignore[@]}" \
    "${wine_spawn_flake[@]}" -k "$posix_only" "${targets[@]}" || status=$?
echo "winlane: tests ran in $(($(date +%s) - tested)) s; the lane took $(($(date +%s) - started)) s" >&2
exit "$status"
