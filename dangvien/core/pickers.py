"""Search-as-you-type pickers: a person, a member, a cell is chosen by typing, never from a
dropdown of everyone in scope.

A picker has two halves:

- the **widget** (``PickerWidget``, ``PickerMultipleWidget``) on a form's (scoped) model-choice
  field. It renders only the chosen row(s) and a search box; ``static/js/picker.js`` asks the
  source's endpoint for matches as the user types and fills the hidden input. The field still
  validates what is posted (``core.forms.ScopedModelChoiceField``: out of scope is a 404, not
  among the field's rows is the field's error), so the endpoint only suggests.
- the **source**, registered by the app that owns the rows in its ``AppConfig.ready``
  (``register_picker("people", PickerSource(...))``) and served by ``pick`` at
  ``/pick/<source>/?q=…``: at most ``LIMIT`` rows of the user's scope whose folded name holds
  every folded word typed (``core.text.fold``: "nguyen van a" finds "Nguyễn Văn A"), each with a
  label and a detail (birth date and cell, the cell named with its parent). A fixed number of
  queries whatever the scope (pinned in ``core/tests/test_pickers.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from dangvien.core.text import fold
from dangvien.core.typing import AnyUser

LIMIT = 20
MIN_CHARS = 2


@dataclass(frozen=True)
class PickerSource:
    """Where a picker looks: ``queryset(user)`` is the user's scoped rows (already narrowed to
    the eligible ones), ``folded_field`` the accent-free name to match, ``present(rows)`` the
    ``{"id", "label", "detail"}`` of each row (a fixed number of queries for the batch)."""

    queryset: Callable[[AnyUser], QuerySet[Any]]
    folded_field: str
    present: Callable[[Sequence[Any]], list[dict[str, Any]]]
    order_by: tuple[str, ...] = ()


_SOURCES: dict[str, PickerSource] = {}


def register_picker(name: str, source: PickerSource) -> None:
    _SOURCES[name] = source


def get_source(name: str) -> PickerSource:
    try:
        return _SOURCES[name]
    except KeyError:
        raise Http404("picker source") from None


def search(name: str, user: AnyUser, text: str, *, limit: int = LIMIT) -> list[dict[str, Any]]:
    """The first ``limit`` rows of source ``name`` in the user's scope matching ``text``."""
    source = get_source(name)
    words = fold(text).split()
    if not words or len("".join(words)) < MIN_CHARS:
        return []
    condition = Q()
    for word in words[:6]:
        condition &= Q(**{f"{source.folded_field}__contains": word})
    rows = list(
        source.queryset(user)
        .filter(condition)
        .order_by(*(source.order_by or (source.folded_field, "pk")))[:limit]
    )
    return source.present(rows)


@login_required
@require_GET
def pick(request: HttpRequest, source: str) -> JsonResponse:
    """``GET /pick/<source>/?q=…`` → ``{"results": [{"id", "label", "detail"}, …]}``."""
    text = str(request.GET.get("q", ""))[:100]
    return JsonResponse({"results": search(source, request.user, text)})


def _values(value: Any) -> list[str]:
    if value in (None, "", [], ()):
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


class PickerWidget(forms.Widget):
    """A hidden input for the chosen id and a search box that suggests rows of ``source``.
    Renders the chosen row's label without listing the field's queryset."""

    template_name = "core/widgets/picker.html"
    allow_multiple_selected = False
    input_type = "picker"

    def __init__(
        self, source: str, attrs: dict[str, Any] | None = None, *, value_key: str = "id"
    ) -> None:
        super().__init__(attrs)
        self.source = source
        self.value_key = value_key  # "id", or the field's to_field_name ("code")
        self.choices: Any = ()

    def _chosen(self, values: list[str]) -> list[dict[str, Any]]:
        """The chosen rows, looked up among the field's rows only (never the whole list)."""
        from dangvien.core.lookup import valid_id

        queryset = getattr(self.choices, "queryset", None)
        if self.value_key == "id":
            keys: list[Any] = [pk for pk in (valid_id(v) for v in values) if pk is not None]
            lookup = "pk__in"
        else:
            keys = [v[:100] for v in values]
            lookup = f"{self.value_key}__in"
        if not keys or queryset is None:
            return []
        rows = list(queryset.filter(**{lookup: keys[:50]}))
        presented = {row[self.value_key]: row for row in get_source(self.source).present(rows)}
        return [presented[key] for key in keys if key in presented]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["chosen"] = self._chosen(_values(value))
        widget["url"] = reverse("pick", args=[self.source])
        widget["multiple"] = self.allow_multiple_selected
        widget["value_key"] = self.value_key
        return context

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> str:
        # the project's template folder, not the form renderer's (which sees only the apps')
        return mark_safe(render_to_string(template_name, context))  # noqa: S308

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.allow_multiple_selected:
            getter = getattr(data, "getlist", None)
            return getter(name) if getter else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def format_value(self, value: Any) -> Any:
        return _values(value)


class PickerMultipleWidget(PickerWidget):
    """Several rows chosen by typing (helpers): each chosen row is a removable chip."""

    allow_multiple_selected = True


def use_picker(field: forms.Field, source: str) -> None:
    """Turn a model-choice field's dropdown into a typing picker on ``source`` (call after
    ``core.forms.set_queryset``)."""
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{field!r} is not a model choice field")
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    value_key = field.to_field_name or "id"
    widget = (PickerMultipleWidget if multiple else PickerWidget)(source, value_key=value_key)
    widget.choices = field.choices if hasattr(field, "choices") else ()
    widget.is_required = field.required
    field.widget = widget
