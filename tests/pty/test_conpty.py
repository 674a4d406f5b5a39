"""The ConPTY source at the pywinpty boundary, through a faithful fake (tests/pty/fake_winpty.py).

Each test plays the session: it reads chunks, and answers ConPTY's DA1 (and cursor position)
requests the way the terminal does, by writing the reply back through the source.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import psutil
import pytest

from app.pty.base import Source, SourceClosedError, SourceError, SourceUnavailableError, SpawnSpec
from app.pty.conpty import CONPTY_FIDELITY, ConPtySource
from tests.pty.fake_winpty import (
    CPR_REQUEST,
    DA1_REQUEST,
    MODES_ON,
    FakeConPty,
    FakeConsole,
    FakePtyProcess,
)

DA1_REPLY = b"\x1b[?62;22c"
HANDSHAKE = DA1_REQUEST + MODES_ON


@pytest.fixture
def worlds() -> Iterator[list[FakeConPty]]:
    made: list[FakeConPty] = []
    yield made
    for world in made:
        world.cleanup()


def make(worlds: list[FakeConPty], program: Callable[[FakeConsole], int], **kw: Any) -> FakeConPty:
    world = FakeConPty(program, **kw)
    worlds.append(world)
    return world


def run(coro: Awaitable[Any], timeout: float = 30.0) -> Any:
    async def bounded() -> Any:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


async def play(src: ConPtySource, *, cursor: bytes = b"\x1b[1;1R") -> bytes:
    """Read to the end, answering every DA1 and cursor-position request at once, like the terminal."""
    out = bytearray()
    answered_da1 = answered_cpr = 0
    while (chunk := await src.read()) is not None:
        assert chunk.stream == "pty"
        out += chunk.data
        while out.count(DA1_REQUEST) > answered_da1:
            src.write(DA1_REPLY)
            answered_da1 += 1
        while out.count(CPR_REQUEST) > answered_cpr:
            src.write(cursor)
            answered_cpr += 1
    return bytes(out)


def spec(**kw: Any) -> SpawnSpec:
    return SpawnSpec(argv=["child.exe", "--flag", "a b"], env={"PATH": "", "GOFLAGS": "-count=1"}, cwd="/", **kw)


def gone(pid: int, within: float = 5.0) -> bool:
    """Dead (or a zombie waiting for whoever reaps orphans) within ``within`` seconds: a SIGKILL is
    delivered when the victim is next scheduled, which on a loaded machine is not instant."""
    deadline = time.monotonic() + within
    while True:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)


# -- the protocol and the basics -----------------------------------------------------------


def test_is_a_source_and_says_what_its_bytes_are_worth(worlds: list[FakeConPty]) -> None:
    world = make(worlds, lambda c: 0)
    src = ConPtySource(spec(), pty_factory=world.spawn)
    assert isinstance(src, Source)
    assert src.kind == "conpty"
    assert src.fidelity == (
        "UTF-8 re-encoded from ConPTY's text reads; a character split across reads shows as U+FFFD; "
        "NUL bytes are dropped"
    )
    assert src.fidelity == CONPTY_FIDELITY
    assert src.pid is None and src.returncode is None


def test_output_arrives_reencoded_and_in_order(worlds: list[FakeConPty]) -> None:
    lines = [f"=== RUN   Test中文/子测试_{i} ✓ é\r\n".encode() for i in range(300)]

    def program(con: FakeConsole) -> int:
        for line in lines:
            con.write(line)
        return 3

    world = make(worlds, program, pipe_read_size=1000)  # many native reads, splits fall anywhere

    async def main() -> tuple[bytes, int, ConPtySource]:
        src = ConPtySource(spec(), pty_factory=world.spawn)
        src.read_size = 777
        await src.start()
        out = await play(src)
        code = await src.wait()
        await src.close()
        return out, code, src

    out, code, src = run(main())
    proc = world.processes[0]
    # The text is what pywinpty made of each native read, re-encoded: the same characters where
    # no read split one, and U+FFFD where one did.
    expected = b"".join(chunk.decode("utf-8", "replace").encode() for chunk in proc.native_reads)
    assert out == expected
    assert out.startswith(HANDSHAKE)
    assert out.replace("\ufffd".encode(), b"").count(b"=== RUN") == 300
    assert code == 3 and src.returncode == 3
    # The spec reached pywinpty's spawn as given; dimensions are (rows, cols).
    assert proc.argv == ["child.exe", "--flag", "a b"]
    assert proc.env == {"PATH": "", "GOFLAGS": "-count=1"}
    assert proc.launch_dir == "/"
    assert proc.winsize == (24, 80)
    assert proc.backend is None  # an injected factory is called with spawn's own arguments only


def test_whole_characters_survive_when_reads_do_not_split_them(worlds: list[FakeConPty]) -> None:
    def program(con: FakeConsole) -> int:
        con.write("你好，世界\r\n".encode())
        con.drain()
        con.write("✓ ok\r\n".encode())
        return 0

    world = make(worlds, program)

    async def main() -> bytes:
        src = ConPtySource(spec(), pty_factory=world.spawn)
        await src.start()
        out = await play(src)
        await src.close()
        return out

    assert run(main()) == HANDSHAKE + "你好，世界\r\n✓ ok\r\n".encode()


def test_a_character_split_across_reads_arrives_as_replacement_and_nuls_are_dropped(
    worlds: list[FakeConPty],
) -> None:
    def program(con: FakeConsole) -> int:
        con.write(b"A\xe4\xbd")  # first two bytes of 你 (E4 BD A0) ...
        con.drain()  # ... flushed and read on their own ...
        con.write(b"\xa0B x\x00y\r\n")  # ... then the last byte; and a NUL
        return 0

    world = make(worlds, program)

    async def main() -> tuple[bytes, str]:
        src = ConPtySource(spec(), pty_factory=world.spawn)
        await src.start()
        out = await play(src)
        await src.close()
        return out, src.fidelity

    out, fidelity = run(main())
    # One U+FFFD for the truncated E4 BD, one for the lone A0: the character is gone, honestly.
    assert out == HANDSHAKE + b"A\xef\xbf\xbd\xef\xbf\xbdB xy\r\n"
    assert "U+FFFD" in fidelity and "NUL" in fidelity


def test_an_empty_read_is_not_the_end(worlds: list[FakeConPty]) -> None:
    gate = threading.Event()

    def program(con: FakeConsole) -> int:
        gate.wait(10)
        con.write(b"after\r\n")
        return 0

    world = make(worlds, program)

    async def main() -> bytes:
        src = ConPtySource(spec(), pty_factory=world.spawn)
        await src.start()
        first = await src.read()
        assert first is not None and first.data == DA1_REQUEST
        src.write(DA1_REPLY)
        await asyncio.sleep(0.1)
        world.processes[0].inject_empty_read()  # pywinpty's "0011Ignore": read() returns ""
        await asyncio.sleep(0.1)
        gate.set()
        rest = await play(src)
        await src.close()
        return first.data + rest

    assert run(main()) == HANDSHAKE + b"after\r\n"


# -- ConPTY's requests -----------------------------------------------------------------------


def test_the_child_starts_only_after_the_terminal_answers_da1(worlds: list[FakeConPty]) -> None:
    def program(con: FakeConsole) -> int:
        con.write(b"started\r\n")
        got = con.read_input()
        con.write(b"child got " + got + b"\r\n")
        return 0

    world = make(worlds, program)

    async def main() -> bytes:
        src = ConPtySource(spec(), pty_factory=world.spawn)
        await src.start()
        proc = world.processes[0]
        first = await src.read()
        assert first is not None and first.data == DA1_REQUEST
        # Nobody answers: ConPTY holds the child, nothing else comes.
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(src.read(), 0.3)
        assert not proc.child_started.is_set()
        # The terminal answers (the session writes the terminal's reply back at once).
        src.write(DA1_REPLY)
        out = bytearray(first.data)
        while b"started\r\n" not in out:
            chunk = await src.read()
            assert chunk is not None
            out += chunk.data
        assert proc.child_started.is_set()
        src.write("héllo\r".encode())
        out += await play(src)
        await src.close()
        assert proc.host_writes == [DA1_REPLY.decode(), "héllo\r"]
        return bytes(out)

    # The reply was ConPTY's, not the child's: the child sees only what was typed after it.
    assert run(main()) == HANDSHAKE + b"started\r\nchild got " + "héllo\r".encode() + b"\r\n"


def test_cursor_position_requests_are_answered(worlds: list[FakeConPty]) -> None:
    rows_cols: list[tuple[int, int]] = []

    def program(con: FakeConsole) -> int:
        rows_cols.append(con.ask_cursor_position())
        con.write(b"done\r\n")
        return 0

    world = make(worlds, program, ask_cursor=True)

    async def main() -> bytes:
        src = ConPtySource(spec(), pty_factory=world.spawn)
        await src.start()
        out = await play(src, cursor=b"\x1b[5;9R")
        await src.close()
        return out

    out = run(main())
    assert out == DA1_REQUEST + CPR_REQUEST + MODES_ON + CPR_REQUEST + b"done\r\n"
    assert rows_cols == [(5, 9)]
    assert not world.processes[0].handshake_timed_out


# -- exit, tail, and after -----------------------------------------------------------------


def test_no_output_is_lost_when_the_child_exits_with_output_pending(worlds: list[FakeConPty]) -> None:
    body = b"".join(f"{i:06d} ok  \tpkg/中文\t0.{i % 10}s ✓\r\n".encode() for i in range(40_000))

    def program(con: FakeConsole) -> int:
        con.write(body)
        return 7  # exits at once, almost everything still in the pipe

    world = make(worlds, program)

    async def main() -> tuple[bytes, int]:
        src = ConPtySource(spec(), pty_factory=world.spawn)
        src.max_pending = 64 * 1024  # the reader stops early while nobody reads
        src.drain_idle = 0.2
        await src.start()
        first = await src.read()
        assert first is not None and first.data == DA1_REQUEST
        src.write(DA1_REPLY)
        proc = world.processes[0]
        while proc.isalive():
            await asyncio.sleep(0.01)
        assert proc.exitstatus == 7
        assert len(proc._pipe) > len(body) // 2  # the child is gone, its output is not
        await asyncio.sleep(0.5)  # longer than drain_idle: a reader held back is not "idle"
        out = first.data + await play(src)
        code = await src.wait()
        await src.close()
        return out, code

    out, code = run(main())
    native = world.processes[0].native_reads
    # Every byte the child wrote left the pipe, and all of it arrived: each 32 KiB native read
    # as the text pywinpty made of it (a character cut by a read boundary shows as U+FFFD).
    assert b"".join(native) == HANDSHAKE + body
    assert out == b"".join(chunk.decode("utf-8", "replace").encode() for chunk in native)
    assert out.count(b"\r\n") == 40_000 and out.endswith("039999 ok  \tpkg/中文\t0.9s ✓\r\n".encode())
    assert code == 7


def test_exit_is_reported_after_the_output(worlds: list[FakeConPty]) -> None:
    def program(con: FakeConsole) -> int:
        con.write(b"tail\r\n")
        return 0

    world = make(worlds, program)

    async def main() -> None:
        src = ConPtySource(spec(), pty_factory=world.spawn)
        await src.start()
        first = await src.read()
        assert first is not None
        src.write(DA1_REPLY)
        code = await src.wait()  # nobody read yet: the output is still there to read, in order
        assert code == 0
        rest = bytearray()
        while (chunk := await src.read()) is not None:
            rest += chunk.data
        assert bytes(rest) == MODES_ON + b"tail\r\n"
        assert await src.read() is None  # and stays finished
        await src.close()

    run(main())


class _PipeNeverCloses:
    """ConPTY as in pywinpty issue #565: after the child exits the pipe may never report EOF."""

    def __init__(self, inner: FakePtyProcess) -> None:
        self.inner = inner
        self.pid = inner.pid
        self._closed = threading.Event()

    def read(self, size: int = 1024) -> str:
        try:
            return self.inner.read(size)
        except EOFError:
            self._closed.wait()  # blocks until close(), like a ReadFile nobody cancels
            raise OSError("socket closed") from None

    def write(self, s: str) -> int:
        return self.inner.write(s)

    def isalive(self) -> bool:
        return self.inner.isalive()

    @property
    def exitstatus(self) -> int | None:
        return self.inner.exitstatus

    def setwinsize(self, rows: int, cols: int) -> None:
        self.inner.setwinsize(rows, cols)

    def close(self, force: bool = False) -> None:
        self._closed.set()
        self.inner.close(force)


def _wrapped(world: FakeConPty, wrapper: Callable[[FakePtyProcess], _PipeNeverCloses]) -> Callable[..., Any]:
    """pywinpty's spawn of *world*, each process seen through *wrapper* (a pipe that behaves as ConPTY's may)."""

    def factory(
        argv: list[str],
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        dimensions: tuple[int, int] = (24, 80),
    ) -> _PipeNeverCloses:
        return wrapper(world.spawn(argv, cwd, env, dimensions))

    return factory


def test_a_pipe_that_never_reports_eof_ends_after_the_child_and_a_quiet_drain(worlds: list[FakeConPty]) -> None:
    def program(con: FakeConsole) -> int:
        con.write(b"last words\r\n")
        return 5

    world = make(worlds, program)

    async def main() -> tuple[bytes, int, float]:
        src = ConPtySource(spec(), pty_factory=_wrapped(world, _PipeNeverCloses))
        src.drain_idle = 0.2
        await src.start()
        t0 = time.monotonic()
        out = await play(src)
        code = await src.wait()
        took = time.monotonic() - t0
        await src.close()
        return out, code, took

    out, code, took = run(main())
    assert out == HANDSHAKE + b"last words\r\n"
    assert code == 5
    assert took < 5


class _RendersLate(_PipeNeverCloses):
    """ConPTY paints on its own thread: what a child wrote just before it exited may reach the pipe after the exit
    is seen (here: held until the child is gone, then ``lag`` seconds more)."""

    lag = 0.4

    def read(self, size: int = 1024) -> str:
        text = super().read(size)
        if "last words" in text:
            while self.inner.isalive():
                time.sleep(0.005)
            time.sleep(self.lag)
        return text


def test_a_quiet_childs_last_words_rendered_after_its_exit_arrive(worlds: list[FakeConPty]) -> None:
    """The drain after the exit waits ``drain_idle`` from the exit, not from when the reader began waiting: a child
    quiet for longer than that before its last line must not lose the line (the reader has been blocked since the
    handshake, ~1.5 s before the exit)."""

    def program(con: FakeConsole) -> int:
        time.sleep(1.5)
        con.write(b"last words\r\n")
        return 5

    world = make(worlds, program)

    async def main() -> tuple[bytes, int]:
        src = ConPtySource(spec(), pty_factory=_wrapped(world, _RendersLate))
        assert src.drain_idle > _RendersLate.lag * 2  # the default: what a user's session waits
        await src.start()
        out = await play(src)
        code = await src.wait()
        await src.close()
        return out, code

    out, code = run(main())
    assert out == HANDSHAKE + b"last words\r\n"
    assert code == 5


def test_write_and_resize_after_exit_are_clear_errors(worlds: list[FakeConPty]) -> None:
    world = make(worlds, lambda con: 2)

    async def main() -> None:
        src = ConPtySource(spec(), pty_factory=world.spawn)
        await src.start()
        await play(src)
        assert await src.wait() == 2
        with pytest.raises(
            SourceClosedError, match=r"^the child has exited \(status 2\); start a new session to send input$"
        ):
            src.write(b"ls\r")
        with pytest.raises(SourceClosedError):
            src.resize(100, 30)
        await src.close()
        with pytest.raises(SourceClosedError, match=r"^the session is closed"):
            src.write(b"x")
        await src.close()  # twice is fine

    run(main())


def test_resize_reaches_the_pseudo_console(worlds: list[FakeConPty]) -> None:
    seen: list[tuple[int, int]] = []

    def program(con: FakeConsole) -> int:
        con.read_input()
        seen.append(con.size)
        return 0

    world = make(worlds, program)

    async def main() -> None:
        src = ConPtySource(spec(cols=120, rows=40), pty_factory=world.spawn)
        await src.start()
        assert world.processes[0].winsize == (40, 120)
        first = await src.read()
        assert first is not None
        src.write(DA1_REPLY)
        src.resize(100, 30)
        with pytest.raises(SourceError, match="positive"):
            src.resize(0, 30)
        src.write(b"\r")
        await play(src)
        await src.close()

    run(main())
    assert world.processes[0].resizes == [(30, 100)]
    assert seen == [(30, 100)]


def test_kill_ends_the_whole_process_tree(worlds: list[FakeConPty]) -> None:
    def program(con: FakeConsole) -> int:
        con.write(b"waiting\r\n")
        con.read_input(timeout=60)
        return 0

    world = make(worlds, program, grandchild=True)

    async def main() -> tuple[int, int, int, bytes]:
        src = ConPtySource(spec(), pty_factory=world.spawn)
        await src.start()
        proc = world.processes[0]
        assert src.pid == proc.pid
        out = bytearray()
        while b"waiting" not in out:
            chunk = await src.read()
            assert chunk is not None
            out += chunk.data
            if DA1_REQUEST in chunk.data:
                src.write(DA1_REPLY)
        src.kill()
        out += await play(src)
        code = await src.wait()
        await src.close()
        assert proc.pid is not None and proc.grandchild_pid is not None
        return proc.pid, proc.grandchild_pid, code, bytes(out)

    pid, grandchild, code, out = run(main())
    assert out == HANDSHAKE + b"waiting\r\n"
    assert code != 0
    assert gone(pid) and gone(grandchild)


def test_close_while_running_leaves_nothing_behind(worlds: list[FakeConPty]) -> None:
    def program(con: FakeConsole) -> int:
        con.read_input(timeout=60)
        return 0

    world = make(worlds, program, grandchild=True)

    async def main() -> None:
        src = ConPtySource(spec(), pty_factory=world.spawn)
        await src.start()
        first = await src.read()
        assert first is not None
        src.write(DA1_REPLY)
        await src.close()
        await src.close()
        assert src.returncode is not None and src.returncode != 0
        while await src.read() is not None:
            pass

    run(main())
    proc = world.processes[0]
    assert proc.pid is not None and proc.grandchild_pid is not None
    assert gone(proc.pid) and gone(proc.grandchild_pid)


def test_spawn_failures_say_what_to_mend(worlds: list[FakeConPty]) -> None:
    world = make(worlds, lambda con: 0)

    async def main() -> None:
        src = ConPtySource(SpawnSpec(argv=["no-such-program-xyz"], env={"PATH": ""}), pty_factory=world.spawn)
        with pytest.raises(SourceError, match=r"cannot start 'no-such-program-xyz': .*check the name and PATH"):
            await src.start()
        empty = ConPtySource(SpawnSpec(argv=[]), pty_factory=world.spawn)
        with pytest.raises(SourceError, match="empty"):
            await empty.start()

    run(main())


# -- without Windows -----------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="the non-Windows behaviour")
def test_without_windows_it_imports_and_says_so() -> None:
    with pytest.raises(SourceUnavailableError) as err:
        ConPtySource(SpawnSpec(argv=["cmd.exe"]))
    assert str(err.value) == "ConPTY is available on Windows only"
    code = "import sys, app.pty.conpty; print('winpty' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
