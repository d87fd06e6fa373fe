"""A zip member read no further than a bound, for 报送 packages: the one reader is `core.workbook`'s
(shared with the roster and the register's ledger workbooks)."""

from __future__ import annotations

from core.workbook import read_member

__all__ = ["read_member"]
