"""Writing files (:mod:`digest.files`): atomic writes, all-or-nothing sets of
files, locks between processes and the leftovers of a killed build. Real files
in ``tmp_path``; a real write error from the operating system (a file size
limit) rather than a stand-in."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import resource
import shutil
import signal
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from digest.files import (
    LockedError,
    StagedFiles,
    file_lock,
    remove_leftovers,
    write_atomic,
    write_outputs,
)


def listing(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@contextlib.contextmanager
def file_size_limit(size: int) -> Iterator[None]:
    """Writes past ``size`` bytes fail with EFBIG, as on a full disk."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


# -- write_atomic -----------------------------------------------------------------


def test_an_atomic_write_makes_its_folder_and_a_readable_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "feed.xml"
    write_atomic(target, b"first")
    assert listing(tmp_path) == {"a/b/feed.xml": b"first"}
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # a web server can serve it
    write_atomic(target, b"second")
    assert listing(tmp_path) == {"a/b/feed.xml": b"second"}


def test_a_write_that_fails_names_the_file_and_leaves_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "feed.xml"
    write_atomic(target, b"old")
    with file_size_limit(1024), pytest.raises(OSError) as caught:
        write_atomic(target, b"x" * 100_000)
    assert caught.value.errno == errno.EFBIG
    assert caught.value.filename == str(target)
    assert listing(tmp_path) == {"feed.xml": b"old"}  # no staged file left behind


def test_a_write_that_fails_for_any_reason_leaves_no_staged_file(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        write_atomic(tmp_path / "feed.xml", "text, not bytes")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_a_move_that_fails_leaves_no_staged_file(tmp_path: Path) -> None:
    target = tmp_path / "feed.xml"
    target.mkdir()
    (target / "inside").write_bytes(b"kept")
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.xml"]
    assert listing(tmp_path) == {"feed.xml/inside": b"kept"}


# -- write_outputs ----------------------------------------------------------------


def test_a_set_of_files_is_written_and_nothing_else_is_left(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_atomic(out / "a.txt", b"old a")
    written = write_outputs(out, {"a.txt": b"new a", "issues/b.html": b"b"})
    assert written == [out / "a.txt", out / "issues" / "b.html"]
    assert listing(out) == {"a.txt": b"new a", "issues/b.html": b"b"}
    assert stat.S_IMODE((out / "issues" / "b.html").stat().st_mode) == 0o644


class Refusal(Exception):
    pass


@contextlib.contextmanager
def failing_on_exit() -> Iterator[None]:
    yield
    raise Refusal("the archive could not commit")


def test_files_are_put_back_when_the_transaction_around_them_fails(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, {"a.txt": b"old a", "b.txt": b"old b"})
    before = listing(out)
    with pytest.raises(Refusal):
        write_outputs(
            out, {"a.txt": b"new a", "b.txt": b"new b", "c.txt": b"new"}, failing_on_exit()
        )
    assert listing(out) == before  # old content back, the new file gone, no backups left


def test_a_build_killed_while_publishing_leaves_only_what_remove_leftovers_removes(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    write_outputs(out, {"a.txt": b"old a", "issues/p.html": b"old page"})
    before = listing(out)
    moments: list[dict[str, bytes]] = []

    @contextlib.contextmanager
    def killed_at_either_end() -> Iterator[None]:
        # a build killed now leaves exactly this folder: every file staged
        # beside its target, nothing moved in yet ...
        moments.append(listing(out))
        shutil.copytree(out, tmp_path / "killed-before")
        yield
        # ... or every file moved in, the previous ones kept beside theirs
        moments.append(listing(out))
        shutil.copytree(out, tmp_path / "killed-after")

    new = {"a.txt": b"new a", "issues/p.html": b"new page", "b.txt": b"b"}
    write_outputs(out, new, killed_at_either_end())
    assert listing(out) == new
    staged, moved = moments
    leftovers = {name: data for name, data in staged.items() if name not in before}
    assert sorted(leftovers.values()) == sorted(new.values())
    backups = {name: data for name, data in moved.items() if name not in new}
    assert sorted(backups.values()) == [b"old a", b"old page"]
    # each beside its target, in the output folder and in issues/
    assert sorted(str(Path(n).parent) for n in leftovers) == [".", ".", "issues"]
    assert sorted(str(Path(n).parent) for n in backups) == [".", "issues"]
    # and the next build's clean-up removes exactly them
    for killed, left, result in [
        (tmp_path / "killed-before", leftovers, before),
        (tmp_path / "killed-after", backups, new),
    ]:
        removed = remove_leftovers(killed, {"a.txt", "b.txt"})
        assert sorted(p.relative_to(killed).as_posix() for p in removed) == sorted(left)
        assert listing(killed) == result


def test_files_are_put_back_when_one_cannot_be_moved(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, {"a.txt": b"old a"})
    (out / "z").mkdir()
    (out / "z" / "inside").write_bytes(b"kept")
    before = listing(out)
    with pytest.raises(OSError):
        write_outputs(out, {"a.txt": b"new a", "new.txt": b"new", "z": b"not a folder"})
    assert listing(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "z"]


def test_a_staged_file_that_vanished_is_an_error_and_the_rest_is_undone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, {"a.txt": b"old a"})
    before = listing(out)

    @contextlib.contextmanager
    def another_process_cleans_up() -> Iterator[None]:
        # what a careless clean-up between staging and moving in would do
        (staged,) = out.glob(".new.txt.*.tmp")
        staged.unlink()
        yield

    with pytest.raises(FileNotFoundError) as caught:
        write_outputs(out, {"new.txt": b"new", "a.txt": b"new a"}, another_process_cleans_up())
    assert Path(caught.value.filename).name.startswith(".new.txt.")  # the move's own error
    assert listing(out) == before  # and no staged file of a.txt left


def test_staged_files_can_be_rolled_back_more_than_once(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, {"a.txt": b"old a"})
    staged = StagedFiles(out, {"a.txt": b"new a", "b.txt": b"b"})
    staged.replace()
    assert listing(out)["a.txt"] == b"new a"
    staged.rollback()
    staged.rollback()  # a caller's own clean-up may undo it again: nothing more happens
    staged.finish()
    assert listing(out) == {"a.txt": b"old a"}
    # once finished, the new files are final: a late rollback changes nothing
    final = StagedFiles(out, {"a.txt": b"new a"})
    final.replace()
    final.finish()
    final.rollback()
    final.finish()
    assert listing(out) == {"a.txt": b"new a"}


def test_a_set_that_cannot_be_staged_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, {"a.txt": b"old a", "sub": b"a file, not a folder"})
    before = listing(out)
    with pytest.raises(OSError):
        write_outputs(out, {"a.txt": b"new a", "sub/b.txt": b"b"})
    assert listing(out) == before
    with file_size_limit(1024), pytest.raises(OSError) as caught:
        write_outputs(out, {"a.txt": b"new a", "big.txt": b"x" * 100_000})
    assert caught.value.filename == str(out / "big.txt")
    assert listing(out) == before


# -- locks ------------------------------------------------------------------------


def test_a_lock_is_exclusive_and_released_when_its_holder_leaves(tmp_path: Path) -> None:
    lock = tmp_path / "state" / "archive.lock"
    with file_lock(lock, timeout=0, holder="the first"):
        assert lock.is_file()
        started = time.monotonic()
        with (
            pytest.raises(LockedError) as caught,
            file_lock(lock, timeout=0.3, holder="another build"),
        ):
            pass  # pragma: no cover - never reached
        assert time.monotonic() - started >= 0.3  # it waited that long first
        assert str(caught.value) == (
            f"{tmp_path / 'state'}: another build is still running (waited 0.3 s for "
            "archive.lock); try again when it has finished"
        )
        with (
            pytest.raises(LockedError, match="waited 0 s"),
            file_lock(lock, timeout=0, holder="another build"),
        ):
            pass  # pragma: no cover - never reached
    # released, and the file is still there for the next process
    with file_lock(lock, timeout=0, holder="the next"):
        assert lock.is_file()
    assert lock.is_file()


def test_a_lock_that_cannot_be_made_says_where_and_why(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    lock = tmp_path / "file" / "archive.lock"  # its folder is a file
    with pytest.raises(LockedError) as caught, file_lock(lock, timeout=0, holder="x"):
        pass  # pragma: no cover - never reached
    assert str(caught.value) == (
        f"{lock}: cannot open the lock file (File exists); "
        "it must be a file in a folder you can write to"
    )
    lock.parent.unlink()
    lock.parent.mkdir()
    lock.mkdir()  # a folder where the lock file should be
    with (
        pytest.raises(LockedError, match="cannot open the lock file"),
        file_lock(lock, timeout=0, holder="x"),
    ):
        pass  # pragma: no cover - never reached


def test_a_file_system_without_locks_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # what flock(2) says on a network mount without a lock manager
    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "flock", no_locks)
    lock = tmp_path / "archive.lock"
    with pytest.raises(LockedError) as caught, file_lock(lock, timeout=5, holder="x"):
        pass  # pragma: no cover - never reached
    assert str(caught.value) == (
        f"{lock}: cannot lock the file (No locks available); "
        "keep the archive and the output folder on a local disk"
    )


# -- leftovers --------------------------------------------------------------------


def test_only_our_own_staged_files_beside_our_outputs_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "issues").mkdir(parents=True)
    ours = [
        ".email.html.ab12cd_9.tmp",
        ".rss.xml.0123abcd.bak",
        "issues/.2026-11-21.html.zz99zz99.tmp",
        "issues/.2026-11-21.html.abcdefgh.bak",
    ]
    others = [
        ".notes.txt.ab12cd_9.tmp",  # not an output
        ".email.html.AB12CD_9.tmp",  # not a name mkstemp makes
        ".email.html.ab12cd9.tmp",
        ".email.html.ab12cd_99.tmp",
        ".email.html.ab12cd_9.tmp~",
        "email.html.ab12cd_9.tmp",
        ".email.html.ab12cd_9.old",
        "issues/.notes.txt.abcdefgh.tmp",  # not a page
        "email.html",
        "issues/2026-11-21.html",
    ]
    for name in ours + others:
        (out / name).write_bytes(b"x")
    (out / ".feed.json.abcdefgh.tmp").mkdir()  # a folder is never ours
    (out / ".atom.xml.abcdefgh.tmp").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "elsewhere").write_bytes(b"not ours")
    removed = remove_leftovers(out, {"email.html", "rss.xml", "feed.json", "atom.xml"})
    assert sorted(removed) == sorted(out / name for name in ours)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == sorted(
        [*others, "issues", ".feed.json.abcdefgh.tmp", ".atom.xml.abcdefgh.tmp"]
    )
    assert (tmp_path / "elsewhere").read_bytes() == b"not ours"


def test_leftovers_in_a_folder_that_is_not_there_are_none(tmp_path: Path) -> None:
    assert remove_leftovers(tmp_path / "missing", {"email.html"}) == []
    (tmp_path / ".email.html.abcdefgh.tmp").write_bytes(b"x")
    # no issues folder: the output folder is still cleaned
    assert remove_leftovers(tmp_path, {"email.html"}) == [tmp_path / ".email.html.abcdefgh.tmp"]
    assert os.listdir(tmp_path) == []
