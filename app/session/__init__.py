"""One running or replayed session: a source, its ByteLog, a Terminal and a Recorder (DESIGN §1).

Headless (no Qt): asyncio tasks that the app runs on the Qt loop through qasync and the CLI runs
on a plain loop.  :mod:`app.session.bytelog` keeps every byte the source delivered;
:mod:`app.session.session` wires source, log, terminal and recorder together.
"""

from app.session.bytelog import ByteLog, DroppedRangeError, LoggedChunk
from app.session.session import (
    ErrorReported,
    Exited,
    OutputReceived,
    ReplayReset,
    Resized,
    Session,
    SessionEvent,
    SessionStateError,
    recording_header,
)

__all__ = [
    "ByteLog",
    "DroppedRangeError",
    "ErrorReported",
    "Exited",
    "LoggedChunk",
    "OutputReceived",
    "ReplayReset",
    "Resized",
    "Session",
    "SessionEvent",
    "SessionStateError",
    "recording_header",
]
