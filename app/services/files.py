"""Writing files so that nothing half-written is ever left as if complete.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> atomic_write(target, lambda tmp: tmp.write_text("done"))
>>> target.read_text()
'done'
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from app.models.errors import InputError
from app.models.messages import register

register({"export_write_failed": ("cannot write {text}: {why}", "无法写入 {text}：{why}")})


_serial = __import__("itertools").count()


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` for a temporary file beside ``path`` and move it into place when it
    returns. On any error — a full disk, no permission, a cancel — the temporary file is removed,
    ``path`` is untouched, and an ``OSError`` becomes ``InputError("export_write_failed")``
    naming the file and the reason."""
    path = Path(path)
    # unique per call, not only per process: two writes of the same file at once (a double click)
    # must not share, and remove, each other's temporary file
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{next(_serial)}.part")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        _discard(tmp)
        raise InputError("export_write_failed", text=str(path), params={"why": exc.strerror or str(exc)}) from exc
    except BaseException:
        _discard(tmp)
        raise


def _discard(tmp: Path) -> None:
    try:
        tmp.unlink(missing_ok=True)
    except OSError:          # e.g. the folder is a file: nothing was written there anyway
        pass


def stage(progress, lo: float, hi: float):
    """A ``progress(fraction, message)`` that reports into the ``lo``–``hi`` part of ``progress``."""
    def inner(fraction: float, message: str) -> None:
        if progress:
            progress(lo + (hi - lo) * max(0.0, min(1.0, fraction)), message)
    return inner


def say(zh: str, en: str) -> str:
    """A progress message in the user's language (IPDESK_LANG, Chinese by default)."""
    from app.models.messages import default_lang

    return zh if default_lang() == "zh" else en
