"""The console code page probe on a real console: AttachConsole(child) → GetConsoleCP/GetConsoleOutputCP →
FreeConsole, in-process and through the re-entered helper (app.pty.reentry), after ``chcp`` in cmd; and the
cmd profile's UTF-8 switch, which the probe then shows as 65001."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from app.pty import SpawnSpec, spawn
from app.pty.base import Source
from app.pty.live_switch import plan_live_switch
from app.pty.probes import probe_console_codepages
from app.pty.profiles import plan_session
from app.pty.reentry import helper_argv, helper_env
from tests.windows.conftest import START_CP, drain, run

#: Wine's cmd loses a command typed with CR LF (the LF): type CR only, as a terminal's Enter does.
ENTER = b"\r"


async def wait_for(source: Source, needle: bytes, seen: bytearray) -> None:
    while needle not in seen:
        chunk = await source.read()
        assert chunk is not None, f"the output ended before {needle!r}: {bytes(seen)!r}"
        seen += chunk.data


async def chcp_then_probe(code_pages: list[int]) -> list[tuple[int | None, int | None, str | None, str, dict]]:
    """An interactive cmd on the in-box ConPTY; after each ``chcp N``, the in-process probe, the helper's
    answer, and the command line's ``codepage --pid``."""
    source = spawn(SpawnSpec(["cmd.exe"]), "conpty-inbox")
    await source.start()
    seen = bytearray()
    found = []
    try:
        await wait_for(source, b">", seen)  # the prompt
        for cp in code_pages:
            source.write(f"chcp {cp}".encode() + ENTER)
            await wait_for(source, f"Active code page: {cp}".encode(), seen)
            assert source.pid is not None
            report = probe_console_codepages(source.pid)
            helper = subprocess.run(  # started as the probe starts it: without a console
                helper_argv("console-codepages", str(source.pid)),
                capture_output=True,
                text=True,
                env=helper_env(),
                creationflags=subprocess.DETACHED_PROCESS,
            )
            cli = subprocess.run(
                [sys.executable, "-m", "app", "codepage", "--pid", str(source.pid), "--json"],
                capture_output=True,
                encoding="utf-8",
            )
            assert cli.returncode == 0, cli.stderr
            found.append(
                (report.console_output_cp, report.console_input_cp, report.codec, helper.stdout, json.loads(cli.stdout))
            )
        source.write(b"exit" + ENTER)
        await drain(source)
    finally:
        await source.close()
    return found


def test_the_probe_reports_what_chcp_set() -> None:
    found = run(chcp_then_probe([936, 65001]))
    expected = [(936, "gbk"), (65001, "utf-8")]
    for (output_cp, input_cp, codec, helper, cli), (cp, name) in zip(found, expected, strict=True):
        assert (output_cp, input_cp, codec) == (cp, cp, name)
        assert json.loads(helper)["console_output_cp"] == cp  # the re-entered helper sees the same console
        assert cli["decode_as"] == name and cli["report"]["console_output_cp"] == cp


def test_a_process_without_a_console_is_reported_not_guessed() -> None:
    """The lane's CPython has no console of its own: attaching to itself fails, and the report says why."""
    report = probe_console_codepages(os.getpid())
    assert not report.available
    assert report.error is not None and report.error.startswith("AttachConsole(")
    assert report.ansi_cp is not None and report.oem_cp is not None


def _plan_run(argv: list[str], utf8: bool) -> bytes:
    plan = plan_session("cmd", argv, utf8=utf8)

    async def go() -> bytes:
        source = spawn(SpawnSpec(plan.argv, env=plan.env), "conpty-inbox")
        await source.start()
        try:
            out, status = await drain(source)
            assert status == 0
            return out
        finally:
            await source.close()

    return run(go())


@pytest.mark.parametrize("utf8", [False, True], ids=["as-is", "utf8-switch"])
def test_the_cmd_profile_utf8_switch_turns_the_mojibake_into_text(gowrite: str, utf8: bool) -> None:
    """Without the switch the console stays at Wine's 437 and the UTF-8 bytes come out as cp437 mojibake; the
    cmd profile's switch (chcp 65001 before the command) makes them 加法."""
    out = _plan_run([gowrite, "-test.run", "TestWriteFileUTF8", "-test.v"], utf8)
    line = out.split(b"utf8:", 1)[1].split(b":end", 1)[0]
    if utf8:
        assert line == "加法".encode()
    else:
        assert line == "加法".encode().decode(f"cp{START_CP}").encode()


async def _switch_running_shell() -> list[int | None]:
    """The window's Session ▸ Enforce UTF-8 on a cmd at its prompt: the live switch's lines typed into it."""
    plan = plan_session("cmd", [], utf8=False)
    source = spawn(SpawnSpec(plan.argv, env=plan.env), "conpty-inbox")
    await source.start()
    seen = bytearray()
    cps = []
    try:
        await wait_for(source, b">", seen)
        assert source.pid is not None
        cps.append(probe_console_codepages(source.pid).console_output_cp)
        switch = plan_live_switch(plan, True, shell_in_foreground=True, oem_code_page=START_CP)
        assert switch.possible
        for line in switch.typed:
            source.write(line.encode() + ENTER)
        source.write(b"echo done%PYTHONUTF8%" + ENTER)  # prints done1 once the switch's set has run
        await wait_for(source, b"done1", seen)
        cps.append(probe_console_codepages(source.pid).console_output_cp)
        source.write(b"exit" + ENTER)
        await drain(source)
    finally:
        await source.close()
    return cps


def test_the_utf8_switch_on_a_running_cmd_shows_65001() -> None:
    assert run(_switch_running_shell()) == [START_CP, 65001]


def test_an_interactive_cmd_with_the_switch_starts_at_65001() -> None:
    plan = plan_session("cmd", [], utf8=True)

    async def go() -> int | None:
        source = spawn(SpawnSpec(plan.argv, env=plan.env), "conpty-inbox")
        await source.start()
        seen = bytearray()
        try:
            await wait_for(source, b">", seen)
            assert source.pid is not None
            return probe_console_codepages(source.pid).console_output_cp
        finally:
            await source.close()

    assert run(go()) == 65001
