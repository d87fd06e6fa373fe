"""The atomic file writer (issue 9, item 17): only regular files are replaced, special files are written
through (or refused), the data is synced before the rename, and two writers never share a temporary file."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from core.errors import UserError
from core.paths import write_atomically

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs need a POSIX system")


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as fifo:
            into.append(fifo.read())

    reader = threading.Thread(target=read)
    reader.start()
    return reader


def test_a_fifo_is_written_through_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    data = os.urandom(200_000)  # more than a pipe buffer holds
    for _ in range(100):  # the reader must have opened its end first
        try:
            write_atomically(fifo, data)
            break
        except UserError:
            threading.Event().wait(0.02)
    reader.join(10)
    assert got == [data]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_a_fifo_nobody_reads_is_refused_at_once_and_left_alone(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UserError, match="管道"):
        write_atomically(fifo, b"x")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_null_device_is_written_through_not_replaced(tmp_path: Path) -> None:
    """A private twin of /dev/null (same device numbers) made in tmp; the real one is never touched."""
    null = tmp_path / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (OSError, AttributeError):
        pytest.skip("cannot make a device node here (not root)")
    try:
        write_atomically(null, b"%PDF-1.4 ...")
    except UserError as exc:  # a container may forbid opening device nodes: refused is also safe
        assert "无法写入" in exc.message
    assert stat.S_ISCHR(null.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_a_folder_is_refused_not_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "out.pdf"
    folder.mkdir()
    with pytest.raises(UserError, match="文件夹"):
        write_atomically(folder, b"x")
    assert folder.is_dir()


def test_a_symlink_keeps_pointing_at_the_file_it_names(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_bytes(b"old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_atomically(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"


def test_the_data_is_synced_before_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "r.json"
    events: list[str] = []
    real_fsync, real_replace = os.fsync, Path.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(Path, "replace", lambda self, t: (events.append("rename"), real_replace(self, t))[1])
    write_atomically(out, b"data")
    assert events == ["fsync", "rename"] and out.read_bytes() == b"data"


def test_two_writers_at_once_never_collide(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    failures: list[str] = []
    start = threading.Barrier(4)

    def write(n: int) -> None:
        start.wait()
        for i in range(150):
            try:
                write_atomically(out, f"{n}:{i}".encode() * 2000)
            except UserError as exc:
                failures.append(exc.message)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    text = out.read_text()
    unit = text[: len(text) // 2000]
    assert text == unit * 2000  # one writer's whole content, never a mixture
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_a_new_file_gets_the_usual_permissions_not_private_ones(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    write_atomically(out, b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
