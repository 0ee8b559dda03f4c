"""Publishing a build: one build at a time per folder, switched in one atomic step.

Layout of an output folder ``DIR`` after ``kg build``::

    DIR/.kg-lock                  lock file (fcntl.flock) held by a running build
    DIR/.kg-build-XXXXXXXX/       the files of the current build
    DIR/.kg-current               symlink -> .kg-build-XXXXXXXX
    DIR/graph.json                symlink -> .kg-current/graph.json (same for every output)

A build writes into a new ``.kg-build-*`` folder; :func:`publish` switches
``.kg-current`` to it with one rename, so a reader of ``DIR/graph.json``
(or of any other output) sees the earlier build or the new one, whole. To
read several files of one build while another may be published, resolve
``DIR/.kg-current`` once (:func:`current_build`) and read inside it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from pathlib import Path

from kg.errors import OutputError

#: In an output folder: the lock file, the link to the current build's folder,
#: and the prefix of build folders (see :func:`build`).
LOCK_FILE = ".kg-lock"
CURRENT_LINK = ".kg-current"
BUILD_PREFIX = ".kg-build-"

#: Every name a build may publish in its folder; one that the current build did
#: not write is removed, so the folder never mixes two builds.
OUTPUT_NAMES = frozenset(
    {
        "graph.json",
        "graph.graphml",
        "graph.ttl",
        "graph.jsonld",
        "graph.nt",
        "graph.rdf",
        "graph.html",
        "neo4j",
        "extractions.jsonl",
        "manifest.json",
    }
)


def current_build(out_dir: str | Path) -> Path:
    """The folder holding the files of the build published in ``out_dir``: the target of
    ``out_dir/.kg-current`` (``out_dir`` itself for a folder written before that layout)."""
    out_dir = Path(out_dir)
    link = out_dir / CURRENT_LINK
    return out_dir / os.readlink(link) if link.is_symlink() and link.is_dir() else out_dir


#: Lock file descriptors held by this process (closed in forked children, see below).
_HELD: set[int] = set()


def _close_held_in_child() -> None:
    """A forked child (an extraction worker) must not keep the build's lock alive: were the
    build killed, a surviving worker would otherwise hold it and refuse every later build."""
    for fd in _HELD:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_close_held_in_child)


@contextlib.contextmanager
def lock_output(out_dir: Path):
    """Hold ``out_dir/.kg-lock`` (an exclusive ``flock``) or raise OutputError at once.

    The lock file holds the pid of the build that has it; the kernel releases
    the lock when that process ends, however it ends (forked children do not
    inherit it).
    """
    path = Path(out_dir) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot create {path}: {exc.strerror or exc}") from exc
    _HELD.add(fd)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise OutputError(
                f"another kg build (pid {holder}) is writing to {out_dir}; wait for it to "
                "finish or choose another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        _HELD.discard(fd)
        os.close(fd)


def remove_stale_builds(out_dir: Path) -> list[Path]:
    """Remove the ``.kg-build-*`` folders of ``out_dir`` that are not the published build
    (left by killed builds, or earlier builds). Call it holding :func:`lock_output`: no
    other build is running then, so none of them is in use by one."""
    current = os.readlink(out_dir / CURRENT_LINK) if (out_dir / CURRENT_LINK).is_symlink() else None
    removed = []
    for entry in sorted(out_dir.iterdir()):
        if entry.name.startswith(BUILD_PREFIX) and entry.name != current:
            _remove(entry)
            removed.append(entry)
    return removed


def publish(staging: Path, out_dir: Path) -> list[Path]:
    """Make the build in ``staging`` (a folder inside ``out_dir``) the published one.

    One atomic step switches builds: the symlink ``out_dir/.kg-current`` is
    replaced (rename) to point at ``staging``. The documented paths
    (``out_dir/graph.json``, ``out_dir/neo4j/``...) are symlinks through it
    (``graph.json -> .kg-current/graph.json``), made once and never changed,
    so each always shows the current build; outputs the build did not write
    (a ``graph.nt`` from an earlier ``--rdf-format nt``) are removed, then the
    earlier build's folder. Return the published paths of every file.
    """
    names = sorted(p.name for p in staging.iterdir())
    files = sorted(out_dir / p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
    _fsync_dir(staging)
    _replace_with_link(out_dir / CURRENT_LINK, staging.name)
    _fsync_dir(out_dir)
    for name in names:
        dest = out_dir / name
        target = f"{CURRENT_LINK}/{name}"
        if not (dest.is_symlink() and os.readlink(dest) == target):
            _replace_with_link(dest, target)
    for entry in out_dir.iterdir():
        if entry.name in OUTPUT_NAMES and entry.name not in names:
            _remove(entry)
    remove_stale_builds(out_dir)
    return files


def _replace_with_link(dest: Path, target: str) -> None:
    """Atomically make ``dest`` a symlink to ``target`` (a folder in the way, from an
    older layout, is moved aside first and removed later)."""
    tmp = dest.with_name(f"{BUILD_PREFIX}link-{os.getpid()}-{dest.name}")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    if dest.is_dir() and not dest.is_symlink():
        os.replace(dest, dest.with_name(f"{BUILD_PREFIX}old-{os.getpid()}-{dest.name}"))
    os.replace(tmp, dest)


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        entry.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    """Flush a folder's entries to disk (so a crash cannot publish a folder not yet there)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
