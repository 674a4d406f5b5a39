"""ICH and DCH on one row (``Line.insert_blanks``, ``Line.delete_cells``) against the slice-by-slice code they replaced.

The row's styles are edited in place (open or drop the cells, a reference count per cell touched) instead of rebuilt
from slices of the whole span; the reference below is the rebuilding code, unchanged, run on a copy of the same row:
rows with wide characters (cut or not at the cursor, at the margin and by the count), styles or none, combining
marks, every cursor, margin, count and background.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.vt.row import BLANK, PH, Line

COLS = 10


def _unsplit(line: Line, x: int) -> None:
    t = line.text
    if 0 < x < len(t) and t[x] == PH:
        line.text = t[: x - 1] + BLANK + BLANK + t[x + 1 :]
        if line.marks:
            line.drop_marks(x - 1, x + 1)


def _reference_insert(line: Line, x: int, count: int, bsid: int, cols: int, end: int) -> None:
    _unsplit(line, x)
    _unsplit(line, end)
    t = line.text
    width = end - x
    shifted = BLANK * count + t[x:end]
    kept = shifted[:width]
    cut = len(shifted) > width and shifted[width] == PH
    if cut:
        kept = kept[:-1] + BLANK
    line.text = t[:x] + kept + t[end:]
    if line.styles is not None or bsid:
        styles = line.styles if line.styles is not None else [0] * cols
        styles[x:end] = ([bsid] * count + styles[x:end])[:width]
        line.styles = styles
    if line.marks:
        moved: dict[int, str] = {}
        for k, m in line.marks.items():
            if x <= k < end:
                k += count
                if k >= end:
                    continue
            moved[k] = m
        if cut:
            moved.pop(end - 1, None)
        line.marks = moved or None


def _reference_delete(line: Line, x: int, count: int, bsid: int, cols: int, end: int) -> None:
    _unsplit(line, x)
    _unsplit(line, end)
    t = line.text
    seg = t[x:end]
    if count < len(seg) and seg[count] == PH:
        seg = seg[:count] + BLANK + seg[count + 1 :]
    line.text = t[:x] + seg[count:] + BLANK * count + t[end:]
    if line.styles is not None or bsid:
        styles = line.styles if line.styles is not None else [0] * cols
        styles[x:end] = styles[x + count : end] + [bsid] * count
        line.styles = styles
    if line.marks:
        line.marks = {
            (k - count if x + count <= k < end else k): m for k, m in line.marks.items() if not x <= k < x + count
        } or None


@st.composite
def _line(draw: st.DrawFn) -> Line:
    text = ""
    while len(text) < COLS:
        if len(text) < COLS - 1 and draw(st.booleans()):
            text += "中" + PH
        else:
            text += draw(st.sampled_from("ab "))
    styles = draw(st.one_of(st.none(), st.lists(st.integers(0, 3), min_size=COLS, max_size=COLS)))
    marked = [k for k in range(COLS) if text[k] != PH]
    marks = draw(st.dictionaries(st.sampled_from(marked), st.just("\u0301"), max_size=3))
    return Line(text, styles, marks or None)


def _copy(line: Line) -> Line:
    return Line(line.text, None if line.styles is None else list(line.styles), dict(line.marks or {}) or None)


def _state(line: Line) -> tuple[str, list[int] | None, dict[int, str] | None]:
    return line.text, line.styles, line.marks


@settings(max_examples=600, deadline=None)
@given(_line(), st.data(), st.sampled_from([0, 7]), st.booleans())
def test_insert_and_delete_leave_what_the_rebuilding_code_leaves(
    line: Line, data: st.DataObject, bsid: int, delete: bool
) -> None:
    end = data.draw(st.integers(1, COLS))
    x = data.draw(st.integers(0, end - 1))
    count = data.draw(st.integers(1, end - x))  # the callers clamp the count to the span
    expected = _copy(line)
    if delete:
        _reference_delete(expected, x, count, bsid, COLS, end)
        line.delete_cells(x, count, bsid, COLS, end)
    else:
        _reference_insert(expected, x, count, bsid, COLS, end)
        line.insert_blanks(x, count, bsid, COLS, end)
    assert _state(line) == _state(expected)
    assert len(line.text) == COLS
    assert line.styles is None or len(line.styles) == COLS
