"""The shape every newcomer can rely on (docs/architecture.md): the same files in every domain
app, and an app without models saying so in its ``__init__``."""

from __future__ import annotations

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
