"""Demo people and members (filled in below)."""

from __future__ import annotations

from dangvien.core.demo import DemoContext


def build(ctx: DemoContext) -> None:
    """Create the demo people and members; fill ``ctx.people`` and ``ctx.members``."""
