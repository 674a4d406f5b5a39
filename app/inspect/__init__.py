"""The models behind the inspector panels, computed without Qt (DESIGN §1).

- :mod:`app.inspect.byte_view`: the Bytes panel's rows, colours and hover text over a ByteLog;
- :mod:`app.inspect.source_map`: which stream bytes wrote which screen row;
- :mod:`app.inspect.cell_trace`: the bytes that wrote one cell, by replaying a row's bytes;
- :mod:`app.inspect.probe_report`: the code page and environment reports (the ``codepage`` and ``env`` commands);
- :mod:`app.inspect.probe_poller`: those probes polled off the UI thread, with their history.

It may import the engine, the sources, the session and recordings; the widgets only show what it computes.
"""
