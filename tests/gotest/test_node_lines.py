"""The nodes' own fields for their lines and children (no LineLog object, no children dict per test)."""

from __future__ import annotations

from app.gotest.run import MAX_LINES_PER_NODE, GoTestRun

RUN = (
    b"=== RUN   TestA\r\n"
    b"=== RUN   TestA/one\r\n"
    b"    a_test.go:3: said\r\n"
    b"--- PASS: TestA/one (0.00s)\r\n"
    b"=== RUN   TestA/two\r\n"
    b"--- PASS: TestA/two (0.00s)\r\n"
    b"--- PASS: TestA (0.00s)\r\n"
    b"=== RUN   TestB\r\n"
    b"--- PASS: TestB (0.00s)\r\n"
    b"PASS\r\n"
    b"ok  \texample.com/p\t0.01s\r\n"
)


def test_a_test_gets_a_children_dict_of_its_own_at_its_first_subtest() -> None:
    for line_by_line in (False, True):
        run = GoTestRun()
        run.line_by_line = line_by_line
        run.feed(b"$ go test -v\r\n" + RUN)
        a, one, two, b = (run.find(n) for n in ("TestA", "TestA/one", "TestA/two", "TestB"))
        assert a is not None and one is not None and two is not None and b is not None
        assert list(a.children) == ["TestA/one", "TestA/two"]
        assert one.children is two.children is b.children  # the shared empty one, never written
        assert not b.children and a.children is not b.children
        said = ["=== RUN   TestA/one", "    a_test.go:3: said", "--- PASS: TestA/one (0.00s)"]
        assert [line.text for line in one.lines] == said
        assert one.line_count == 3 and b.line_count == 2 and one.lines_dropped == 0


def test_lines_past_the_cap_are_counted_on_the_node() -> None:
    for line_by_line in (False, True):  # blocks of lines, and one line at a time
        run = GoTestRun()
        run.line_by_line = line_by_line
        run.feed(b"$ go test -v\r\n=== RUN   TestLoud\r\n" + b"    noise\r\n" * (MAX_LINES_PER_NODE + 5))
        loud = run.find("TestLoud")
        assert loud is not None
        assert loud.line_count == MAX_LINES_PER_NODE and len(loud.lines) == MAX_LINES_PER_NODE
        assert loud.lines_dropped == 6  # its === RUN line took one place
