"""The go test model: ``go test -v``/``-json`` output parsed into packages → tests → subtests
(:mod:`app.gotest.run`), and the launch presets with "rerun failed" (:mod:`app.gotest.presets`).

Headless and Qt-free; the Tests panel shows it, the session tabs feed it, recordings get its markers.
"""

from app.gotest.presets import (
    GoTestLaunch,
    GoTestPreset,
    NamedPreset,
    demo_presets,
    escape_run_element,
    rerun_pattern,
)
from app.gotest.run import (
    MAX_LINES_PER_NODE,
    MAX_MARKERS,
    Counts,
    GoTestRun,
    Marker,
    OutputLine,
    PackageNode,
    Status,
    TestNode,
)

__all__ = [
    "MAX_LINES_PER_NODE",
    "MAX_MARKERS",
    "Counts",
    "GoTestLaunch",
    "GoTestPreset",
    "GoTestRun",
    "Marker",
    "NamedPreset",
    "OutputLine",
    "PackageNode",
    "Status",
    "TestNode",
    "demo_presets",
    "escape_run_element",
    "rerun_pattern",
]
