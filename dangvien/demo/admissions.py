"""Demo dossiers: in a few cells, one dossier at every stage of the pipeline, some of them past
their legal deadline (a decision not taken within 60 working days, a ceremony not held within
30), plus a stopped dossier and an awareness class with its certificates.

Everything goes through the real services (training.create_class/enrol/complete,
admissions.open_dossier/record_step/stop_dossier), so the audit trail and the cached deadlines
are real. Dates are drawn relative to ``ctx.today``. A dossier whose candidate fails a check
(the demo people are random) is skipped, never forced.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangvien.core.errors import DomainError

# (target stage, days before ctx.today of the first step, spacing in days between steps)
PLAN: list[tuple[str, int, int]] = [
    ("outstanding", 20, 5),
    ("class", 60, 10),
    ("application", 80, 10),
    ("verification", 100, 10),
    ("introduction", 110, 10),
    ("opinions", 120, 10),
    ("cell_vote", 190, 12),  # cell vote ~100 days ago: decision overdue
    ("cell_vote", 120, 8),  # cell vote ~60 days ago: decision due soon or later
    ("grassroots_vote", 140, 10),
    ("decision", 200, 12),  # decision ~80 days ago: ceremony overdue
    ("decision", 120, 10),  # decision recently: ceremony due within the horizon
    ("ceremony", 220, 15),
]


def _candidates(ctx: Any, cell: Any, today: dt.date) -> list[Any]:
    from dangvien.admissions.models import Dossier
    from dangvien.people.choices import GENERAL_EDUCATION_RANK, GeneralEducation

    taken = set(Dossier.objects.values_list("person_id", flat=True))
    members = {member.person_id for member in ctx.members}
    result = []
    for person in ctx.people:
        if person.organisation_id != cell.pk or person.pk in members or person.pk in taken:
            continue
        age = (today - person.date_of_birth).days / 365.25
        education = GENERAL_EDUCATION_RANK[GeneralEducation(person.general_education)]
        if 19 <= age <= 58 and education >= 3:
            result.append(person)
    return result


def _officials(ctx: Any, cell: Any) -> list[Any]:
    return [
        member.person
        for member in ctx.members
        if member.organisation_id == cell.pk and member.status == "official"
    ]


# Dossiers that cross 1/7/2025 (full demo: village cells of the former district): opened under
# an old commune in the spring of 2025, voted by the cell before or after the date, decided by
# the new commune committee after it (294-QĐ/TW). All are outstanding on 17/3/2025 and follow
# the 2025 class; (first step, days between steps):
CROSSING: list[tuple[dt.date, int]] = [
    (dt.date(2025, 3, 17), 14),  # cell 9/6, grassroots 23/6 (old commune), decision 7/7 (new)
    (dt.date(2025, 3, 17), 17),  # cell vote 27/6; grassroots vote 14/7, decision 31/7
    (dt.date(2025, 3, 17), 21),  # cell vote 21/7: from the vote on under the new tree
]
CROSSING_CLASS = (dt.date(2025, 3, 24), dt.date(2025, 3, 28))


def _build_dossier(
    ctx: Any,
    cell: Any,
    person: Any,
    target: str,
    day: dt.date,
    spacing: int,
    awareness: Any,
    *,
    index: int,
    today: dt.date,
    state: dict[str, int],
    months_together: int | None = None,
    officials: list[Any] | None = None,
) -> Any:
    """Open a dossier for ``person`` in ``cell`` on ``day`` and record its steps ``spacing``
    days apart up to ``target``; None (logged) when the candidate fails a check."""
    from dangvien.admissions import services
    from dangvien.admissions.choices import STAGE_ORDER, Stage
    from dangvien.training import services as training

    actor = ctx.actor
    officials = officials or _officials(ctx, cell)
    try:
        dossier = services.open_dossier(
            person=person,
            organisation=cell,
            date=day,
            document_number=f"BB {index + 1:02d}/CB",
            helpers=[officials[0]],
            actor=actor,
        )
        enrolment = None
        while dossier.stage != target:
            stage = STAGE_ORDER[STAGE_ORDER.index(Stage(dossier.stage)) + 1]
            day = min(day + dt.timedelta(days=spacing), today)
            kwargs: dict[str, Any] = {}
            if stage == Stage.CLASS:
                state["certificate_no"] += 1
                enrolment = training.enrol_person(awareness, person=person, actor=actor)
                # completing the class records the class step itself (sympathiser)
                training.complete_enrolment(
                    enrolment,
                    certificate_number=f"{state['certificate_no']:03d}/GCN-TTCT",
                    certificate_date=awareness.end_date,
                    actor=actor,
                )
                dossier.refresh_from_db()
                if dossier.stage == Stage.CLASS:
                    continue
                kwargs["enrolment"] = enrolment
            elif stage == Stage.INTRODUCTION:
                kwargs["introducers"] = [
                    {
                        "person": officials[1],
                        "months_together": months_together or 24 + index,
                    },
                    {"person": officials[2], "months_together": 14},
                ]
            elif stage == Stage.CELL_VOTE:
                eligible = services.count_official_members(cell, day)
                kwargs.update(votes_for=eligible, votes_against=0)
            elif stage == Stage.GRASSROOTS_VOTE:
                kwargs.update(votes_eligible=9, votes_for=8, votes_against=1)
            elif stage == Stage.DECISION:
                kwargs["received_on"] = min(day + dt.timedelta(days=2), today)
            document = {
                Stage.APPLICATION: "1-KNĐ, 2-KNĐ",
                Stage.VERIFICATION: "2-KNĐ",
                Stage.INTRODUCTION: "3-KNĐ",
                Stage.OPINIONS: "5-KNĐ",
                Stage.CELL_VOTE: f"{index + 1:02d}-NQ/CB",
                Stage.GRASSROOTS_VOTE: f"{index + 1:02d}-NQ/ĐU",
                Stage.DECISION: f"{index + 100}-QĐ/ĐU",
            }.get(stage, "")
            services.record_step(
                dossier,
                stage=stage,
                date=day,
                actor=actor,
                document_number=document,
                **kwargs,
            )
            dossier.refresh_from_db()
    except DomainError as exc:
        ctx.log(f"admissions demo: skipped {person}: {exc.message}")
        return None
    return dossier


def _crossing(ctx: Any, cells: list[Any], today: dt.date, state: dict[str, int]) -> int:
    """The dossiers of ``CROSSING`` in village cells of the former communes merged into the new
    Mường Luân (full demo), each up to its ceremony; a candidate who fails a check is replaced
    by the next one in the next cell."""
    from dangvien.training import services as training

    villages = [
        c
        for c in cells
        if c.code.startswith("DBD-") and c.area_kind == "village" and c.code != "DBD-ML-01"
    ]
    # the former communes of the new Mường Luân first: the office and the committee member
    # scoped there (vanphong, capuy) see the dossiers their new committee decided
    villages.sort(key=lambda c: c.code.split("-")[1] not in ("ML", "LG", "PN"))
    if ctx.small or getattr(ctx, "before_2025", False) or not villages:
        return 0
    awareness = training.create_class(
        kind="awareness",
        name="Lớp bồi dưỡng nhận thức về Đảng khóa I năm 2025",
        organiser=ctx.province,
        start_date=CROSSING_CLASS[0],
        end_date=CROSSING_CLASS[1],
        actor=ctx.actor,
    )
    created = 0
    for number, (first, spacing) in enumerate(CROSSING):
        for attempt in range(len(villages)):
            cell = villages[(number * 5 + attempt) % len(villages)]
            people = _candidates(ctx, cell, first)
            # helpers and introducers must already be official members on the first step
            officials = [
                m.person
                for m in ctx.members
                if m.organisation_id == cell.pk and m.official_date and m.official_date < first
            ]
            if not people or len(officials) < 3:
                continue
            dossier = _build_dossier(
                ctx, cell, people[0], "ceremony", first, spacing, awareness,
                index=90 + number, today=today, state=state, months_together=14,
                officials=officials,
            )  # fmt: skip
            if dossier is not None:
                created += 1
                break
    return created


def seed(ctx: Any) -> None:
    from dangvien.admissions import services
    from dangvien.admissions.models import Dossier
    from dangvien.training import services as training

    if Dossier.objects.exists() or not ctx.cells or ctx.actor is None:
        return
    actor = ctx.actor
    today = ctx.today - dt.timedelta(days=1)
    cells = [cell for cell in ctx.cells if len(_officials(ctx, cell)) >= 3]
    if not cells:
        ctx.log("admissions demo: no cell with 3 official members; skipped")
        return
    organiser = ctx.province
    awareness = training.create_class(
        kind="awareness",
        name="Lớp bồi dưỡng nhận thức về Đảng khóa I",
        organiser=organiser,
        start_date=today - dt.timedelta(days=250),
        end_date=today - dt.timedelta(days=245),
        actor=actor,
    )
    state = {"certificate_no": 0}
    created = 0
    for index, (target, back, spacing) in enumerate(PLAN * 2):
        found = None
        for offset in range(len(cells)):
            cell = cells[(index + offset) % len(cells)]
            people = _candidates(ctx, cell, today)
            if people:
                found = cell
                break
        if found is None:
            break
        cell = found
        person = people[ctx.rng.randrange(len(people))]
        dossier = _build_dossier(
            ctx, cell, person, target, today - dt.timedelta(days=back), spacing, awareness,
            index=index, today=today, state=state,
        )  # fmt: skip
        if dossier is None:
            continue
        created += 1
        if index == len(PLAN):  # one stopped dossier: the candidate moved away
            services.stop_dossier(
                dossier,
                reason="moved_away",
                date=today,
                note="Đi làm công nhân ở tỉnh khác",
                actor=actor,
            )
    created += _crossing(ctx, cells, today, state)
    ctx.log(f"admissions demo: {created} dossiers")
