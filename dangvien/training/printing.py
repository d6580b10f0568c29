"""The class roster and the certificate list of a training class, printed as Word documents in
the official layout (A4 landscape), with the QR code of the class page and a short reference,
like the KNĐ forms (docs/forms.md). Templates: ``documents/form_roster.docx`` and
``documents/form_certificates.docx``, built by ``scripts/make_form_templates.py``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dangvien.core.documents import long_date, place_and_date, render_form
from dangvien.core.formatting import format_date, format_datetime
from dangvien.organisations.choices import CELL_KINDS, GRASSROOTS_KINDS, OrganisationKind
from dangvien.organisations.models import Organisation
from dangvien.training.models import Enrolment, TrainingClass

if TYPE_CHECKING:
    from dangvien.core.typing import Actor

DOCUMENTS = Path(__file__).resolve().parent / "documents"
KINDS = {
    "roster": ("form_roster.docx", "DS"),
    "certificates": ("form_certificates.docx", "GCN"),
}


def reference(training_class: TrainingClass, kind: str) -> str:
    """'LOP12-DS' (roster) or 'LOP12-GCN' (certificate list)."""
    return f"LOP{training_class.pk}-{KINDS[kind][1]}"


def _committee(organiser: Organisation) -> str:
    if organiser.kind in CELL_KINDS:
        return gettext("CHI BỘ")
    if organiser.kind in GRASSROOTS_KINDS or organiser.kind in (
        OrganisationKind.SUB_COMMITTEE,
        OrganisationKind.COMMUNE,
    ):
        return gettext("ĐẢNG ỦY")
    return gettext("BAN THƯỜNG VỤ")


def build_list(
    training_class: TrainingClass,
    kind: str,
    rows: list[Enrolment],
    *,
    cells: dict[int, str],
    base_url: str,
    actor: Actor,
    when: dt.datetime,
) -> bytes:
    """The roster (every student in ``rows``) or the certificate list (those with a
    certificate) of ``training_class`` as a .docx."""
    organiser = training_class.organiser
    parents = list(Organisation.objects.ancestors_of(organiser))
    if kind == "certificates":
        rows = [row for row in rows if row.certificate_number]
    lines: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        lines.append(
            {
                "number": number,
                "name": row.person.full_name,
                "birth": format_date(row.person.date_of_birth),
                "cell_name": cells.get(row.person.organisation_id, ""),
                "completed": gettext("Hoàn thành") if row.completed else "",
                "certificate_number": row.certificate_number,
                "certificate_date": format_date(row.certificate_date),
            }
        )
    local = timezone.localtime(when)
    url = base_url.rstrip("/") + reverse("training:class-detail", args=[training_class.pk])
    context = {
        "header_parent": parents[-1].name.upper() if parents else "",
        "header_org": organiser.name.upper(),
        "number": gettext("Số       -DS/%(code)s") % {"code": organiser.code},
        "place_date": place_and_date("", local.date()),
        "class_title": f"{training_class.get_kind_display()}: {training_class.name}",
        "start_date": format_date(training_class.start_date),
        "end_date": format_date(training_class.end_date),
        "rows": lines,
        "total": gettext("Tổng số: %(n)d học viên.") % {"n": len(lines)},
        "committee": _committee(organiser),
        "signer_title": gettext("BÍ THƯ"),
        "reference": reference(training_class, kind),
        "qr_hint": gettext("Quét mã để mở trang lớp học và đính kèm bản đã ký."),
        "stamp": gettext("In lúc %(when)s · người in: %(who)s")
        % {"when": format_datetime(local), "who": actor},
        "today": long_date(local.date()),
    }
    return render_form(DOCUMENTS / KINDS[kind][0], context, qr_data=url)


def file_name(training_class: TrainingClass, kind: str) -> str:
    prefix = "danh-sach-hoc-vien" if kind == "roster" else "danh-sach-cap-giay-chung-nhan"
    return f"{prefix}-lop{training_class.pk}.docx"


def export_list(
    user: Actor, training_class: TrainingClass, kind: str, *, base_url: str
) -> tuple[bytes, str]:
    """Audit, then build the roster or the certificate list (the page and the API): the
    organiser's side prints every student, a reader elsewhere the students in their scope."""
    from dangvien.core.scoping import can
    from dangvien.organisations.selectors import names_with_parent
    from dangvien.training import selectors, services

    if kind not in KINDS:
        raise Http404("kind")
    can_change = can(user, "training.change", training_class.organiser)
    roster = list(selectors.list_enrolments(training_class, user=None if can_change else user))
    services.record_class_print(training_class, kind=kind, rows=len(roster), actor=user)
    content = build_list(
        training_class,
        kind,
        roster,
        cells=names_with_parent({row.person.organisation_id for row in roster}),
        base_url=base_url,
        actor=user,
        when=timezone.now(),
    )
    return content, file_name(training_class, kind)
