"""Widgets that render fast where Django's template-per-option rendering is too slow.

Django renders each ``<option>`` of a ``Select`` through a template: about half a millisecond
per option, so a filter offering an organisation board's 500 organisations took a quarter of a
second of every list page. ``PlainSelect`` builds the same markup in Python.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


class PlainSelect(forms.Select):
    """A ``Select`` whose markup is built in Python (same attributes, options and selection as
    Django's; no option groups, which none of our filters use). The options are written
    straight from the choices: Django's per-option dictionaries (``optgroups``,
    ``create_option``) cost two thirds of the time of a province's 7.500 organisations."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # the widget's own context (name, attributes, formatted value), not the options'
        context = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            context["attrs"]["multiple"] = True
        chosen = context["value"]
        options = []
        has_selected = False
        for option_value, option_label in self.choices:
            text = "" if option_value is None else str(option_value)
            # as Django's: a single select marks only the first option of the value
            selected = (not has_selected or self.allow_multiple_selected) and text in chosen
            has_selected |= selected
            options.append(
                f'<option value="{conditional_escape(text)}"{" selected" if selected else ""}>'
                f"{conditional_escape(str(option_label))}</option>"
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            context["name"],
            flatatt(context["attrs"]),
            mark_safe("".join(options)),  # noqa: S308  # every part escaped above
        )
