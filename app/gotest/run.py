"""``go test`` output → a package → test → subtest tree, fed incrementally.

DESIGN §6 (Tests panel).  The parser reads what the terminal reads: the session's byte stream, in
whatever chunks the pty delivered, so a line may arrive in pieces, end in CR LF (the pty's ONLCR),
carry colour codes (gotestsum, richgo) or belong to a shell prompt around the run.  It understands

* ``go test -v`` text: ``=== RUN/PAUSE/CONT/NAME``, ``--- PASS/FAIL/SKIP: name (0.01s)`` (indented
  for subtests), the output in between, ``ok``/``FAIL``/``?`` package lines, ``# pkg`` build output
  and ``[build failed]``;
* ``go test -json`` (test2json) events, one JSON object per line — and plain lines mixed in, because
  build errors reach a terminal as plain text on stderr even under ``-json``.

Why the parser keeps byte offsets and not just text: a click in the tree must land on the bytes the
program wrote (the Bytes panel) and on the terminal line, and both are addressed by stream offset.
Every :class:`OutputLine` therefore knows ``[start, end)`` in the session's stream and its line index.

In ``-v`` text a test's package is only named by the ``ok``/``FAIL`` line *after* its tests (``go
test`` prints each package's block whole), so tests first go into a pending package that is named
when that line arrives.  With ``-json`` every event names its package.

No Qt here (the layering test checks it).
"""

from __future__ import annotations

import collections
import enum
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

__all__ = [
    "MAX_CHANGED",
    "MAX_LINES_PER_NODE",
    "MAX_MARKERS",
    "Counts",
    "GoTestRun",
    "Marker",
    "OutputLine",
    "PackageNode",
    "Status",
    "TestNode",
]

#: Output lines kept per test or package.  A chatty test can print millions of lines (the 20 MB flood);
#: the tree needs the first line for a click and the first screenful for a tooltip, not all of them.
MAX_LINES_PER_NODE = 1000
#: A "line" longer than this without a newline is taken as it is, so a binary blast cannot grow the buffer forever.
MAX_LINE_BYTES = 1 << 20
#: Markers kept for :meth:`GoTestRun.take_markers` (the newest; older ones are counted in ``markers_dropped``).
#: The window never takes them (it gets each one through ``on_marker``), and a flood of short tests makes one per
#: ``=== RUN``: ~49,000 in the 20 MB bench stream, kept for nothing.
MAX_MARKERS = 10_000
#: Nodes kept in the set of changed ones (:meth:`GoTestRun.take_changed`) until a view takes them.  A run that no view
#: takes from (a tab the Tests panel does not show) would otherwise keep every node it ever made, replaced packages'
#: too: past this many the set is dropped and the next taker is told to look at everything.
MAX_CHANGED = 50_000


class Status(str, enum.Enum):
    """A test's or package's state.  ``PAUSED``: ``t.Parallel()`` parked it until its siblings finish."""

    RUN = "run"
    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"
    PAUSED = "paused"

    @property
    def final(self) -> bool:
        return self in _FINAL


#: The statuses a test ends in (a set: ``Status.PASS`` is a slow attribute lookup on a hot path).
_FINAL = frozenset((Status.PASS, Status.FAIL, Status.SKIP))
#: The members as module constants, for the hot paths: ``Status.FAIL`` goes through the enum's metaclass (~4x a
#: global's cost).
_RUN, _FAIL, _PAUSED = Status.RUN, Status.FAIL, Status.PAUSED


#: ``OutputLine(...)`` without the named tuple's own ``__new__`` (a Python function): a call less per line or block.
_new_tuple = tuple.__new__


class OutputLine(NamedTuple):
    """One line of the stream: ``[start, end)`` are its bytes *without* the line ending (what to select),
    ``next`` the offset after the ending, ``line_no`` the number of LFs before it (the terminal's line,
    as long as nothing moved the cursor), ``raw`` the bytes with colour codes and CRs removed.

    A named tuple, not a frozen dataclass: one is made per event line of a flood, and a frozen dataclass
    costs three times as much to make."""

    start: int
    end: int
    next: int
    line_no: int
    raw: bytes
    encoding: str = "utf-8"

    @property
    def text(self) -> str:
        return self.raw.decode(self.encoding, "replace")


class _Block(NamedTuple):
    """Plain output lines kept as the bytes they came in (every line ends in LF, none holds ESC or a CR but at
    its end): cut into :class:`OutputLine` objects only when someone reads the node's lines.

    A named tuple (made with ``tuple.__new__``): no ``__init__`` to run per block, and the garbage collector stops
    tracking a tuple of bytes, ints and a str after its first look, where a slots object is traversed for good."""

    data: bytes
    offset: int
    line_no: int
    encoding: str

    def lines(self) -> Iterator[OutputLine]:
        pos, line_no, encoding = self.offset, self.line_no, self.encoding
        for raw in self.data.split(b"\n")[:-1]:
            clean = raw.rstrip(b"\r")
            nxt = pos + len(raw) + 1
            yield OutputLine(pos, pos + len(clean), nxt, line_no, clean, encoding)
            pos = nxt
            line_no += 1


class _Lines:
    """A node's output lines (a test's or a package's): the first :data:`MAX_LINES_PER_NODE` kept, the rest only
    counted.  A base of both node classes, whose fields ``_items``, ``_count``, ``_blocks`` and ``lines_dropped``
    these methods use: the lines were a ``LineLog`` object of their own, one object more per test (and one more
    the young collections walked) for every ``=== RUN`` of a flood.

    Why not a plain list: under a flood most lines are plain output that nobody clicks or hovers, so they are
    kept as the blocks of bytes they arrived in (:meth:`add_block`) and become :class:`OutputLine` objects the
    first time :attr:`lines` is read.  A line past the cap costs nothing but a count."""

    if not TYPE_CHECKING:  # no __dict__ under the nodes' slots; the fields are the nodes' (mypy would take the
        __slots__ = ()  # empty slots as the only attributes these methods may set)
    _items: list[OutputLine | _Block]
    _count: int
    _blocks: bool
    lines_dropped: int

    def add_line(self, line: OutputLine) -> None:
        if self._count < MAX_LINES_PER_NODE:
            self._items.append(line)
            self._count += 1
        else:
            self.lines_dropped += 1

    def add_block(self, data: bytes, start: int, end: int, offset: int, line_no: int, n: int, encoding: str) -> None:
        """The ``n`` lines ``data[start:end]`` (each ending in LF, plain: see :class:`_Block`), at stream
        ``offset + start``, the first of them terminal line ``line_no``."""
        room = MAX_LINES_PER_NODE - self._count
        if n > room:
            self.lines_dropped += n - max(room, 0)
            if room <= 0:
                return
            cut = start
            for _ in range(room):
                cut = data.index(b"\n", cut) + 1
            end, n = cut, room
        self._items.append(_new_tuple(_Block, (data[start:end], offset + start, line_no, encoding)))
        self._count += n
        self._blocks = True

    def prepend_lines(self, other: _Lines) -> None:
        """Put ``other``'s lines before these (a package's build output before its tests' block)."""
        self._items[:0] = other._items
        self._count += other._count
        self._blocks = self._blocks or other._blocks

    @property
    def lines(self) -> list[OutputLine]:
        """The first :data:`MAX_LINES_PER_NODE` lines (for a test its ``=== RUN`` first; for a package what is no
        test's: build errors, ``PASS``/``FAIL``, a panic)."""
        if self._blocks:
            out: list[OutputLine] = []
            for item in self._items:
                if isinstance(item, _Block):
                    out.extend(item.lines())
                else:
                    out.append(item)
            self._items[:] = out
            self._blocks = False
        return self._items  # type: ignore[return-value]  # no _Block left in it

    @property
    def line_count(self) -> int:
        """Lines kept (read without cutting the blocks)."""
        return self._count


class _NoChildren(dict[str, "TestNode"]):
    """The children of every test that has none yet: one shared empty dict, never written (a test's first subtest
    gives it a dict of its own, :meth:`GoTestRun._test`). Most tests of a flood have no subtests, and an empty dict
    per test was an allocation more per ``=== RUN``."""

    __slots__ = ()
    __hash__ = object.__hash__  # type: ignore[assignment]  # (a dataclass takes only a hashable default)

    def __setitem__(self, key: str, value: TestNode) -> None:
        raise TypeError("the shared empty children of tests: give the test a dict of its own")


_NO_CHILDREN = _NoChildren()


@dataclass(slots=True, eq=False)
class TestNode(_Lines):
    """A test or subtest.  ``name`` is the full name Go prints (``Test加法/子测试_1``); ``attempts``
    counts ``=== RUN`` lines (``-count=N`` runs a test N times; the last attempt's result is shown).

    Compared and hashed by identity (``eq=False``): a node is a place in one run's tree, and the run keeps the set
    of nodes that changed since a view last looked (:meth:`GoTestRun.take_changed`)."""

    __test__ = False  # not a pytest test class, whatever its name says

    name: str
    package: PackageNode
    parent: TestNode | None = None
    status: Status = Status.RUN
    elapsed: float | None = None
    children: dict[str, TestNode] = _NO_CHILDREN  # its own dict from its first subtest on
    attempts: int = 0
    result_line: OutputLine | None = None
    # Its output lines (see _Lines): lines_dropped counts those past the cap.
    _items: list[OutputLine | _Block] = field(default_factory=list, repr=False)
    _count: int = field(default=0, repr=False)
    _blocks: bool = field(default=False, repr=False)
    lines_dropped: int = field(default=0, repr=False)

    @property
    def short_name(self) -> str:
        """The last element of the name (what a tree row shows under its parent)."""
        return self.name[len(self.parent.name) + 1 :] if self.parent is not None else self.name

    @property
    def first_line(self) -> OutputLine | None:
        """The first line that belongs to the test (its ``=== RUN``), else its result line."""
        return self.lines[0] if self._count else self.result_line

    @property
    def target_line(self) -> OutputLine | None:
        """Where a click on the test goes: for a failure, the failure itself — the first ``file_test.go:29:``
        line the test printed (``t.Error`` writes one), else its ``--- FAIL`` line; otherwise its first line."""
        if self.status is Status.FAIL:
            located = next((line for line in self.lines if _GO_LOCATION.search(line.raw)), None)
            return located or self.result_line or self.first_line
        return self.first_line

    def sorted_children(self) -> list[TestNode]:
        return failures_first(self.children.values())

    def walk(self) -> Iterator[TestNode]:
        yield self
        for child in self.children.values():
            yield from child.walk()


@dataclass(eq=False)
class PackageNode(_Lines):
    """A package: its tests, its result line (``ok``/``FAIL``/``?``), build output when it did not build.

    ``name`` is empty while a ``-v`` block's result line has not arrived yet.  ``order``: its place among the run's
    named packages (the order they were first named in; a package replaced by a later run takes the place of the one
    it replaced), ``-1`` while it is not named.  Compared and hashed by identity, as :class:`TestNode`."""

    name: str
    order: int = -1
    status: Status = Status.RUN
    elapsed: float | None = None
    cached: bool = False
    build_failed: bool = False
    no_test_files: bool = False
    tests: dict[str, TestNode] = field(default_factory=dict)
    all_tests: dict[str, TestNode] = field(default_factory=dict)
    result_line: OutputLine | None = None
    detail: str = ""
    # Output of the package that is no test's (see _Lines).
    _items: list[OutputLine | _Block] = field(default_factory=list, repr=False)
    _count: int = field(default=0, repr=False)
    _blocks: bool = field(default=False, repr=False)
    lines_dropped: int = field(default=0, repr=False)

    @property
    def title(self) -> str:
        return self.name or "(package not named yet)"

    @property
    def first_line(self) -> OutputLine | None:
        """Where a click on the package goes: its build errors if any, else its result line."""
        if self.build_failed and self._count:
            return self.lines[0]
        return self.result_line or (self.lines[0] if self._count else None)

    @property
    def target_line(self) -> OutputLine | None:
        return self.first_line

    def sorted_tests(self) -> list[TestNode]:
        return failures_first(self.tests.values())

    def walk(self) -> Iterator[TestNode]:
        for test in self.tests.values():
            yield from test.walk()


def failures_first(nodes: Iterable[Any]) -> list[Any]:
    """Failed nodes first, then the rest; each group in the order the run produced them (a stable sort),
    because a failure is what one came for and run order is what the terminal shows."""
    return sorted(nodes, key=lambda n: n.status is not Status.FAIL)


@dataclass(frozen=True)
class Counts:
    """Tests (subtests included, as gotestsum counts them) by status, and packages that did not build."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    running: int = 0
    paused: int = 0
    build_failed: int = 0
    packages: int = 0

    @classmethod
    def of(cls, tally: Mapping[Status, int], build_failed: int, packages: int) -> Counts:
        """The counts from tests by status (the run's own walk and the Tests panel's kept tally both give one)."""
        return cls(
            passed=tally[Status.PASS],
            failed=tally[Status.FAIL],
            skipped=tally[Status.SKIP],
            running=tally[Status.RUN],
            paused=tally[Status.PAUSED],
            build_failed=build_failed,
            packages=packages,
        )

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.skipped + self.running + self.paused

    def summary(self) -> str:
        """``"3 passed, 1 failed, 1 skipped"``: passed and failed always, the others when there are any."""
        parts = [f"{self.passed} passed", f"{self.failed} failed"]
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        if self.running:
            parts.append(f"{self.running} running")
        if self.paused:
            parts.append(f"{self.paused} paused")
        if self.build_failed:
            parts.append(f"{self.build_failed} build failed")
        return ", ".join(parts)


class Marker(NamedTuple):
    """A bookmark for the recording (``"m"`` event): ``label`` such as ``RUN Test加法`` or ``FAIL Test失败``,
    and the stream offset of the line that caused it."""

    label: str
    offset: int


# --------------------------------------------------------------------------- line patterns

_ANSI = re.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]"  # CSI
    rb"|\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC
    rb"|[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    rb"|[ -/]*[0-~])"  # two-character and charset escapes
)
_EVENT = re.compile(rb"^=== (RUN|PAUSE|CONT|NAME)\s+(.+?)\s*$")
_RESULT = re.compile(rb"^(\s*)--- (PASS|FAIL|SKIP): (.+?)(?: \((\d+(?:\.\d+)?)s\))?\s*$")
#: ``ok  \tpkg\t0.2s``, ``FAIL\tpkg\t0.2s``, ``FAIL\tpkg [build failed]``, ``?   \tpkg\t[no test files]``:
#: the tab after the word tells them from a test that prints "ok" or "FAIL".
_PACKAGE = re.compile(rb"^(ok|FAIL|\?)[ \t]*\t(\S+)(?:[ \t]+(.*?))?\s*$")
_BUILD_HEADER = re.compile(rb"^# (\S+)(?: \[\S+\])?\s*$")
_SECONDS = re.compile(r"(\d+(?:\.\d+)?)s\b")
#: The lines that may be more than output, found in one pass over a read (:meth:`GoTestRun._whole_lines`).  Each
#: match starts at the LF before its line and ends before the line's LF: a pattern that starts with a literal is
#: searched for by sre's prefix scan, not tried at every byte (``^`` with ``re.M`` costs 3x more).  Group 1: a
#: ``=== RUN   name`` line with no ESC and no CR but at its end (the name as :data:`_EVENT` takes it: up to its last
#: non-blank).  Groups 2-6: a result line as :data:`_RESULT` takes it after the ANSI strip — indent (where
#: :meth:`GoTestRun._text` looks: ``--- `` in the first 40 bytes), word, then name (4) and seconds (5), or a name
#: without seconds (6) — with at most an SGR before ``---`` and one after the word.  Why not ``(.+?)`` as in
#: :data:`_RESULT`: a lazy name tries the rest of the pattern at each of its bytes, 1.5x the cost of the whole
#: scan; the seconds can only close the line, so the longest name before them is the shortest too.  Groups 7-8: a
#: ``=== PAUSE/CONT   name`` line (``t.Parallel()``), perhaps in one SGR colour as gotestsum paints it.  The last branch
#: (no group): any other line :meth:`GoTestRun._line` may take for more than output — one starting as an event, a
#: package result, a build header or JSON does (``=``, ``o``, ``F``, ``?``, ``#``, ``{``), or with blanks and
#: ``--- `` in its first 40 bytes, or an ESC or a CR before its end (its clean text could start any way).  Every
#: line it skips is plain output.  Possessive quantifiers: no backtracking where it cannot change the result.
#: Kept in pieces: the last branch differs in :data:`_SCAN_CRLF`.
_EVENTS = (
    rb"\n(?:"
    rb"=== RUN +([^\s\x1b](?:[^\r\n\x1b]*[^\s\x1b])?)[ \t\f\v]*\r*(?=\n)"
    rb"|([ \t]{0,36}+)(?:\x1b\[[0-9;]*+m)?+--- (PASS|FAIL|SKIP)(?:\x1b\[[0-9;]*+m)?+: "
    rb"(?:([^\r\n\x1b]+) \((\d+(?:\.\d+)?)s\)|([^\r\n\x1b]*[^\s\x1b]))[ \t\f\v]*+\r*+(?=\n)"
    rb"|(?:\x1b\[[0-9;]*+m)?+=== (PAUSE|CONT) +([^\s\x1b](?:[^\r\n\x1b]*[^\s\x1b])?)"
    rb"[ \t\f\v]*+(?:\x1b\[[0-9;]*+m)?+[ \t\f\v]*+\r*+(?=\n)"
)
_SCAN = re.compile(_EVENTS + rb"|(?:[=oF?#{]|[ \t\f\v\r]{0,36}+--- |[^\n\x1b\r]*+(?:\x1b|\r[^\n]))[^\n]*+(?=\n))")
#: :data:`_SCAN` for a read where every CR ends a line (CR LF, as a pty writes), 1.4-1.6x faster: the last branch
#: does not read every line to its end for an ESC or a CR.  Without a CR inside, a line's clean text starts with its
#: first byte unless that is an ESC, so it can only be more than output if that byte can start an event, a package
#: line, a build header or JSON (``=``, ``o``, ``F``, ``?``, ``#``, ``{``), or is an ESC or ``-``, or if blanks come
#: first and then an ESC or ``-`` (an indented result).  A line with an ESC further on is plain output but not kept
#: as its bytes (its escapes are stripped): :meth:`GoTestRun._whole_lines` finds it among the plain lines it skipped
#: (one ``find`` per gap between matches) and sends those lines one at a time through :meth:`GoTestRun._line`.
_SCAN_CRLF = re.compile(_EVENTS + rb"|(?:[=oF?#{\x1b-]|[ \t\f\v]++[\x1b-])[^\n]*+(?=\n))")
#: A CR that does not end a line (a progress line redrawn in place): where one is, :data:`_SCAN` and not
#: :data:`_SCAN_CRLF` (a search, 2.5x faster than comparing the counts of CR and CR LF).
_INNER_CR = re.compile(rb"\r[^\n]")
#: A source location as Go's testing package prints it before a t.Error/t.Log message: ``name_test.go:29:``.
_GO_LOCATION = re.compile(rb"(?<![\w.\-])[\w.\-]+\.go:\d+:")
_STATUS_WORD = {b"PASS": Status.PASS, b"FAIL": Status.FAIL, b"SKIP": Status.SKIP}
_JSON_ACTIONS = {"pass": Status.PASS, "fail": Status.FAIL, "skip": Status.SKIP}


def _indent(raw: bytes) -> int:
    return len(raw) - len(raw.lstrip(b" \t"))


# --------------------------------------------------------------------------- the parser


class GoTestRun:
    """The tree of one or more ``go test`` runs, built from the stream as it arrives.

    :meth:`feed` takes the bytes (or text) of each read with its stream offset; :meth:`finish` takes
    the unterminated last line when the session ends.  ``encoding`` decodes names and output (Go
    writes UTF-8; a session decoding as GBK can parse as GBK).  ``on_marker`` is called with each
    :class:`Marker` as it is found; :meth:`take_markers` returns the ones found since the last call (the newest
    ``max_markers`` of them: the rest are counted in :attr:`markers_dropped`).
    :attr:`generation` grows on every change, so a view can tell whether to refresh.
    """

    def __init__(
        self,
        encoding: str = "utf-8",
        on_marker: Callable[[Marker], None] | None = None,
        *,
        mark_subtests: bool = False,
        max_markers: int = MAX_MARKERS,
    ) -> None:
        self.encoding = encoding
        self.on_marker = on_marker
        #: Whether a subtest's start is a marker too (failures always are); a table test with a thousand
        #: rows would otherwise bury the markers a replay jumps between.
        self.mark_subtests = mark_subtests
        self.packages: dict[str, PackageNode] = {}
        self.generation = 0
        self._pending: PackageNode | None = None
        self._current: TestNode | None = None
        self._report: tuple[TestNode, int] | None = None
        self._build: PackageNode | None = None
        self._buffer = bytearray()
        self._buffer_start = 0
        self._pos: int | None = None
        self._line_no = 0
        self._markers: collections.deque[Marker] = collections.deque(maxlen=max_markers)
        #: Markers found but no longer kept for :meth:`take_markers` (``on_marker`` got every one).
        self.markers_dropped = 0
        self._order: list[PackageNode] = []
        #: Nodes whose row may look different since a view last looked (new ones, a status, a time, a package's name
        #: or result): an insertion-ordered set, so new nodes come in the order they were made (run order).
        self._changed: dict[TestNode | PackageNode, None] = {}
        self._changed_overflow = False
        #: Parse every line on its own (the simple way the fast one is held to by the tests), not in blocks.
        self.line_by_line = False

    # ------------------------------------------------------------------ input

    def feed(self, data: bytes | str, offset: int | None = None) -> None:
        """Take one read.  ``offset``: where ``data`` starts in the stream (``None``: right after the last
        read).  A gap or an overlap drops the unfinished line, which cannot be joined across it."""
        if isinstance(data, str):
            data = data.encode(self.encoding, "surrogateescape")
        if offset is None:
            offset = 0 if self._pos is None else self._pos
        elif self._pos is not None and offset != self._pos:
            self._buffer.clear()
        if not self._buffer:
            self._buffer_start = offset
        self._pos = offset + len(data)
        if not data:
            return
        if len(self._changed) > MAX_CHANGED:  # nobody takes them (see MAX_CHANGED): once per read, not per node
            self._changed.clear()
            self._changed_overflow = True
        start = 0
        if self._buffer:  # the line the last read left unfinished
            nl = data.find(b"\n")
            if nl >= 0:
                self._buffer += data[:nl]
                raw, line_start = bytes(self._buffer), self._buffer_start
                self._buffer.clear()
                self._line(raw, line_start, offset + nl + 1)
                start = nl + 1
            else:
                start = len(data)
                self._buffer += data
        end = data.rfind(b"\n", start) + 1 if start < len(data) else 0
        if end > start:
            if self.line_by_line:
                self._each_line(data, start, end, offset)
            else:
                self._whole_lines(data, start, end, offset)
            start = end
        if start < len(data):
            if not self._buffer:
                self._buffer_start = offset + start
            self._buffer += data[start:]
        if len(self._buffer) > MAX_LINE_BYTES:
            raw = bytes(self._buffer)
            self._buffer.clear()
            self._line(raw, self._buffer_start, self._buffer_start + len(raw), newline=False)

    def _each_line(self, data: bytes, start: int, end: int, offset: int) -> None:
        """The simple way: every line of ``data[start:end]`` (whole lines) through :meth:`_line`."""
        while start < end:
            nl = data.index(b"\n", start)
            self._line(data[start:nl], offset + start, offset + nl + 1)
            start = nl + 1

    def _whole_lines(self, data: bytes, start: int, end: int, offset: int) -> None:
        """The fast way, same result (a hypothesis test holds it to :meth:`_each_line`).  One compiled regex
        (:data:`_SCAN`) finds, in C, the lines that may mean something; Python runs once per such line, never per
        plain line.  ``=== RUN/PAUSE/CONT`` and ``--- PASS/FAIL/SKIP`` in their common shapes are taken from the scan's
        own groups, here, inline (most lines of a flood of short tests are these: a call or an object less per event
        is what the fast way is for); every other candidate goes through :meth:`_line`.  The plain lines between
        them go to whichever node takes output now, as one block (:meth:`_plain_lines`) — and a plain ``=== RUN``
        line opens the block of its own test's output: it is kept as bytes like them, no :class:`OutputLine`."""
        if start == 0:  # no LF before the first line for the scan to start at: that line goes the simple way
            nl = data.index(b"\n")
            self._line(data[:nl], offset, offset + nl + 1)
            start = nl + 1
            if start >= end:
                return
        plain = start
        changes = 0
        encoding = self.encoding
        opened: TestNode | None = None  # the test whose === RUN line starts the plain lines from `plain` on
        scan = _SCAN if _INNER_CR.search(data, start, end) else _SCAN_CRLF
        for m in scan.finditer(data, start - 1, end):
            s = m.start() + 1  # the match starts at the LF before its line
            kind = m.lastindex
            if s > plain:  # plain lines (and perhaps a === RUN first): a block for the node that takes output now
                if self._report is None and data.find(b"\x1b", plain, s) < 0:  # as _plain_lines does, without a call
                    n = data.count(b"\n", plain, s)
                    target = self._build or self._current or self._pending
                    if target is not None:
                        if target._count + n <= MAX_LINES_PER_NODE:  # _Lines.add_block, without the call
                            block = (data[plain:s], offset + plain, self._line_no, encoding)
                            target._items.append(_new_tuple(_Block, block))
                            target._count += n
                            target._blocks = True
                        else:
                            target.add_block(data, plain, s, offset, self._line_no, n, encoding)
                        changes += 1
                    self._line_no += n
                else:
                    self._plain_lines(data, plain, s, offset, opened)
                opened = None
            if kind == 1:  # === RUN   name: as _text → _on_event → _apply_event take it
                plain = s  # the line stays in the gap: the first line of the block of the test's output
                self._build = self._report = None
                pkg = self._pending or self._pending_package()
                name = m[1].decode(encoding, "replace")  # m[i], not m.group(i): no tuple of arguments
                test = self._test(pkg, name)  # mostly a new one
                test.attempts += 1
                if test.status in _FINAL:  # -count=N: a new attempt starts over
                    test.status, test.elapsed, test.result_line = _RUN, None, None
                    self._changed[test] = None
                if test.parent is None or self.mark_subtests:
                    self._mark(f"RUN {name}", offset + s)
                self._current = opened = test
                changes += 1
                continue
            plain = m.end() + 1
            if kind is None:
                self._line(data[s : plain - 1], offset + s, offset + plain)
                continue
            text = data[s : plain - 1].rstrip(b"\r")
            # find, not `in`: bytes.__contains__ first tries the argument as an int and raises (a TypeError per call)
            clean = text if text.find(b"\x1b") < 0 else _ANSI.sub(b"", text)
            line = _new_tuple(
                OutputLine, (offset + s, offset + s + len(text), offset + plain, self._line_no, clean, encoding)
            )
            self._line_no += 1
            pkg = self._pending or self._pending_package()
            if kind == 8:  # === PAUSE/CONT   name, perhaps coloured: as _text → _on_event → _apply_event take it
                self._build = self._report = None
                test = self._test(pkg, m[8].decode(encoding, "replace"))
                test.status = _PAUSED if m[7] == b"PAUSE" else _RUN
                self._changed[test] = None
                test.add_line(line)
                self._current = test
                changes += 1
                continue
            # --- PASS/FAIL/SKIP: name (0.01s), perhaps coloured: as _text → _result take it
            self._build = None
            if kind == 5:  # with its seconds
                name = m[4].decode(encoding, "replace")
                test = pkg.all_tests.get(name) or self._test(pkg, name)
                test.elapsed = float(m[5])
            else:
                name = m[6].decode(encoding, "replace")
                test = pkg.all_tests.get(name) or self._test(pkg, name)
            status = _STATUS_WORD[m[3]]
            test.status = status
            test.result_line = line
            self._changed[test] = None
            if status is _FAIL:
                self._mark(f"FAIL {name}", offset + s)
            test.add_line(line)
            # Output after this belongs to whatever still runs: the innermost unfinished test around the current one.
            current = self._current
            while current is not None and (current.status in _FINAL or current is test):
                current = current.parent
            self._current = current
            self._report = (test, len(m[2]))
            changes += 1
        if end > plain:
            self._plain_lines(data, plain, end, offset, opened)
        self.generation += changes

    def _plain_lines(self, data: bytes, start: int, end: int, offset: int, opened: TestNode | None = None) -> None:
        """Whole lines that are no event and no JSON, and hold no CR but at their end: what :meth:`_plain` does to
        each, done to all at once — except right after a result line, where each line's indent decides
        (``_report``), and where a line holds an ESC (kept without its escapes, so not as the bytes that came): then
        one at a time, through :meth:`_line`.  ``opened``: the lines start with that test's ``=== RUN`` line (no
        ESC), already taken as an event: in a block it is the block's first line, else it is added first."""
        if opened is not None and data.find(b"\x1b", start, end) >= 0:
            nl = data.index(b"\n", start)
            text = data[start:nl].rstrip(b"\r")
            stop = offset + start + len(text)
            opened.add_line(OutputLine(offset + start, stop, offset + nl + 1, self._line_no, text, self.encoding))
            self._line_no += 1
            self.generation += 1
            start = nl + 1
        while self._report is not None and start < end:
            nl = data.index(b"\n", start)
            self._line(data[start:nl], offset + start, offset + nl + 1)
            start = nl + 1
        if start >= end:
            return
        if data.find(b"\x1b", start, end) >= 0:
            self._each_line(data, start, end, offset)
            return
        n = data.count(b"\n", start, end)
        target = self._build or self._current or self._pending
        if target is not None:
            target.add_block(data, start, end, offset, self._line_no, n, self.encoding)
            self.generation += 1
        self._line_no += n

    def finish(self) -> None:
        """The stream ended: parse the last line even though no newline came."""
        if self._buffer:
            raw = bytes(self._buffer)
            self._buffer.clear()
            self._line(raw, self._buffer_start, self._buffer_start + len(raw), newline=False)

    # ------------------------------------------------------------------ results

    def sorted_packages(self) -> list[PackageNode]:
        """Packages, failures first; a package still being parsed last, where it appears in the terminal."""
        named = failures_first(self._order)
        if self._pending is not None and self._pending.tests:
            named.append(self._pending)
        return named

    def all_packages(self) -> list[PackageNode]:
        return self.sorted_packages()

    @property
    def pending_package(self) -> PackageNode | None:
        """The ``-v`` block whose package is not named yet, once it has a test (what :meth:`sorted_packages` lists
        last), else ``None``."""
        pending = self._pending
        return pending if pending is not None and pending.tests else None

    def listed(self, pkg: PackageNode) -> bool:
        """Whether ``pkg`` is one of :meth:`sorted_packages` (not replaced by a later run of its name), without
        making the list."""
        if pkg.order >= 0:
            return pkg.order < len(self._order) and self._order[pkg.order] is pkg
        return pkg is self._pending and bool(pkg.tests)

    def take_changed(self) -> list[TestNode | PackageNode] | None:
        """The nodes whose row may look different since the last call (made, or their status, time, name or result
        changed): new tests in the order they were made, each parent before its children.  ``None`` when too many
        changed for the set to be kept (:data:`MAX_CHANGED`): look at every node.  One view takes them: the Tests
        panel showing this run (a second taker would see only what the first left)."""
        changed = None if self._changed_overflow else list(self._changed)
        self._changed.clear()
        self._changed_overflow = False
        return changed

    def tests(self) -> Iterator[TestNode]:
        """Every test and subtest, in run order within each package."""
        for pkg in self.all_packages():
            yield from pkg.walk()

    def find(self, name: str, package: str | None = None) -> TestNode | None:
        """The test called ``name`` (full name), in ``package`` if given."""
        for pkg in self.all_packages():
            if package is None or pkg.name == package:
                node = pkg.all_tests.get(name)
                if node is not None:
                    return node
        return None

    def counts(self) -> Counts:
        tally = dict.fromkeys(Status, 0)
        for test in self.tests():
            tally[test.status] += 1
        packages = self.all_packages()
        return Counts.of(tally, sum(p.build_failed for p in packages), len(packages))

    def failed_tests(self) -> list[TestNode]:
        return [t for t in self.tests() if t.status is Status.FAIL]

    def take_markers(self) -> list[Marker]:
        """The markers found since the last call, oldest first (at most ``max_markers``: the newest)."""
        out = list(self._markers)
        self._markers.clear()
        return out

    # ------------------------------------------------------------------ lines

    def _line(self, raw: bytes, start: int, nxt: int, newline: bool = True) -> None:
        clean = raw.rstrip(b"\r")
        end = (nxt - 1 if newline else nxt) - (len(raw) - len(clean))
        if clean.find(b"\x1b") >= 0:  # find, not `in` (see _whole_lines)
            clean = _ANSI.sub(b"", clean)
        if clean.find(b"\r") >= 0:  # a progress line redrawn in place: the terminal shows what came last
            clean = clean.rsplit(b"\r", 1)[1]
        line = OutputLine(start, end, nxt, self._line_no, clean, self.encoding)
        if newline:
            self._line_no += 1
        if (clean.startswith(b"{") and b'"Action"' in clean and self._json(line)) or self._text(line):
            self.generation += 1

    def _text(self, line: OutputLine) -> bool:
        """A ``-v`` line; ``False`` when it is not part of any run (a prompt, the command line)."""
        raw = line.raw
        head = raw[:4]
        if head == b"=== ":
            m = _EVENT.match(raw)
            if m:
                self._build = None
                self._report = None
                self._on_event(m.group(1), self._decode(m.group(2)), line)
                return True
        elif raw.find(b"--- ", 0, 40) >= 0:
            m = _RESULT.match(raw)
            if m:
                self._build = None
                name = self._decode(m.group(3))
                seconds = float(m.group(4)) if m.group(4) else None
                test = self._result(name, _STATUS_WORD[m.group(2)], seconds, line)
                self._report = (test, _indent(raw))
                return True
        elif head in (b"ok  ", b"ok\t", b"FAIL", b"?   ", b"?\t"):
            m = _PACKAGE.match(raw)
            if m:
                self._build = None
                self._package_result(m, line)
                return True
        elif head[:2] == b"# ":
            m = _BUILD_HEADER.match(raw)
            if m:
                pkg = self._named_package(self._decode(m.group(1)))
                pkg.add_line(line)
                self._build = pkg
                return True
        return self._plain(line)

    def _plain(self, line: OutputLine) -> bool:
        """Output that is no event: build errors, a test's own output, or the package's (``PASS``, panics)."""
        if self._build is not None:
            self._build.add_line(line)
            return True
        if self._report is not None:
            test, indent = self._report
            if _indent(line.raw) > indent and line.raw.strip():
                test.add_line(line)  # without -v, a failure's log lines come indented under its --- FAIL
                return True
            self._report = None
        if self._current is not None:
            self._current.add_line(line)
        elif self._pending is not None:
            self._pending.add_line(line)
        else:
            return False  # a prompt, the command line, or anything else around the run
        return True

    # ------------------------------------------------------------------ -v text events

    def _pending_package(self) -> PackageNode:
        if self._pending is None:
            self._pending = PackageNode("")
        return self._pending

    def _test(self, pkg: PackageNode, name: str) -> TestNode:
        """The test ``name`` in ``pkg``, created with its parents (a subtest's ``=== RUN`` may be the first
        thing seen of its parent when the stream was joined midway)."""
        node = pkg.all_tests.get(name)
        if node is not None:
            return node
        parent_name, sep, _ = name.rpartition("/")
        parent = (pkg.all_tests.get(parent_name) or self._test(pkg, parent_name)) if sep and parent_name else None
        node = TestNode(name, pkg, parent)
        pkg.all_tests[name] = node
        if parent is None:
            pkg.tests[name] = node
        elif parent.children is _NO_CHILDREN:  # its first subtest: a dict of its own
            parent.children = {name: node}
        else:
            parent.children[name] = node
        self._changed[node] = None
        return node

    def _on_event(self, kind: bytes, name: str, line: OutputLine) -> None:
        test = self._test(self._pending_package(), name)
        self._apply_event(test, kind.decode("ascii").lower(), line)
        self._current = test

    def _apply_event(self, test: TestNode, kind: str, line: OutputLine) -> None:
        self._changed[test] = None
        if kind == "run":
            test.attempts += 1
            if test.status in _FINAL:  # -count=N: a new attempt starts over
                test.status, test.elapsed, test.result_line = Status.RUN, None, None
            if test.parent is None or self.mark_subtests:
                self._mark(f"RUN {test.name}", line.start)
        elif kind == "pause":
            test.status = Status.PAUSED
        elif kind == "cont":
            test.status = Status.RUN
        test.add_line(line)

    def _result(self, name: str, status: Status, seconds: float | None, line: OutputLine) -> TestNode:
        test = self._test(self._pending_package(), name)
        self._finish_test(test, status, seconds, line)
        test.add_line(line)
        # Output after this belongs to whatever still runs: the innermost unfinished test around the current one.
        current = self._current
        while current is not None and (current.status in _FINAL or current is test):
            current = current.parent
        self._current = current
        return test

    def _finish_test(self, test: TestNode, status: Status, seconds: float | None, line: OutputLine | None) -> None:
        """Record a result; ``line`` (the ``--- FAIL`` line or the JSON event) is where a failure marker points."""
        test.status = status
        self._changed[test] = None
        if seconds is not None:
            test.elapsed = seconds
        if line is not None:
            test.result_line = line
        if status is Status.FAIL:
            self._mark(f"FAIL {test.name}", line.start if line is not None else (self._pos or 0))

    def _package_result(self, m: re.Match[bytes], line: OutputLine) -> None:
        word, name, tail = m.group(1), m.group(2), m.group(3) or b""
        pkg = self._pending if self._pending is not None and self._pending.tests else None
        self._pending = None
        pkg = self._adopt(self._decode(name), pkg)
        self._apply_package_result(
            pkg, {b"ok": Status.PASS, b"FAIL": Status.FAIL}.get(word, Status.SKIP), self._decode(tail), line
        )
        self._current = None
        self._report = None

    def _apply_package_result(self, pkg: PackageNode, status: Status, tail: str, line: OutputLine | None) -> None:
        self._changed[pkg] = None
        pkg.status = status
        pkg.detail = tail
        pkg.cached = "(cached)" in tail
        pkg.no_test_files = "[no test files]" in tail
        if "[build failed]" in tail or "[setup failed]" in tail:
            pkg.build_failed = True
        m = _SECONDS.match(tail)
        if m:
            pkg.elapsed = float(m.group(1))
        if line is not None:
            pkg.result_line = line
        if status is Status.FAIL:
            for test in pkg.walk():  # a panic or a timeout ends the binary: whatever still runs has failed
                if test.status not in _FINAL:
                    self._finish_test(test, Status.FAIL, None, None)
            label = f"FAIL {pkg.name} [build failed]" if pkg.build_failed else f"FAIL {pkg.name}"
            self._mark(label, line.start if line is not None else (self._pos or 0))

    def _named_package(self, name: str) -> PackageNode:
        pkg = self.packages.get(name)
        if pkg is None:
            pkg = PackageNode(name, len(self._order))
            self.packages[name] = pkg
            self._order.append(pkg)
            self._changed[pkg] = None
        return pkg

    def _adopt(self, name: str, block: PackageNode | None) -> PackageNode:
        """Name the pending ``-v`` block.  A package already known by that name is replaced when it had a
        result (an earlier run in the same shell: the latest run wins); build output it had is kept."""
        old = self.packages.get(name)
        if block is None:
            if old is not None and old.result_line is None:
                return old
            block = PackageNode(name)
        block.name = name
        if old is not None:
            if old.result_line is None:
                block.prepend_lines(old)
                block.build_failed = block.build_failed or old.build_failed
            block.order = old.order  # its place: a view drops the old one's row when the new one takes it
            self._order[old.order] = block
            changed = self._changed
            # It and its tests will have no row: not kept for a view.  Kept, they outlived the young collections (the
            # package in the set held them all): 7% more instructions for the model on a flood, all in the collector.
            if changed:
                changed.pop(old, None)
                for test in old.all_tests.values():
                    changed.pop(test, None)
        else:
            block.order = len(self._order)
            self._order.append(block)
        self.packages[name] = block
        self._changed[block] = None
        return block

    # ------------------------------------------------------------------ -json events

    def _json(self, line: OutputLine) -> bool:
        try:
            event = json.loads(line.raw.decode("utf-8", "replace"))  # test2json writes UTF-8 whatever the names were
        except ValueError:
            return False
        if not isinstance(event, dict) or not isinstance(event.get("Action"), str):
            return False
        action: str = event["Action"]
        pkg_name = event.get("Package") or event.get("ImportPath") or ""
        if not isinstance(pkg_name, str):
            return False
        self._build = None
        if action in ("build-output", "build-fail"):  # Go 1.21+: build errors as events too
            pkg = self._named_package(pkg_name.split(" ", 1)[0])
            if action == "build-fail":
                pkg.build_failed = True
                self._changed[pkg] = None
            else:
                pkg.add_line(line)
            return True
        pkg = self._named_package(pkg_name)
        name = event.get("Test")
        elapsed = event.get("Elapsed")
        seconds = float(elapsed) if isinstance(elapsed, (int, float)) else None
        if isinstance(name, str) and name:
            test = self._test(pkg, name)
            if action in ("run", "pause", "cont"):
                self._apply_event(test, action, line)
            elif action in _JSON_ACTIONS:
                self._finish_test(test, _JSON_ACTIONS[action], seconds, line)
                test.result_line = self._last_result_line(test) or line
            elif action == "output":
                test.add_line(line)
            return True
        if action in _JSON_ACTIONS:
            out = pkg.result_line
            tail = pkg.detail
            self._apply_package_result(pkg, _JSON_ACTIONS[action], tail, out or line)
            if seconds is not None:
                pkg.elapsed = seconds
        elif action == "output":
            output = event.get("Output")
            text = output if isinstance(output, str) else ""
            m = _PACKAGE.match(text.rstrip("\n").encode(self.encoding, "replace"))
            if m:  # the "ok/FAIL pkg time" line: keep it as the package's result line
                self._changed[pkg] = None
                pkg.result_line = line
                pkg.detail = self._decode(m.group(3) or b"")
                pkg.cached = "(cached)" in pkg.detail
                if "[build failed]" in pkg.detail or "[setup failed]" in pkg.detail:
                    pkg.build_failed = True
            else:
                pkg.add_line(line)
        return True

    @staticmethod
    def _last_result_line(test: TestNode) -> OutputLine | None:
        """In ``-json`` the ``--- FAIL`` text comes as an output event just before the fail event: the result line."""
        for line in reversed(test.lines[-3:]):
            if b"--- " in line.raw:
                return line
        return None

    # ------------------------------------------------------------------ helpers

    def _decode(self, raw: bytes) -> str:
        return raw.decode(self.encoding, "replace")

    def _mark(self, label: str, offset: int) -> None:
        marker = _new_tuple(Marker, (label, offset))
        markers = self._markers
        if len(markers) == markers.maxlen:
            self.markers_dropped += 1
        markers.append(marker)
        if self.on_marker is not None:
            self.on_marker(marker)
