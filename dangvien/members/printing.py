"""The forms of the recognition as an official member (10–13, 15-KNĐ and the decision),
printed as Word documents pre-filled from the membership and its recognition steps, with the
QR code of the step on the probation page and a short reference (docs/forms.md). Templates:
``documents/form_*.docx``, built by ``scripts/make_form_templates.py``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
from dangvien.members.choices import RecognitionStage
from dangvien.members.models import HelperAssignment, Membership, RecognitionStep
from dangvien.organisations.chain import Chain, number_suffix, organisation_chain
from dangvien.organisations.choices import CELL_KINDS, OrganisationKind
from dangvien.organisations.models import Organisation

if TYPE_CHECKING:
    from dangvien.core.typing import Actor

DOCUMENTS = Path(__file__).resolve().parent / "documents"


class FormSpec(documents.FormSpec):
    folder = DOCUMENTS


FORMS: tuple[FormSpec, ...] = (
    FormSpec(
        "10-KNĐ", _("Bản tự kiểm điểm của đảng viên dự bị"), RecognitionStage.SELF_REVIEW, "member"
    ),
    FormSpec(
        "11-KNĐ",
        _("Bản nhận xét của đảng viên giúp đỡ"),
        RecognitionStage.HELPER_COMMENT,
        "member",
    ),
    FormSpec(
        "12-KNĐ",
        _("Tổng hợp ý kiến nhận xét của đoàn thể và chi bộ nơi cư trú"),
        RecognitionStage.OPINIONS,
        "cell",
        "BC",
    ),
    FormSpec(
        "13-KNĐ",
        _("Nghị quyết chi bộ đề nghị công nhận đảng viên chính thức"),
        RecognitionStage.CELL_VOTE,
        "cell",
        "NQ",
    ),
    FormSpec(
        "15-KNĐ",
        _("Nghị quyết đảng ủy cơ sở đề nghị công nhận đảng viên chính thức"),
        RecognitionStage.GRASSROOTS_RESOLUTION,
        "grassroots",
        "NQ",
    ),
    FormSpec(
        "QĐ-CNCT",
        _("Quyết định công nhận đảng viên chính thức"),
        RecognitionStage.DECISION,
        "superior",
        "QĐ",
    ),
)
FORMS_BY_SLUG = {spec.slug: spec for spec in FORMS}

STANDING = {
    OrganisationKind.CENTRAL,
    OrganisationKind.PROVINCE,
    OrganisationKind.DISTRICT,
    OrganisationKind.BLOC,
    OrganisationKind.COMMUNE,
}


def _committee(organisation: Organisation | None, level: str) -> str:
    if organisation is None:
        return gettext("CẤP ỦY")
    if organisation.kind in CELL_KINDS:
        return gettext("CHI BỘ")
    if level == "superior" and organisation.kind in STANDING:
        return gettext("BAN THƯỜNG VỤ")
    return gettext("ĐẢNG ỦY")


def current_steps(membership: Membership) -> dict[str, RecognitionStep]:
    """The step of each stage (the last round of the cell vote)."""
    steps: dict[str, RecognitionStep] = {}
    for step in RecognitionStep.objects.filter(membership=membership).order_by("round", "pk"):
        steps[step.stage] = step
    return steps


def target_path(membership: Membership, step: RecognitionStep | None) -> str:
    path = reverse("members:member-probation", args=[membership.pk])
    return f"{path}#recognition-{step.stage}" if step is not None else path


def reference(membership: Membership, spec: FormSpec, step: RecognitionStep | None) -> str:
    """'DV42-CN17-13KNĐ' (membership, recognition step, form)."""
    parts = [f"DV{membership.pk}"]
    if step is not None:
        parts.append(f"CN{step.pk}")
    parts.append(spec.code.replace("-", ""))
    return "-".join(parts)


def _upper(organisation: Organisation | None) -> str:
    return organisation.name.upper() if organisation is not None else ""


def _name(organisation: Organisation | None) -> str:
    return organisation.name if organisation is not None else DOTS


def form_context(
    membership: Membership,
    spec: FormSpec,
    steps: dict[str, RecognitionStep],
    *,
    chain: Chain,
    base_url: str,
    actor: Actor,
    when: dt.datetime,
) -> tuple[dict[str, Any], str]:
    from dangvien.members.services import new_member_certificate

    step = steps.get(spec.stage)
    cell_vote = steps.get(RecognitionStage.CELL_VOTE)
    grassroots = steps.get(RecognitionStage.GRASSROOTS_RESOLUTION)
    person = membership.person
    helper = (
        HelperAssignment.objects.filter(membership=membership)
        .select_related("helper__person")
        .order_by("-start_date", "-pk")
        .first()
    )
    certificate = new_member_certificate(membership)
    header = {
        "member": (_upper(chain.cell_parent), _upper(chain.cell)),
        "cell": (_upper(chain.cell_parent), _upper(chain.cell)),
        "grassroots": (_upper(chain.superior), _upper(chain.grassroots)),
        "superior": (_upper(chain.superior_parent), _upper(chain.superior)),
    }[spec.level]
    issuing = {
        "member": chain.cell,
        "cell": chain.cell,
        "grassroots": chain.grassroots,
        "superior": chain.superior or chain.grassroots,
    }[spec.level]
    recipient = {"cell": chain.grassroots, "grassroots": chain.superior}.get(spec.level)
    deciding = chain.superior or chain.grassroots
    votes: dict[str, str] = {
        "eligible": DOTS,
        "votes_for": DOTS,
        "votes_against": DOTS,
        "votes_share": DOTS,
    }
    if step is not None and step.votes_for is not None and step.votes_eligible:
        votes = {
            "eligible": str(step.votes_eligible),
            "votes_for": str(step.votes_for),
            # not recorded: against and abstentions are written by hand
            "votes_against": DOTS,
            "votes_share": format_ratio(step.votes_for, step.votes_eligible),
        }
    # the header's number: the step's when it is one of the form's kind, never a form code
    number = (
        number_line(
            step.document_number if step is not None else "", number_suffix(spec.number, issuing)
        )
        if spec.number
        else ""
    )
    url = base_url.rstrip("/") + target_path(membership, step)
    local = timezone.localtime(when)
    context: dict[str, Any] = {
        "header_parent": header[0],
        "header_org": header[1],
        "number": number,
        "place_date": place_and_date("", step.date if step is not None else None),
        "person": {"name": person.full_name, "birth": format_date(person.date_of_birth)},
        "cell_name": chain.cell.name,
        "cell_secretary": "",
        "grassroots_name": _name(chain.grassroots),
        "superior_name": _name(chain.superior),
        "committee": _committee(issuing, spec.level),
        "recipient": _name(recipient) if recipient is not None else gettext("Đảng ủy cấp trên"),
        # the admission decision: issued by the committee that decides (no step of its own)
        "decision_number": document_number(
            membership.decision_number, number_suffix("QĐ", deciding)
        ),
        "decision_date": format_date(membership.decision_date),
        "ceremony_date": or_dots(
            membership.ceremony_date and format_date(membership.ceremony_date)
        ),
        "probation_end": or_dots(
            membership.probation_end and format_date(membership.probation_end)
        ),
        "helper_name": helper.helper.person.full_name if helper is not None else "",
        "new_member_class": (
            gettext("giấy chứng nhận số %(number)s ngày %(date)s")
            % {
                "number": certificate.certificate_number,
                "date": format_date(certificate.certificate_date),
            }
            if certificate is not None
            else DOTS
        ),
        "vote_date": long_date(step.date if step is not None else None).removeprefix("ngày "),
        "cell_resolution": (
            document_number(cell_vote.document_number, number_suffix("NQ", chain.cell))
            if cell_vote is not None
            else DOTS
        ),
        "cell_vote_date": format_date(cell_vote.date) if cell_vote is not None else DOTS,
        "grassroots_resolution": (
            document_number(grassroots.document_number, number_suffix("NQ", chain.grassroots))
            if grassroots is not None
            else DOTS
        ),
        "grassroots_vote_date": format_date(grassroots.date) if grassroots is not None else DOTS,
        "deciding_body": f"{_committee(deciding, 'superior')} {deciding.name.upper()}",
        "deciding_committee": _committee(deciding, "superior"),
        "deciding_signer": gettext("BÍ THƯ"),
        **votes,
        "reference": reference(membership, spec, step),
        "qr_hint": gettext("Quét mã để mở %(target)s và đính kèm bản đã ký.")
        % {"target": gettext("bước công nhận") if step is not None else gettext("hồ sơ dự bị")},
        "stamp": gettext("Mẫu %(code)s · in lúc %(when)s · người in: %(who)s")
        % {"code": spec.code, "when": format_datetime(local), "who": actor},
    }
    return context, url


def export_form(
    membership: Membership, spec: FormSpec, *, actor: Actor, base_url: str
) -> tuple[bytes, str]:
    """Audit the print (``services.record_form_print``: needs ``export.run``), then build it."""
    from dangvien.members import services

    steps = current_steps(membership)
    step = steps.get(spec.stage)
    services.record_form_print(
        membership,
        code=spec.code,
        step=step,
        reference=reference(membership, spec, step),
        actor=actor,
    )
    context, url = form_context(
        membership,
        spec,
        steps,
        chain=organisation_chain(membership.organisation),
        base_url=base_url,
        actor=actor,
        when=timezone.now(),
    )
    content = render_form(spec.template, context, qr_data=url)
    return content, f"{spec.slug}-dv{membership.pk}.docx"


def form_rows(membership: Membership) -> list[dict[str, Any]]:
    steps = current_steps(membership)
    return [
        {
            "spec": spec,
            "stage_label": RecognitionStage(spec.stage).label,
            "step": steps.get(spec.stage),
            "url": reverse("members:member-form", args=[membership.pk, spec.slug]),
        }
        for spec in FORMS
    ]
