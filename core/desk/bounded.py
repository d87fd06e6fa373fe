"""A zip member read no further than a bound: what its header declares may lie, and a small file may
unpack to gigabytes (a zip bomb). Used for 报送 packages and roster workbooks."""

from __future__ import annotations

import zipfile

from core.errors import UserError


def read_member(archive: zipfile.ZipFile, name: str, limit: int, too_big: str) -> bytes:
    """The member `name`, or a `UserError(too_big)` once it is declared or found larger than `limit`."""
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise UserError(too_big)
    with archive.open(info) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise UserError(too_big)
    return data
