"""Recordings of sessions: asciicast v2 files that asciinema plays, extended losslessly (DESIGN §5).

Standard library only, so the CLI, the replay source and tests can read and write recordings
without Qt, a terminal engine or a running loop.
"""

from app.record.cast import (
    CastFormatError,
    CastHeader,
    CastWriter,
    Event,
    ExitEvent,
    InputEvent,
    MarkerEvent,
    OtherEvent,
    OutputEvent,
    Recording,
    ResizeEvent,
    mojiscope_metadata,
    read_cast,
)

__all__ = [
    "CastFormatError",
    "CastHeader",
    "CastWriter",
    "Event",
    "ExitEvent",
    "InputEvent",
    "MarkerEvent",
    "OtherEvent",
    "OutputEvent",
    "Recording",
    "ResizeEvent",
    "mojiscope_metadata",
    "read_cast",
]
