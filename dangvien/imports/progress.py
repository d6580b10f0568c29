"""Progress of a running import, readable from any process (web, worker, command line).

The commit runs inside one long transaction, so progress cannot be a database row that other
connections read; it is a small JSON file next to the uploaded files, replaced atomically.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy

PHASES = {
    "read": gettext_lazy("Đọc tệp"),
    "validate": gettext_lazy("Kiểm tra từng dòng"),
    "duplicates": gettext_lazy("Tìm người đã có"),
    "write": gettext_lazy("Ghi vào cơ sở dữ liệu"),
    "done": gettext_lazy("Xong"),
}


def progress_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{job_id}.json"


class ProgressWriter:
    """Callable ``(phase, done, total)``; writes at most every ``interval`` seconds."""

    def __init__(self, job_id: int, *, interval: float = 0.3, echo: Any = None) -> None:
        self.path = progress_path(job_id)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.interval = interval
        self.echo = echo
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.interval and done < total:
            return
        self.last = now
        data = {
            "phase": phase,
            "label": str(PHASES.get(phase, phase)),
            "done": done,
            "total": total,
            "at": time.time(),
            # Which process writes: a later look can tell that it died (mark_interrupted).
            "pid": os.getpid(),
            "host": socket.gethostname(),
        }
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self.path)
        if self.echo is not None:
            self.echo(data)


def read_progress(job_id: int) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(progress_path(job_id).read_text())
    except (OSError, ValueError):
        return {"phase": "", "label": "", "done": 0, "total": 0, "at": 0, "percent": 0}
    total = data.get("total") or 0
    data["percent"] = int(100 * data.get("done", 0) / total) if total else 0
    return data


def writer_is_dead(data: dict[str, Any]) -> bool:
    """True when the progress was written by a process of this machine that no longer runs."""
    pid = data.get("pid")
    if not pid or data.get("host") != socket.gethostname():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError, ValueError):
        return False
    return False


def clear_progress(job_id: int) -> None:
    progress_path(job_id).unlink(missing_ok=True)
