"""Widgets that render fast where Django's template-per-option rendering is too slow.

Django renders each ``<option>`` of a ``Select`` through a template: about half a millisecond
per option, so a filter offering an organisation board's 500 organisations took a quarter of a
second of every list page. ``PlainSelect`` builds the same markup in Python.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class PlainSelect(forms.Select):
    """A ``Select`` whose markup is built in Python (same attributes, options and selection as
    Django's; no option groups, which none of our filters use)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        context = self.get_context(name, value, attrs)["widget"]
        options = []
        for _group, group_options, _index in context["optgroups"]:
            options.extend(group_options)
        body = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((o["value"], flatatt(o["attrs"]), o["label"]) for o in options),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', context["name"], flatatt(context["attrs"]), body
        )
