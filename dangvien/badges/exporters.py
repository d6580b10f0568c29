"""The proposal list of an award day as a Word document in the official layout (template:
``documents/badge_proposal.docx``, built by ``scripts/make_badge_template.py``, docxtpl)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from dangvien.core.formatting import format_date, format_datetime
from dangvien.organisations.choices import OrganisationKind

if TYPE_CHECKING:
    from dangvien.badges.models import BadgeProposal
    from dangvien.organisations.models import Organisation

TEMPLATE = Path(__file__).resolve().parent / "documents" / "badge_proposal.docx"

SIGNING_COMMITTEE: dict[str, str | Promise] = {
    OrganisationKind.CENTRAL: gettext_lazy("BAN CHẤP HÀNH TRUNG ƯƠNG"),
    OrganisationKind.PROVINCE: gettext_lazy("BAN THƯỜNG VỤ"),
    OrganisationKind.DISTRICT: gettext_lazy("BAN THƯỜNG VỤ"),
    OrganisationKind.BLOC: gettext_lazy("BAN THƯỜNG VỤ"),
    OrganisationKind.COMMUNE: gettext_lazy("BAN THƯỜNG VỤ"),
    OrganisationKind.GRASSROOTS_COMMITTEE: gettext_lazy("ĐẢNG ỦY"),
    OrganisationKind.SUB_COMMITTEE: gettext_lazy("ĐẢNG ỦY"),
    OrganisationKind.GRASSROOTS_CELL: gettext_lazy("CHI BỘ"),
    OrganisationKind.CELL: gettext_lazy("CHI BỘ"),
}


def build_proposal_docx(
    proposals: list[BadgeProposal],
    *,
    organisation: Organisation,
    award_date: dt.date,
    user: Any,
    when: dt.datetime,
) -> bytes:
    from docxtpl import DocxTemplate

    from dangvien.organisations.models import Organisation

    parents = list(Organisation.objects.ancestors_of(organisation))
    parent = parents[-1] if parents else None
    local = timezone.localtime(when)
    rows = []
    for number, proposal in enumerate(proposals, start=1):
        person = proposal.membership.person
        note = (
            gettext("Tặng sớm: %(reason)s") % {"reason": proposal.early_reason}
            if proposal.early
            else ""
        )
        rows.append(
            {
                "number": number,
                "full_name": person.full_name,
                "date_of_birth": format_date(person.date_of_birth),
                "decision_date": format_date(proposal.membership.decision_date),
                "party_age": gettext("%(y)d năm %(m)d tháng")
                % {"y": proposal.party_age_years, "m": proposal.party_age_months},
                "milestone": gettext("%d năm") % proposal.milestone,
                "cell": proposal.organisation.name,
                "note": note,
            }
        )
    context = {
        "parent_name": parent.name.upper() if parent else "",
        "organisation_name": organisation.name.upper(),
        "organisation_code": organisation.code,
        "place_and_date": gettext("…………, ngày %(day)s tháng %(month)s năm %(year)s")
        % {"day": f"{local.day:02d}", "month": f"{local.month:02d}", "year": local.year},
        "title": gettext("đảng viên đề nghị tặng Huy hiệu Đảng đợt %(day)s")
        % {"day": format_date(award_date)},
        "rows": rows,
        "total": gettext("Tổng số: %(n)d đồng chí.") % {"n": len(rows)},
        "recipient": (
            gettext("Ban Tổ chức %(parent)s") % {"parent": parent.name}
            if parent
            else gettext("Lưu hồ sơ")
        ),
        "committee": str(SIGNING_COMMITTEE.get(organisation.kind, gettext("CẤP ỦY"))),
        "signer_title": gettext("BÍ THƯ"),
        "signer_name": "",
        "stamp": gettext("Người lập: %(who)s · Thời điểm xuất: %(when)s")
        % {"who": user, "when": format_datetime(when)},
    }
    document = DocxTemplate(TEMPLATE)
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
