"""Recordings made from the window: a running session recorded from now on, and a stretch of bytes exported.

Both write what the command line writes (asciicast v2 with Mojiscope's exact-bytes extension, through the
same :class:`~app.record.cast.CastWriter` and :func:`~app.session.session.recording_header`), so a recording
started from the window replays as losslessly as ``python -m app record``'s: the output the session still
holds is written first at its original times and sizes (:meth:`Session.start_recording`).

No Qt here (the layering test checks it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from app.session.factory import RecordingOpenError
from app.session.session import Session, SessionStateError, recording_header

if TYPE_CHECKING:  # loaded when something is recorded or exported, not at start-up
    from app.record.cast import CastWriter

__all__ = ["export_range", "record_running_session"]


def record_running_session(session: Session, path: str | os.PathLike[str]) -> CastWriter:
    """Start recording ``session`` into ``path`` (the output kept so far first); returns the writer.

    Raises :class:`RecordingOpenError` when ``path`` cannot be written and :class:`SessionStateError` when the
    session is a replay, closed, or already recorded.
    """
    if session.source.kind == "replay":
        raise SessionStateError("a replay is a recording already; export its bytes instead")
    if session.recording:
        raise SessionStateError("this session is already being recorded; stop that recording first")
    cols, rows = session.size_at_log_start()
    plan = session.plan
    header = recording_header(
        session.source, cols=cols, rows=rows, plan=plan, encoding=session.terminal.encoding, cwd=session.cwd
    )
    assert header.mojiscope is not None
    header.mojiscope["started_from_window"] = True
    dropped = session.bytelog.start_offset
    if dropped:
        header.mojiscope["output_dropped_before"] = dropped  # the ByteLog's memory cap took the oldest bytes
    from app.record.cast import CastWriter

    try:
        writer = CastWriter(path, header)
    except OSError as exc:
        raise RecordingOpenError(f"{path}: {exc.strerror or exc}") from None
    try:
        session.start_recording(writer)
    except SessionStateError:
        writer.close()
        raise
    return writer


def export_range(session: Session, start: int, end: int, path: str | os.PathLike[str]) -> int:
    """Write the session's bytes ``[start, end)`` to ``path``: raw bytes, or — for a ``.cast`` name — a
    recording of the read chunks they came in (cut at the range's edges, with their times). Returns the number
    of bytes written; raises ``ValueError`` for a range the log no longer (or never) held, ``OSError`` when
    ``path`` cannot be written."""
    log = session.bytelog
    if not log.start_offset <= start < end <= log.total_bytes:
        raise ValueError(f"bytes {start}–{end} are not in the log (it holds {log.start_offset}–{log.total_bytes})")
    target = Path(path)
    if target.suffix.lower() != ".cast":
        data = log.slice(start, end)
        target.write_bytes(data)
        return len(data)
    chunks = log.chunks_in(start, end)
    t0 = chunks[0].time if chunks else 0.0
    term = session.terminal
    header = recording_header(
        session.source, cols=term.cols, rows=term.rows, plan=session.plan, encoding=term.encoding, cwd=session.cwd
    )
    assert header.mojiscope is not None
    header.mojiscope["exported_range"] = [start, end]
    written = 0
    from app.record.cast import CastWriter

    with_writer = CastWriter(target, header)
    try:
        for chunk in chunks:
            a, b = max(start, chunk.offset), min(end, chunk.end)
            piece = chunk.data[a - chunk.offset : b - chunk.offset]
            stream = None if chunk.stream == with_writer.default_stream else chunk.stream
            with_writer.output(piece, max(0.0, chunk.time - t0), stream)
            written += len(piece)
    finally:
        with_writer.close()
    return written
