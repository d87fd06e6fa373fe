"""The PySide6 desktop app: windows, widgets and item models over `core` data. No SQL here.

The app runs on Python 3.12 or later only: PySide6 6.12.0 drops a reference to `True`/`None` on every
signal emit and every empty `data()` role, which aborts the app on 3.11 but is harmless where those
objects are immortal (3.12+). tests/test_ui_tables.py keeps a canary that emits thousands of signals.
"""
