"""One running or replayed session: a source, its ByteLog, a Terminal and a Recorder (DESIGN §1).

Headless (no Qt): asyncio tasks that the app runs on the Qt loop through qasync and the CLI runs
on a plain loop.  :mod:`app.session.bytelog` keeps every byte the source delivered.
"""
