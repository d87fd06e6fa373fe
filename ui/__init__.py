"""The PySide6 desktop app: windows, widgets and item models over `core` data. No SQL here."""
