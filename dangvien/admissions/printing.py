"""The KNĐ forms of an admission dossier, printed as Word documents pre-filled with what the
dossier knows (docs/forms.md lists them with their sources).

Each form belongs to a stage; it can be printed at any time from the dossier page (what is not
known yet stays a dotted blank) and carries a QR code with the absolute address of its step on
the dossier page (of the dossier page itself while the step is not recorded) and a short
reference, so a scanned signed copy can be attached back to the step. Templates:
``documents/form_*.docx``, built by ``scripts/make_form_templates.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangvien.admissions.choices import Stage
from dangvien.admissions.models import Dossier, Participant, Step
from dangvien.core import documents
from dangvien.core.documents import (
    DOTS,
    document_number,
    long_date,
    number_line,
    or_dots,
    place_and_date,
    render_form,
)
from dangvien.core.formatting import format_date, format_datetime, format_ratio
from dangvien.organisations.chain import Chain, number_suffix, organisation_chain
from dangvien.organisations.choices import CELL_KINDS, OrganisationKind
from dangvien.organisations.models import Organisation

if TYPE_CHECKING:
    from dangvien.core.typing import Actor

DOCUMENTS = Path(__file__).resolve().parent / "documents"


class FormSpec(documents.FormSpec):
    folder = DOCUMENTS


FORMS: tuple[FormSpec, ...] = (
    FormSpec("1-KNĐ", _("Đơn xin vào Đảng"), Stage.APPLICATION, "candidate"),
    FormSpec("2-KNĐ", _("Lý lịch của người xin vào Đảng"), Stage.VERIFICATION, "candidate"),
    FormSpec("3-KNĐ", _("Giấy giới thiệu người vào Đảng"), Stage.INTRODUCTION, "candidate"),
    FormSpec(
        "4-KNĐ",
        _("Nghị quyết giới thiệu đoàn viên ưu tú vào Đảng"),
        Stage.INTRODUCTION,
        "union",
        "NQ",
    ),
    FormSpec(
        "5-KNĐ",
        _("Tổng hợp ý kiến nhận xét của đoàn thể và chi bộ nơi cư trú"),
        Stage.OPINIONS,
        "cell",
        "BC",
    ),
    FormSpec("6-KNĐ", _("Nghị quyết chi bộ đề nghị kết nạp"), Stage.CELL_VOTE, "cell", "NQ"),
    FormSpec(
        "8-KNĐ",
        _("Nghị quyết đảng ủy cơ sở đề nghị kết nạp"),
        Stage.GRASSROOTS_VOTE,
        "grassroots",
        "NQ",
    ),
    FormSpec("9-KNĐ", _("Quyết định kết nạp đảng viên"), Stage.DECISION, "superior", "QĐ"),
)
FORMS_BY_SLUG = {spec.slug: spec for spec in FORMS}

COMMITTEE_TITLE: dict[str, str | Promise] = {
    OrganisationKind.CENTRAL: _("BAN BÍ THƯ"),
    OrganisationKind.PROVINCE: _("BAN THƯỜNG VỤ"),
    OrganisationKind.DISTRICT: _("BAN THƯỜNG VỤ"),
    OrganisationKind.BLOC: _("BAN THƯỜNG VỤ"),
    OrganisationKind.COMMUNE: _("BAN THƯỜNG VỤ"),
    OrganisationKind.GRASSROOTS_COMMITTEE: _("ĐẢNG ỦY"),
    OrganisationKind.SUB_COMMITTEE: _("ĐẢNG ỦY"),
    OrganisationKind.GRASSROOTS_CELL: _("CHI BỘ"),
    OrganisationKind.CELL: _("CHI BỘ"),
}


__all__ = ["FORMS", "FORMS_BY_SLUG", "Chain", "FormSpec", "build_form", "organisation_chain"]


def _upper(organisation: Organisation | None) -> str:
    return organisation.name.upper() if organisation is not None else ""


def _name(organisation: Organisation | None) -> str:
    return organisation.name if organisation is not None else DOTS


def _committee(issuing: Organisation, level: str) -> str:
    """Who signs for the issuing body: a cell signs as "CHI BỘ", a grassroots organisation's
    committee as "ĐẢNG ỦY" whatever its kind (a commune committee acting as grassroots)."""
    if issuing.kind in CELL_KINDS:
        return gettext("CHI BỘ")
    if level == "grassroots":
        return gettext("ĐẢNG ỦY")
    return str(COMMITTEE_TITLE.get(issuing.kind, gettext("CẤP ỦY")))


def step_anchor(step: Step) -> str:
    return f"step-{step.pk}"


def target_path(dossier: Dossier, step: Step | None) -> str:
    """Where the QR code leads: the step on the dossier page, or the dossier page."""
    path = reverse("admissions:dossier-detail", args=[dossier.pk])
    return f"{path}#{step_anchor(step)}" if step is not None else path


def reference(dossier: Dossier, spec: FormSpec, step: Step | None) -> str:
    """A short reference a person can type: 'HS42-B317-6KNĐ' (dossier, step, form)."""
    parts = [f"HS{dossier.pk}"]
    if step is not None:
        parts.append(f"B{step.pk}")
    parts.append(spec.code.replace("-", ""))
    return "-".join(parts)


def _person(person: Any) -> dict[str, str]:
    return {
        "name": person.full_name,
        "birth": format_date(person.date_of_birth),
        "sex": person.get_sex_display(),
        "ethnic": or_dots(getattr(person.ethnic_group, "name", "")),
        "religion": or_dots(getattr(person.religion, "name", "") or gettext("Không")),
        "hometown": or_dots(person.hometown),
        "residence": or_dots(person.residence),
        "occupation": or_dots(getattr(person.occupation, "name", "")),
        "education": or_dots(person.get_general_education_display()),
        "professional": or_dots(person.get_professional_level_display()),
        "youth_union": DOTS if person.youth_union_member else gettext("Không"),
    }


def _votes(step: Step | None) -> dict[str, str]:
    if step is None or step.votes_for is None:
        return {"eligible": DOTS, "votes_for": DOTS, "votes_against": DOTS, "votes_share": DOTS}
    eligible = step.votes_eligible or 0
    return {
        "eligible": str(eligible) if eligible else DOTS,
        "votes_for": str(step.votes_for),
        "votes_against": str(step.votes_against or 0),
        "votes_share": format_ratio(step.votes_for, eligible) if eligible else DOTS,
    }


def _introducers(dossier: Dossier) -> list[dict[str, str]]:
    from dangvien.members.models import Membership

    participants = list(
        Participant.objects.filter(
            dossier=dossier, role=Participant.Role.INTRODUCER, withdrawn=False
        ).select_related("person")
    )
    memberships = {
        membership.person_id: membership
        for membership in Membership.objects.filter(
            person__in=[p.person_id for p in participants]
        ).select_related("organisation")
    }
    rows = []
    for participant in participants:
        membership = memberships.get(participant.person_id)
        together = (
            gettext("được %(months)s tháng") % {"months": participant.months_together}
            if participant.months_together
            else gettext("từ tháng …… năm …… đến nay")
        )
        rows.append(
            {
                "name": participant.person.full_name,
                "birth": format_date(participant.person.date_of_birth),
                "decision": or_dots(membership and format_date(membership.decision_date)),
                "official": or_dots(
                    membership
                    and membership.official_date
                    and format_date(membership.official_date)
                ),
                "cell": or_dots(membership and membership.organisation.name),
                "together": together,
            }
        )
    # one page per introducer; two blank ones when none is recorded yet
    blank = {
        "name": DOTS,
        "birth": DOTS,
        "decision": DOTS,
        "official": DOTS,
        "cell": DOTS,
        "together": gettext("từ tháng …… năm …… đến nay"),
    }
    return rows or [blank, dict(blank)]


def _number(spec: FormSpec, step: Step | None, issuing: Organisation) -> str:
    """The header's number line: the step's document number when it is one of the form's kind
    ("Số 05-NQ/CB"), else a dotted blank for the hand ("Số ……-NQ/CB"), never a form code."""
    if not spec.number:
        return ""
    # the Youth Union committee's symbol is not known to the product beyond "ĐTN"
    suffix = f"-{spec.number}/ĐTN" if spec.level == "union" else number_suffix(spec.number, issuing)
    return number_line(step.document_number if step is not None else "", suffix)


def form_context(
    dossier: Dossier,
    spec: FormSpec,
    steps: dict[str, Step],
    *,
    chain: Chain,
    base_url: str,
    actor: Actor,
    when: dt.datetime,
) -> tuple[dict[str, Any], str]:
    """The values of ``spec``'s template for ``dossier`` and the QR code's address."""
    step = steps.get(spec.stage)
    if spec.code == "2-KNĐ" and step is None:
        step = steps.get(Stage.APPLICATION)
    cell_vote = steps.get(Stage.CELL_VOTE)
    grassroots_vote = steps.get(Stage.GRASSROOTS_VOTE)
    introduction = steps.get(Stage.INTRODUCTION)
    verification = steps.get(Stage.VERIFICATION)
    header = {
        "candidate": (_upper(chain.cell_parent), _upper(chain.cell)),
        "cell": (_upper(chain.cell_parent), _upper(chain.cell)),
        # the union level above the committee is not known to the product: written by hand
        "union": (
            gettext("ĐOÀN …………………"),
            (introduction.details.get("union_committee", "") if introduction else "").upper()
            or gettext("BCH ĐOÀN ……………"),
        ),
        "grassroots": (_upper(chain.superior), _upper(chain.grassroots)),
        "superior": (_upper(chain.superior_parent), _upper(chain.superior)),
    }[spec.level]
    issuing = {
        "cell": chain.cell,
        "candidate": chain.cell,
        "union": chain.cell,
        "grassroots": chain.grassroots,
        "superior": chain.superior or chain.grassroots,
    }[spec.level]
    recipient = {
        "cell": chain.grassroots,
        "grassroots": chain.superior,
    }.get(spec.level)
    deciding = chain.superior or chain.grassroots
    enrolment = dossier.enrolment
    certificate = (
        gettext("giấy chứng nhận số %(number)s ngày %(date)s")
        % {
            "number": enrolment.certificate_number,
            "date": format_date(enrolment.certificate_date),
        }
        if enrolment is not None and enrolment.certificate_number
        else DOTS
    )
    url = base_url.rstrip("/") + target_path(dossier, step)
    local = timezone.localtime(when)
    context: dict[str, Any] = {
        "header_parent": header[0],
        "header_org": header[1],
        "number": _number(spec, step, issuing),
        "place_date": place_and_date("", step.date if step is not None else None),
        "person": _person(dossier.person),
        "cell_name": chain.cell.name,
        "cell_secretary": "",
        "grassroots_name": _name(chain.grassroots),
        "superior_name": _name(chain.superior),
        "committee": _committee(issuing, spec.level),
        "recipient": _name(recipient) if recipient is not None else gettext("Đảng ủy cấp trên"),
        "certificate": certificate,
        "verification": (
            gettext("đã thẩm tra, %(date)s") % {"date": format_date(verification.date)}
            if verification is not None
            else ""
        ),
        "introducers": _introducers(dossier),
        "introducer_names": (
            ", ".join(p["name"] for p in _introducers(dossier) if p["name"] != DOTS)
            or gettext("người giới thiệu")
        ),
        "union_committee": or_dots(
            introduction.details.get("union_committee", "") if introduction else ""
        ),
        "step_date": format_date(step.date) if step is not None else DOTS,
        "vote_date": long_date(step.date if step is not None else None).removeprefix("ngày "),
        "cell_resolution": (
            document_number(cell_vote.document_number, number_suffix("NQ", chain.cell))
            if cell_vote is not None
            else DOTS
        ),
        "cell_vote_date": format_date(cell_vote.date) if cell_vote is not None else DOTS,
        "cell_votes": (
            f"{cell_vote.votes_for}/{cell_vote.votes_eligible}"
            if cell_vote is not None and cell_vote.votes_for is not None
            else DOTS
        ),
        "grassroots_resolution": (
            document_number(grassroots_vote.document_number, number_suffix("NQ", chain.grassroots))
            if grassroots_vote is not None
            else DOTS
        ),
        "grassroots_vote_date": (
            format_date(grassroots_vote.date) if grassroots_vote is not None else DOTS
        ),
        "deciding_body": (
            "{} {}".format(
                COMMITTEE_TITLE.get(deciding.kind, gettext("CẤP ỦY")), deciding.name.upper()
            )
        ),
        "deciding_committee": str(COMMITTEE_TITLE.get(deciding.kind, gettext("CẤP ỦY"))),
        "deciding_signer": gettext("BÍ THƯ"),
        **_votes(step if spec.level in ("cell", "grassroots") else None),
        "reference": reference(dossier, spec, step),
        "qr_hint": gettext("Quét mã để mở %(target)s và đính kèm bản đã ký.")
        % {"target": gettext("bước hồ sơ") if step is not None else gettext("hồ sơ")},
        "stamp": gettext("Mẫu %(code)s · in lúc %(when)s · người in: %(who)s")
        % {"code": spec.code, "when": format_datetime(local), "who": actor},
    }
    return context, url


def current_steps(dossier: Dossier) -> dict[str, Step]:
    return {step.stage: step for step in Step.objects.filter(dossier=dossier)}


def build_form(
    dossier: Dossier, spec: FormSpec, *, base_url: str, actor: Actor, when: dt.datetime
) -> bytes:
    """The filled .docx of ``spec`` for ``dossier``."""
    context, url = form_context(
        dossier,
        spec,
        current_steps(dossier),
        chain=organisation_chain(dossier.organisation),
        base_url=base_url,
        actor=actor,
        when=when,
    )
    return render_form(spec.template, context, qr_data=url)


def form_rows(dossier: Dossier, steps: dict[str, Step]) -> list[dict[str, Any]]:
    """The «In biểu mẫu» list of the dossier page: each form, its stage and its step."""
    rows = []
    for spec in FORMS:
        step = steps.get(spec.stage)
        rows.append(
            {
                "spec": spec,
                "stage_label": Stage(spec.stage).label,
                "step": step,
                "url": reverse("admissions:dossier-form", args=[dossier.pk, spec.slug]),
            }
        )
    return rows


def forms_for_stage(stage: str) -> list[FormSpec]:
    return [spec for spec in FORMS if spec.stage == stage]


def file_name(dossier: Dossier, spec: FormSpec) -> str:
    return f"{spec.slug}-hs{dossier.pk}.docx"


def export_form(
    dossier: Dossier, spec: FormSpec, *, actor: Actor, base_url: str
) -> tuple[bytes, str]:
    """Audit the print (``services.record_form_print``: needs ``export.run``), then build it;
    the page and the API both print through here."""
    from dangvien.admissions import services

    steps = current_steps(dossier)
    step = steps.get(spec.stage)
    services.record_form_print(
        dossier, code=spec.code, step=step, reference=reference(dossier, spec, step), actor=actor
    )
    context, url = form_context(
        dossier,
        spec,
        steps,
        chain=organisation_chain(dossier.organisation),
        base_url=base_url,
        actor=actor,
        when=timezone.now(),
    )
    return render_form(spec.template, context, qr_data=url), file_name(dossier, spec)
