"""Throughput benchmark: our VT engine against pyte's ``HistoryScreen`` on the same bytes.

The streams are generated here (seeded, deterministic) rather than shipped as files, so the
bench needs no fixtures, any size can be asked for, and tests and profilers can reuse them::

    from app.bench import KINDS, generate
    data = generate("go-test-v", 2_000_000, seed=0)

``python -m app bench`` is :func:`app.bench.runner.main`.
"""

from app.bench.streams import KINDS, generate

__all__ = ["KINDS", "generate"]
