"""Locations and links in the output: what Ctrl+click would open, judged and resolved before anything opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.inspect.links import check_link, location_at, logical_line, resolve_location
from app.vt import Terminal


def term(data: bytes | str, cols: int = 60, rows: int = 4) -> Terminal:
    t = Terminal(cols=cols, rows=rows)
    t.feed(data.encode() if isinstance(data, str) else data)
    return t


@pytest.mark.parametrize(
    ("line", "col", "path", "number", "column"),
    [
        ("    mojidemo_test.go:29: 失败：期望 3，得到 4", 8, "mojidemo_test.go", 29, None),
        ("./cmd/main.go:12:5: undefined: x", 3, "./cmd/main.go", 12, 5),
        ("\t/home/u/src/x/y.go:123 +0x1d", 12, "/home/u/src/x/y.go", 123, None),
        ("C:\\src\\m\\a_test.go:7: boom", 5, "C:\\src\\m\\a_test.go", 7, None),
        ("    测试_test.go:3: 你好", 6, "测试_test.go", 3, None),
    ],
)
def test_locations_as_go_and_compilers_print_them(
    line: str, col: int, path: str, number: int, column: int | None
) -> None:
    t = term(line)
    found = location_at(t, (0, col))
    assert found is not None
    assert (found.path, found.line, found.col) == (path, number, column)
    assert found.start[0] == 0 and found.start[1] <= col <= found.end[1]


def test_not_locations() -> None:
    t = term("GET http://example.com:8080/x ok; time 12:30:45; v1.2:3")
    assert all(location_at(t, (0, c)) is None for c in range(60))
    assert location_at(term("main.go:12: x"), (0, 11)) is None  # past the location: the message


def test_a_long_path_broken_by_the_margin_is_one_location() -> None:
    t = term("\t/home/user/go/src/example.com/project/pkg/thing_test.go:42 +0x1f", cols=30, rows=4)
    text, cells = logical_line(t, 1)
    assert text.startswith("        /home/user") and len(text) == len(cells)
    found = location_at(t, (1, 5))
    assert found is not None and found.path.endswith("pkg/thing_test.go") and found.line == 42
    assert found.start[0] == 0 and found.end[0] == 2  # 8 + 57 cells over rows of 30
    assert location_at(t, (0, 12)) == found  # the same location from its first row


@pytest.mark.parametrize(
    ("uri", "allowed", "text"),
    [
        ("https://pkg.go.dev/testing", True, "https://pkg.go.dev/testing"),
        ("http://localhost:6060/pkg/", True, "http://localhost:6060/pkg/"),
        ("file:///tmp/a%20b.go", True, "/tmp/a b.go"),
        ("file://otherhost/etc/passwd", False, "refused: a file on another machine (otherhost)"),
        ("javascript:alert(1)", False, "refused: only http, https and file links open (javascript:)"),
        ("data:text/html,<b>x</b>", False, "refused: only http, https and file links open (data:)"),
        ("vscode://file/x", False, "refused: only http, https and file links open (vscode:)"),
        ("https:///nohost", False, "refused: a web link without a host"),
        ("just text", False, "refused: only http, https and file links open (no scheme:)"),
    ],
)
def test_links_are_judged_before_opening(uri: str, allowed: bool, text: str) -> None:
    verdict = check_link(uri)
    assert (verdict.allowed, verdict.text) == (allowed, text)


def test_resolving_a_location(tmp_path: Path) -> None:
    pkg = tmp_path / "mod" / "pkg" / "inner"
    pkg.mkdir(parents=True)
    target = pkg / "thing_test.go"
    target.write_text("package inner\n")
    (tmp_path / "mod" / ".git").mkdir()
    (tmp_path / "mod" / ".git" / "thing_test.go").write_text("not this one")
    base = str(tmp_path / "mod")
    assert resolve_location(str(target), []) == str(target)  # absolute
    assert resolve_location("pkg/inner/thing_test.go", [base]) == str(target)  # relative to the base
    assert resolve_location("thing_test.go", [base]) == str(target)  # searched for by name, .git skipped
    assert resolve_location("inner/thing_test.go", [base]) == str(target)
    assert resolve_location("other/thing_test.go", [base]) is None  # the name matches, the folder does not
    assert resolve_location("../etc/passwd.go", [base]) is None
    assert resolve_location("a;rm -rf.go", [base]) is None  # not a plain path
    assert resolve_location("thing_test.go", [base], limit=2) is None  # the search is bounded
