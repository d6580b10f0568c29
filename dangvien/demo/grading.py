"""Demo grading for 2025 (366-QĐ/TW, 100-point scale), so the grading report shows something:

- the cell secretary's cell (DBD-ML-01) goes through the services: the secretary's proposal
  and the grassroots office's approval (audit events like a real sheet);
- every other probationary or official member admitted by 31/12/2025 gets a proposal and an
  approval, bulk-created with one audit event saying so: scores mostly 70–89 (HTT), about one
  in six 90 and over, a few HT, one in fifty KHT, a few disciplined members capped at HTT;
- every cell and grassroots organisation under a commune or bloc gets its committee's grade.

Deterministic (``ctx.rng``) and run once: it stops when a 2025 grade exists.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

YEAR = 2025
SERVICE_CELL = "DBD-ML-01"


def _score(rng: Any) -> Decimal:
    draw = rng.random()
    if draw < 0.02:
        low, high = 30, 49
    elif draw < 0.10:
        low, high = 50, 69
    elif draw < 0.83:
        low, high = 70, 89
    else:
        low, high = 90, 98
    return Decimal(rng.randint(low * 2, high * 2)) / 2


def seed(ctx: Any) -> None:
    from dangvien.audit.services import record
    from dangvien.grading import services
    from dangvien.grading.choices import MemberStep, OrganisationStep
    from dangvien.grading.models import MemberGrade, OrganisationGrade
    from dangvien.grading.selectors import GRADABLE_ORGANISATION_KINDS, GRADED_STATUSES
    from dangvien.members.models import Membership
    from dangvien.organisations.models import Organisation

    province = getattr(ctx, "organisations", {}).get("DB") if ctx is not None else None
    actor = getattr(ctx, "actor", None)
    if province is None or actor is None:
        return
    if MemberGrade.objects.filter(year=YEAR).exists():
        return
    rng = ctx.rng
    today: dt.date = ctx.today
    end = dt.date(YEAR, 12, 31)
    bands = services.bands_for_period(YEAR, 0)
    org_bands = services.bands_for_period(YEAR, 0, prefix="grading_org")
    members = list(
        Membership.objects.filter(
            organisation__path__startswith=province.path,
            status__in=GRADED_STATUSES,
            decision_date__lte=end,
        )
        .select_related("organisation")
        .order_by("pk")
    )
    # the cell secretary's cell through the services
    service_cell = ctx.organisations.get(SERVICE_CELL)
    secretary, office = ctx.users.get("bithu"), ctx.users.get("vanphong")
    if service_cell is not None and secretary is not None and office is not None:
        own = [m for m in members if m.organisation_id == service_cell.pk]
        entries = [
            services.Entry(m.pk, str(_score(rng)), disciplined=i == 1) for i, m in enumerate(own)
        ]
        if entries:
            for step, who in ((MemberStep.CELL_PROPOSAL, secretary), (MemberStep.APPROVAL, office)):
                services.record_member_grades(
                    service_cell,
                    year=YEAR,
                    step=step,
                    entries=entries,
                    actor=who,
                    note="Dữ liệu mẫu",
                    today=today,
                )
        members = [m for m in members if m.organisation_id != service_cell.pk]
    rows: list[MemberGrade] = []
    for membership in members:
        score = _score(rng)
        disciplined = rng.random() < 0.01
        grade = bands.grade(score, disciplined=disciplined)
        for step in (MemberStep.CELL_PROPOSAL, MemberStep.APPROVAL):
            rows.append(
                MemberGrade(
                    membership=membership,
                    organisation=membership.organisation,
                    year=YEAR,
                    quarter=0,
                    step=step,
                    score=score,
                    disciplined=disciplined,
                    grade=grade,
                    rule_set=bands.rule_set,
                    note="Dữ liệu mẫu",
                    actor=actor,
                    actor_name=str(actor),
                )
            )
    MemberGrade.objects.bulk_create(rows, batch_size=2000)
    organisations = list(
        Organisation.objects.filter(
            path__startswith=province.path, kind__in=GRADABLE_ORGANISATION_KINDS
        ).order_by("path")
    )
    org_rows = []
    for organisation in organisations:
        score = _score(rng)
        org_rows.append(
            OrganisationGrade(
                organisation=organisation,
                year=YEAR,
                quarter=0,
                step=OrganisationStep.APPROVAL,
                score=score,
                grade=org_bands.grade(score),
                rule_set=org_bands.rule_set,
                note="Dữ liệu mẫu",
                actor=actor,
                actor_name=str(actor),
            )
        )
    OrganisationGrade.objects.bulk_create(org_rows, batch_size=2000)
    record(
        actor=actor,
        action="grading.member_grade.recorded",
        organisation=province,
        data={
            "period": YEAR,
            "bulk_members": len(rows) // 2,
            "bulk_organisations": len(org_rows),
            "note": "Xếp loại mẫu năm 2025 (nhập hàng loạt)",
        },
    )
