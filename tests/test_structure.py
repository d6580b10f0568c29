"""The shape every newcomer can rely on (docs/architecture.md): the same files in every domain
app, and an app without models saying so in its ``__init__``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

APP_FILES = (
    "models.py",
    "services.py",
    "selectors.py",
    "querysets.py",
    "access.py",
    "filtersets.py",
    "forms.py",
    "views.py",
    "urls.py",
    "api.py",
    "tests",
)
NOT_DOMAIN_APPS = {"core", "api", "demo"}


def _project_apps() -> list[str]:
    return [c.label for c in apps.get_app_configs() if c.name.startswith("dangvien.")]


@pytest.mark.parametrize("label", sorted(set(_project_apps()) - NOT_DOMAIN_APPS))
def test_domain_app_has_the_common_file_set(label: str) -> None:
    folder = Path(settings.BASE_DIR) / "dangvien" / label
    missing = [name for name in APP_FILES if not (folder / name).exists()]
    assert missing == []


@pytest.mark.parametrize("label", sorted(NOT_DOMAIN_APPS))
def test_app_without_models_says_so_in_its_init(label: str) -> None:
    folder = Path(settings.BASE_DIR) / "dangvien" / label
    assert not (folder / "models.py").exists()
    first_line = (folder / "__init__.py").read_text(encoding="utf-8").splitlines()[0]
    assert "no models" in first_line.lower()
    assert list(apps.get_app_config(label).get_models()) == []


# a lookup of an id received from a request that bypasses core.lookup.get_visible_or_404
UNSCOPED_LOOKUP = re.compile(
    r"\.objects(\.visible_to\([^)]*\))?(\.select_related\([^)]*\))?\.(filter|get)\("
    r"(pk|id)=(pk|payload\.|\w+_id|\w+_pk|value)"
)


def test_api_and_views_resolve_received_ids_through_the_scoped_lookup() -> None:
    """Every id received in a path, payload or query goes through ``core.lookup`` (one helper
    for API and UI: out of scope is a 404 that reveals nothing); access helpers build on it."""
    root = Path(settings.BASE_DIR) / "dangvien"
    offenders = []
    for path in sorted([*root.glob("*/api.py"), *root.glob("*/views.py")]):
        if path.parent.name == "imports":  # owned elsewhere; jobs go through imports.access
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if UNSCOPED_LOOKUP.search(line):
                offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []


# choices of a row anywhere in the country, on purpose (a transfer's receiving cell)
DESTINATION_FIELDS = {
    ("dangvien.members.forms.TransferStartForm", "to_organisation"),
    ("dangvien.members.forms.TransferCorrectionForm", "to_organisation"),
}


def test_form_choices_of_scoped_rows_use_the_scoped_lookup() -> None:
    """A form's choice of a person, member, organisation… is a ``ScopedModelChoiceField``:
    the posted id goes through ``core.lookup`` like the API's (out of scope: 404)."""
    import importlib
    import inspect

    from django import forms

    from dangvien.core.forms import ScopedModelChoiceField, ScopedModelMultipleChoiceField

    offenders = []
    for label in _project_apps():
        try:
            module = importlib.import_module(f"dangvien.{label}.forms")
        except ModuleNotFoundError:
            continue
        for name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module.__name__:
                continue
            for field_name, field in form.base_fields.items():  # type: ignore[attr-defined]
                if not isinstance(field, forms.ModelChoiceField):
                    continue
                scoped_model = hasattr(field.queryset.model._default_manager, "visible_to")
                key = (f"{module.__name__}.{name}", field_name)
                if (
                    scoped_model
                    and key not in DESTINATION_FIELDS
                    and not isinstance(
                        field, ScopedModelChoiceField | ScopedModelMultipleChoiceField
                    )
                ):
                    offenders.append(".".join(key))
    assert offenders == []
