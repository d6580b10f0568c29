"""Every action code a service writes has a Vietnamese label for the audit browser and a line in
docs/audit.md."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from dangvien.audit.labels import ACTION_LABELS

CODE = re.compile(r'action="([a-z_]+\.[a-z_]+\.[a-z_]+)"')


def _written_codes() -> set[str]:
    root = Path(settings.BASE_DIR) / "dangvien"
    codes: set[str] = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        codes.update(CODE.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_written_action_has_a_label() -> None:
    codes = _written_codes()
    assert len(codes) > 40
    assert sorted(codes - set(ACTION_LABELS)) == []


def test_docs_list_every_labelled_action() -> None:
    doc = (Path(settings.BASE_DIR) / "docs" / "audit.md").read_text(encoding="utf-8")
    assert [code for code in sorted(ACTION_LABELS) if f"| `{code}` |" not in doc] == []
