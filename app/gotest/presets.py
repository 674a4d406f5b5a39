"""``go test`` launch presets and "rerun failed": what the Tests panel starts, apart from the parser.

A preset is the user's choice (folder, packages, flags, shell profile, UTF-8 switch, recording); its
:meth:`GoTestPreset.launch` turns it into argv and environment through the shell profile, so ``go test``
meets the same encoding levers as any other session.  "Rerun failed" narrows a preset to what failed in
a parsed :class:`~app.gotest.run.GoTestRun`, with a ``-run`` pattern that Go's RE2 accepts.

No Qt here (the layering test checks it).
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from app.gotest.run import GoTestRun
from app.pty.profiles import SessionPlan, plan_session

__all__ = ["GoTestLaunch", "GoTestPreset", "NamedPreset", "demo_presets", "escape_run_element", "rerun_pattern"]


# --------------------------------------------------------------------------- rerun failed

#: RE2's metacharacters: escaping exactly these keeps the pattern valid for Go (RE2 rejects ``\`` before
#: a letter, a digit or a space, which :func:`re.escape` can produce).
_RE2_META = re.compile(r"([\\.+*?()|\[\]{}^$])")


def escape_run_element(element: str) -> str:
    """One element of a test name as an exact ``-run`` pattern: ``^…$`` with RE2 metacharacters escaped."""
    return "^" + _RE2_META.sub(r"\\\1", element) + "$"


def rerun_pattern(names: Iterable[str]) -> str | None:
    """The ``-run`` pattern that runs exactly the tests called ``names`` (full names, subtests with ``/``).

    Go splits ``-run`` at top-level ``|`` into alternatives and each alternative at top-level ``/`` into
    one pattern per name level, so top-level tests go into one ``^(A|B)$`` and each subtest becomes its
    own ``^A$/^sub$`` alternative (one pattern per level would cross-match other parents' subtests).  A
    parent whose failed subtest is in ``names`` is left out: running the subtest runs the parent's body.
    """
    wanted = list(dict.fromkeys(names))
    leaves = [n for n in wanted if not any(o.startswith(n + "/") for o in wanted)]
    if not leaves:
        return None
    top = [n for n in leaves if "/" not in n]
    alternatives: list[str] = []
    if top:
        alternatives.append("^(" + "|".join(escape_run_element(n)[1:-1] for n in top) + ")$")
    alternatives += ["/".join(escape_run_element(e) for e in n.split("/")) for n in leaves if "/" in n]
    return "|".join(alternatives)


def _without_run_flag(flags: Sequence[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for flag in flags:
        if skip:
            skip = False
            continue
        bare = flag.lstrip("-")
        if flag.startswith("-") and bare in ("run", "test.run"):
            skip = True
            continue
        if flag.startswith("-") and bare.startswith(("run=", "test.run=")):
            continue
        out.append(flag)
    return out


# --------------------------------------------------------------------------- presets


@dataclass(frozen=True)
class GoTestLaunch:
    """What the window starts: the argv (through the profile), the working directory and the environment."""

    argv: tuple[str, ...]
    cwd: str
    env: Mapping[str, str]
    plan: SessionPlan
    record: bool


@dataclass(frozen=True)
class GoTestPreset:
    """A ``go test`` run as the Tests panel edits it.

    ``folder``: where ``go test`` runs (the module or a package in it); ``packages``: patterns or import
    paths (``./...``); ``flags``: go test flags (``-v``, ``-json``, ``-count=1``); ``profile``: the shell
    profile it runs under (``command`` runs go directly; ``bash``, ``pwsh``, ``cmd`` through that shell,
    with that shell's encoding behaviour — the point of the exercise); ``utf8``: the UTF-8 switch;
    ``record``: write a recording; ``env``: extra variables (``MOJI_FAIL=1``) set before the profile's own.
    """

    folder: str
    packages: tuple[str, ...] = ("./...",)
    flags: tuple[str, ...] = ("-v",)
    profile: str = "command"
    utf8: bool = True
    record: bool = False
    env: tuple[tuple[str, str], ...] = ()
    go: str = "go"

    @property
    def json(self) -> bool:
        return any(f in ("-json", "--json", "-json=true") for f in self.flags)

    def command(self) -> list[str]:
        """``go test FLAGS PACKAGES``: the command the profile is asked to run."""
        return [self.go, "test", *self.flags, *self.packages]

    def plan(self, base_env: Mapping[str, str] | None = None, *, platform: str = sys.platform) -> SessionPlan:
        env = dict(os.environ if base_env is None else base_env)
        env.update(self.env)
        return plan_session(self.profile, self.command(), self.utf8, env, platform=platform)

    def launch(self, base_env: Mapping[str, str] | None = None, *, platform: str = sys.platform) -> GoTestLaunch:
        plan = self.plan(base_env, platform=platform)
        return GoTestLaunch(plan.argv, self.folder, plan.env, plan, self.record)

    def to_json(self) -> dict[str, object]:
        """The preset as plain values (remembered by the window between runs)."""
        return {
            "folder": self.folder,
            "packages": list(self.packages),
            "flags": list(self.flags),
            "profile": self.profile,
            "utf8": self.utf8,
            "record": self.record,
            "env": [[k, v] for k, v in self.env],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object], default: GoTestPreset) -> GoTestPreset:
        """A preset from :meth:`to_json`'s values; a field missing or of the wrong type keeps ``default``'s."""

        def strings(key: str, fallback: tuple[str, ...]) -> tuple[str, ...]:
            value = data.get(key)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return tuple(value)
            return fallback

        def flag(key: str, fallback: bool) -> bool:
            value = data.get(key)
            return value if isinstance(value, bool) else fallback

        folder = data.get("folder")
        profile = data.get("profile")
        raw_env = data.get("env")
        env = default.env
        if isinstance(raw_env, list) and all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair) for pair in raw_env
        ):
            env = tuple((pair[0], pair[1]) for pair in raw_env)
        return replace(
            default,
            folder=folder if isinstance(folder, str) else default.folder,
            packages=strings("packages", default.packages),
            flags=strings("flags", default.flags),
            profile=profile if isinstance(profile, str) else default.profile,
            utf8=flag("utf8", default.utf8),
            record=flag("record", default.record),
            env=env,
        )

    def describe(self) -> str:
        """The command line as a user would type it (for a tooltip or the status line)."""
        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env)
        return (env + " " if env else "") + shlex.join(self.command())

    def rerun_failed(self, run: GoTestRun) -> GoTestPreset | None:
        """This preset narrowed to what failed in ``run``: ``-run`` naming the failed tests, and only the
        packages they (or a failed build) are in when those are known.  ``None`` when nothing failed."""
        failed = run.failed_tests()
        broken = [p.name for p in run.all_packages() if p.build_failed and p.name]
        if not failed and not broken:
            return None
        flags = _without_run_flag(self.flags)
        by_package: dict[str, list[str]] = {}
        for test in failed:
            by_package.setdefault(test.package.name, []).append(test.name)
        pattern = rerun_pattern(t.name for t in failed)
        if pattern is not None:
            flags += ["-run", pattern]
        # A package not named yet (the run was cut short) cannot be named to go: keep the original patterns.
        packages = self.packages if "" in by_package else tuple(dict.fromkeys([*by_package, *broken]))
        return replace(self, flags=tuple(flags), packages=packages)


# --------------------------------------------------------------------------- the demo module's presets


@dataclass(frozen=True)
class NamedPreset:
    """A preset the Tests panel offers by name, with what it shows."""

    title: str
    description: str
    preset: GoTestPreset


def demo_presets(folder: str) -> list[NamedPreset]:
    """Ready-made runs of the bundled demo module (``resources/demo/gotest``), so what it can show is one choice
    away instead of in its source: green, with a failure (``MOJI_FAIL=1``), and its encoding tests one by one."""
    base = GoTestPreset(folder=folder, flags=("-v", "-count=1"))
    return [
        NamedPreset("Demo: all tests (green)", "UTF-8 Chinese test and subtest names and t.Log lines; all pass", base),
        NamedPreset(
            "Demo: with a failure (MOJI_FAIL=1)",
            "MOJI_FAIL=1 makes Test失败 fail with a Chinese message (失败：期望 3，得到 4): something for "
            "Rerun failed, Next FAIL and the failure markers to do",
            replace(base, env=(("MOJI_FAIL", "1"),), record=True),
        ),
        NamedPreset(
            "Demo: GBK bytes (-run TestGBK)",
            "TestGBK writes 你好，世界 as GBK bytes: mojibake under UTF-8; select it and Explain names the code page",
            replace(base, flags=(*base.flags, "-run", "TestGBK")),
        ),
        NamedPreset(
            "Demo: invalid and split bytes",
            "TestInvalid writes bytes that are no UTF-8 (FF FE, 80, a cut E4 BD); TestSplit splits 你 across two reads",
            replace(base, flags=(*base.flags, "-run", "TestInvalid|TestSplit")),
        ),
    ]
