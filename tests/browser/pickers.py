"""Choosing in a typing picker (``static/js/picker.js``) the way a person does."""

from __future__ import annotations

from typing import Any


def pick(root: Any, selector: str, text: str, label: str | None = None) -> None:
    """Type ``text`` into the picker's box ``selector`` and click the suggestion whose name
    is ``label`` (default: the first one)."""
    box = root.locator(selector)
    box.fill(text)
    picker = box.locator("xpath=ancestor::*[@data-picker][1]")
    options = picker.locator("[data-picker-results] [role=option]")
    option = options.filter(has_text=label).first if label else options.first
    option.wait_for()
    option.click()
