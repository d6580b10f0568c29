"""Sections other apps add to the person page.

``people`` sits below the apps that hold a person's dossiers, classes, certificates and
membership, so it never imports them. Each registers a section in its ``AppConfig.ready``: a
key, an order, a template (a partial of its own) and a loader ``(person, user) -> context``
that reads, scoped to ``user``, a fixed number of queries whatever the person's history. The
person page renders the sections in order (``person_sections``); a loader returning None shows
nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dangvien.core.typing import AnyUser

SectionLoader = Callable[[Any, AnyUser], dict[str, Any] | None]


@dataclass(frozen=True)
class PersonSection:
    key: str
    order: int
    template: str
    load: SectionLoader


_SECTIONS: dict[str, PersonSection] = {}


def register_person_section(key: str, *, order: int, template: str, load: SectionLoader) -> None:
    _SECTIONS[key] = PersonSection(key=key, order=order, template=template, load=load)


def person_sections(person: Any, user: AnyUser) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every registered section that has something to show."""
    result = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        context = section.load(person, user)
        if context is not None:
            result.append((section.template, context))
    return result
