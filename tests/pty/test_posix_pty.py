"""What the pty and pipe sources promise beyond the shared contract: the pty's line discipline and controlling
terminal, the IUTF8 flag, flow control, no descriptor leaks, and the ``spawn`` factory."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest

from app.pty import PipeSource, PtySource, SourceError, SourceUnavailableError, SpawnSpec, posix_pty, spawn
from app.pty._common import HIGH_WATER, READ_SIZE
from tests.pty.conftest import drain, have, py, read_until, run

posix = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pty")


@posix
def test_cooked_pty_turns_newline_into_crlf() -> None:
    """ONLCR: the bytes a terminal really receives (the fidelity string says so)."""

    async def go() -> bytes:
        source = spawn(SpawnSpec(py("import sys; sys.stdout.write('a\\nb\\n')")), "pty")
        await source.start()
        try:
            return b"".join(c.data for c in await drain(source))
        finally:
            await source.close()

    assert run(go()) == b"a\r\nb\r\n"


@pytest.fixture(params=["launcher", "preexec"])
def launch_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a pty child is started: through util-linux's ``setsid --ctty`` (vfork), and with a
    ``preexec_fn`` (fork) where there is no such launcher, as on macOS."""
    if request.param == "launcher":
        if posix_pty._ctty_launcher() is None:
            pytest.fail("util-linux's setsid is missing: .ci/run installs util-linux, which Debian always has")
    else:
        monkeypatch.setattr(posix_pty, "_ctty_launcher", lambda: None)
    return str(request.param)


@posix
def test_the_pty_is_the_childs_controlling_terminal(launch_path: str) -> None:
    """The child leads its session on our pty: /dev/tty opens, and it is the foreground process group."""
    code = "import os; fd = os.open('/dev/tty', os.O_RDWR); print(os.getsid(0) == os.getpid(), flush=True); input()"

    async def go() -> tuple[str, int | None, int | None]:
        source = spawn(SpawnSpec(py(code)), "pty")
        assert isinstance(source, PtySource)
        await source.start()
        try:
            seen = bytearray()
            await read_until(source, b"\n", seen)
            foreground = source.foreground_pid()
            source.write(b"\n")
            await drain(source)
            await source.wait()
            return bytes(seen).decode().strip(), foreground, source.pid
        finally:
            await source.close()

    leader, foreground, pid = run(go())
    assert leader == "True"
    assert foreground == pid


@posix
def test_the_launcher_execs_the_command_itself_with_its_own_argv(launch_path: str) -> None:
    """Through the launcher, the pid we hold is the command's own (the launcher execs it in place, no fork), its
    argv is the one asked for (not the launcher's), and an interactive shell has job control."""
    script = "tr '\\0' ' ' < /proc/$$/cmdline; echo; ps -o sid= -p $$; case $- in *m*) echo monitor;; esac"

    async def go() -> tuple[str, int | None]:
        source = spawn(SpawnSpec(["bash", "--norc", "--noprofile", "-i", "-c", script], cwd="/"), "pty")
        await source.start()
        try:
            out = b"".join(c.data for c in await drain(source)).decode()
            await source.wait()
            return out, source.pid
        finally:
            await source.close()

    out, pid = run(go())
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    assert lines[0] == f"bash --norc --noprofile -i -c {script}"
    assert lines[1] == str(pid)  # its own session, led by the pid we hold
    assert "monitor" in lines


@posix
def test_start_returns_once_the_command_itself_runs(launch_path: str) -> None:
    """When ``start`` returns, the pid we hold is already the command (not the launcher in front of it) and leads
    its own session: a probe or a hang-up at once reaches the right process."""

    async def go() -> tuple[bytes, int, int]:
        source = spawn(SpawnSpec(["sleep", "30"]), "pty")
        await source.start()
        try:
            pid = source.pid
            assert pid is not None
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read()
            return cmdline, os.getsid(pid), pid
        finally:
            await source.close()

    for _ in range(5):
        cmdline, sid, pid = run(go())
        assert cmdline == b"sleep\x0030\x00"
        assert sid == pid


@posix
def test_a_program_named_by_a_relative_path_is_found_in_the_childs_folder(
    launch_path: str, tmp_path: os.PathLike[str]
) -> None:
    """``./tool`` is looked up in the child's directory, as exec does; a file that is not executable is refused
    with the reason, before anything starts."""
    folder = os.fspath(tmp_path)
    tool = os.path.join(folder, "tool")
    with open(tool, "w") as f:
        f.write("#!/bin/sh\necho tool ran in \"$PWD\"\n")
    os.chmod(tool, 0o644)

    async def go() -> str:
        source = spawn(SpawnSpec(["./tool"], cwd=folder), "pty")
        await source.start()
        try:
            out = b"".join(c.data for c in await drain(source)).decode()
            await source.wait()
            return out
        finally:
            await source.close()

    with pytest.raises(SourceError, match=r"cannot start ./tool: .*Permission denied"):
        run(go())
    os.chmod(tool, 0o755)
    assert run(go()).strip() == f"tool ran in {folder}"


@posix
def test_a_missing_program_is_refused_with_its_name(launch_path: str) -> None:
    """The launcher would only fail in the child (a message on the pty, status 127); the caller is told first."""

    async def go() -> None:
        source = spawn(SpawnSpec(["mojiscope-no-such-program-7"], env={"PATH": "/usr/bin:/bin"}), "pty")
        await source.start()

    with pytest.raises(SourceError, match=r"cannot start mojiscope-no-such-program-7: .*No such file"):
        run(go())


@posix
@pytest.mark.skipif(not have("stty"), reason="no stty")
def test_iutf8_is_read_and_set_on_the_master() -> None:
    """The flag set through the master is what the child's tty reports (stty)."""

    async def go(enable: bool) -> tuple[bool, str]:
        source = spawn(SpawnSpec(["sh", "-c", "read x; stty -a"]), "pty")
        await source.start()
        try:
            assert isinstance(source, PtySource)
            now = source.iutf8(enable)
            source.write(b"\n")
            out = b"".join(c.data for c in await drain(source)).decode()
            await source.wait()
            return now, out
        finally:
            await source.close()

    on, out_on = run(go(True))
    off, out_off = run(go(False))
    assert on is True and " iutf8" in out_on
    assert off is False and "-iutf8" in out_off


@pytest.mark.parametrize("backend", ["pty", "pipe", "pipe-threads"])
def test_a_reader_that_falls_behind_holds_the_child_not_our_memory(backend: str) -> None:
    """Flow control: unread output stops being read at the high-water mark (the child waits in the kernel),
    and every byte still arrives once the reader catches up."""
    if backend == "pty" and sys.platform == "win32":
        pytest.skip("POSIX pty")
    n = 3 * HIGH_WATER
    code = f"import sys; out = sys.stdout.buffer; [out.write(b'x' * 65536) for _ in range({n // 65536})]"
    spec = SpawnSpec(py(code))

    async def go() -> tuple[int, int]:
        source = PipeSource(spec, threads=True) if backend == "pipe-threads" else spawn(spec, backend)
        await source.start()
        try:
            # Read nothing meanwhile: wait (however loaded the machine) until the reader reaches the
            # high-water mark, then give it time to overshoot if flow control were broken.
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 30
            while source._queue.pending_bytes < HIGH_WATER and loop.time() < deadline:  # type: ignore[attr-defined]
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            backlog = source._queue.pending_bytes  # type: ignore[attr-defined]
            total = sum(len(c.data) for c in await drain(source) if c.stream in ("stdout", "pty"))
            assert await source.wait() == 0
            return backlog, total
        finally:
            await source.close()

    backlog, total = run(go())
    assert HIGH_WATER <= backlog <= HIGH_WATER + 4 * READ_SIZE
    assert total == n


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
@pytest.mark.parametrize("backend", ["pty", "pipe"])
def test_no_descriptor_is_left_open(backend: str) -> None:
    async def once() -> None:
        source = spawn(SpawnSpec(py("print(input())")), backend)
        await source.start()
        source.write(b"x\n")
        await drain(source)
        await source.wait()
        await source.close()

    async def go() -> None:
        await once()  # let the loop open its own descriptors first
        before = sorted(os.listdir("/proc/self/fd"))
        for _ in range(5):
            await once()
        after = sorted(os.listdir("/proc/self/fd"))
        assert after == before

    run(go())


@posix
def test_resize_before_start_sets_the_starting_size() -> None:
    async def go() -> str:
        source = spawn(SpawnSpec(py("import os; s = os.get_terminal_size(1); print(s.columns, s.lines)")), "pty")
        source.resize(120, 50)
        await source.start()
        try:
            return b"".join(c.data for c in await drain(source)).decode().strip()
        finally:
            await source.close()

    assert run(go()) == "120 50"


def test_spawn_refuses_what_is_not_here() -> None:
    with pytest.raises(SourceUnavailableError, match="no source backend 'telnet'"):
        spawn(SpawnSpec(["true"]), "telnet")
    if sys.platform != "win32":
        with pytest.raises(SourceUnavailableError, match="ConPTY is available on Windows only"):
            spawn(SpawnSpec(["true"]), "conpty")


def test_empty_command_line_is_refused() -> None:
    for backend in ("pty", "pipe") if sys.platform != "win32" else ("pipe",):
        with pytest.raises(SourceError, match="nothing to run"):
            spawn(SpawnSpec([]), backend)


@pytest.mark.parametrize("backend", ["pty", "pipe"])
def test_a_finished_session_is_not_looked_up_again(backend: str) -> None:
    """Once the leader is reaped and nothing of its session runs, its id may name a stranger's session by now:
    close() must not scan for (and hang up) that session."""
    if backend == "pty" and sys.platform == "win32":
        pytest.skip("POSIX pty")

    async def go() -> None:
        source = spawn(SpawnSpec(py("print('done')")), backend)
        await source.start()
        await drain(source)
        assert await source.wait() == 0
        family = source._family  # type: ignore[attr-defined]

        def stranger() -> list[object]:
            raise AssertionError("scanned a session id that is no longer ours")

        family.members = stranger
        source.kill()
        await source.close()

    run(go())


@posix
@pytest.mark.parametrize("backend", ["pty", "pipe"])
def test_a_cancelled_close_still_releases_everything(backend: str) -> None:
    """close() cut short (a task cancelled at shutdown) still ends the child and frees the descriptors; a leak
    would surface as a ResourceWarning, which fails the test."""

    async def go() -> int | None:
        source = spawn(
            SpawnSpec(
                py(
                    "import signal, time; signal.signal(signal.SIGHUP, signal.SIG_IGN); "
                    "print('up', flush=True); time.sleep(100)"
                )
            ),
            backend,
        )
        await source.start()
        await read_until(source, b"up", bytearray())
        closing = asyncio.ensure_future(source.close())
        await asyncio.sleep(0.1)  # inside the grace period
        closing.cancel()
        with pytest.raises(asyncio.CancelledError):
            await closing
        assert await source.read() is None
        return source.returncode

    assert run(go()) == -signal.SIGKILL


@posix
def test_read_nowait_hands_over_only_what_is_ready() -> None:
    """What the session reads again at once after each chunk: nothing while the program writes nothing, its next
    output once written, and nothing (never a block) once the output ended."""
    code = "import sys; sys.stdout.write('first\\n'); sys.stdout.flush(); input(); sys.stdout.write('second\\n')"

    async def go() -> tuple[bytes, bool, bytes, bool]:
        source = spawn(SpawnSpec(py(code)), "pty")
        assert isinstance(source, PtySource)
        await source.start()
        try:
            seen = bytearray()
            await read_until(source, b"first\r\n", seen)
            idle = source.read_nowait() is None  # the program waits for its input: nothing is ready
            source.write(b"\n")
            later = bytearray()
            for _ in range(2000):  # bounded polling, not a measure
                chunk = source.read_nowait()
                if chunk is not None:
                    later += chunk.data
                if b"second\r\n" in later:
                    break
                await asyncio.sleep(0.005)
            while await source.read() is not None:
                pass
            ended = source.read_nowait() is None and await source.read() is None
            await source.wait()
            return bytes(seen), idle, bytes(later), ended
        finally:
            await source.close()

    seen, idle, later, ended = run(go())
    assert seen == b"first\r\n" and idle
    assert later.endswith(b"second\r\n") and ended


@posix
def test_a_flood_read_both_ways_arrives_whole_and_in_order() -> None:
    """Reads through the loop and reads at once, mixed as the session mixes them: every byte, once, in order."""
    payload = bytes(range(256)) * 2048  # 512 KiB, every byte value (raw mode: nothing translated)
    code = (
        "import sys, tty; tty.setraw(1); out = sys.stdout.buffer\n"
        "out.write(bytes(range(256)) * 2048); out.flush()\n"
    )

    async def go() -> tuple[bytes, int, int]:
        source = spawn(SpawnSpec(py(code)), "pty")
        assert isinstance(source, PtySource)
        await source.start()
        try:
            got = bytearray()
            waited = at_once = 0
            while True:
                chunk = source.read_nowait()
                if chunk is None:
                    chunk = await source.read()
                    if chunk is None:
                        break
                    waited += 1
                else:
                    at_once += 1
                got += chunk.data
            await source.wait()
            return bytes(got), waited, at_once
        finally:
            await source.close()

    got, waited, at_once = run(go())
    assert got == payload
    assert waited >= 1 and waited + at_once >= len(payload) // (64 * 1024)
