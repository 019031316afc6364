"""The archive of uploaded files: raw bytes kept under their sha256, never under their name.

A file's own name is chosen by whoever sent it, so it is never used as a path
(SECURITY.md row 36: '../../x.xlsx', 'CON.xlsx', 300 characters, right-to-left overrides).
The name is kept only as display text, cleaned by ``display_name``.

Only the service's own account may read the archive: folders 0700, files 0600 (issue 8),
whatever the process's umask.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

MAX_NAME_CHARS = 120
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
_UNSAFE = re.compile(r'[<>:"/\\|?*]')
_SHA = re.compile(r"^[0-9a-f]{64}$")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_of_file(path: Path) -> str:
    """Hash a file in chunks, so a file too large to accept is never read into memory whole."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def archive_path(sha: str) -> str:
    """Where bytes with this hash live, relative to the archive folder: 'ab/abcdef…'."""
    if not _SHA.match(sha):
        raise ValueError(f"not a sha256 hex digest: {sha!r}")
    return f"{sha[:2]}/{sha}"


def archive_bytes(archive_dir: Path, data: bytes) -> tuple[str, str]:
    """Store ``data`` once under its hash; returns (sha256, path relative to ``archive_dir``)."""
    sha = sha256_of(data)
    relative = archive_path(sha)
    target = Path(archive_dir) / relative
    if target.exists() and target.stat().st_size == len(data):
        return sha, relative
    for folder in (Path(archive_dir), target.parent):
        folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        _chmod(folder, PRIVATE_DIR)   # just these two: open_db tightens the whole tree
    # Write beside the target and rename, so a crash never leaves a half-written archive file.
    partial = target.with_name(f"{sha}.{os.getpid()}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(descriptor, "wb") as handle:
        os.fchmod(handle.fileno(), PRIVATE_FILE)   # os.open's mode is still cut by the umask
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, target)
    return sha, relative


def make_private(*paths: Path) -> None:
    """Make existing files 0600 and folders 0700, folders with everything in them.

    Missing paths are skipped; symbolic links are never followed.
    """
    for path in map(Path, paths):
        if path.is_symlink() or not path.exists():
            continue
        if path.is_dir():
            _chmod(path, PRIVATE_DIR)
            for folder, folders, files in os.walk(path):
                for name in folders + files:
                    inner = Path(folder) / name
                    if not inner.is_symlink():
                        _chmod(inner, PRIVATE_DIR if inner.is_dir() else PRIVATE_FILE)
        else:
            _chmod(path, PRIVATE_FILE)


def _chmod(path: Path, mode: int) -> None:
    if path.stat().st_mode & 0o777 == mode:
        return
    try:
        path.chmod(mode)
    except PermissionError as exc:
        raise PermissionError(
            f"{path} can be read by other accounts and this account may not change that. "
            f"Run the dashboard as the account that owns it, or run 'chmod {mode:o} {path}' "
            "as its owner.") from exc


def read_archived(archive_dir: Path, relative: str) -> bytes:
    """The archived bytes at ``relative`` (as stored in upload.archive_path)."""
    sha = relative.rsplit("/", 1)[-1]
    return (Path(archive_dir) / archive_path(sha)).read_bytes()


def display_name(name: str) -> str:
    """A file name made safe to show and to offer as a download name.

    Drops any folder part, control and bidi/format characters, characters Windows forbids, and
    shortens long names keeping the extension. Reserved device names ('CON', 'NUL', …) get a
    leading underscore.
    """
    text = unicodedata.normalize("NFC", str(name))
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    text = _UNSAFE.sub("_", text).strip().strip(".")
    if not text:
        return "unnamed file"
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    ext = ext[:10]
    room = MAX_NAME_CHARS - len(ext) - (1 if ext else 0)
    if len(stem) > room:
        stem = stem[: room - 1] + "…"
    return f"{stem}.{ext}" if ext else stem


_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
