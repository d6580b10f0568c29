"""All writes of the admission pipeline: open a dossier, record each step in order, stop it,
record an extension or an approval. Every refusal is a DomainError in Vietnamese; the rule
values come from the rule set in force on the step's date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangvien.accounts.rules import require_step_authority
from dangvien.admissions import eligibility as el
from dangvien.admissions.choices import STAGE_ORDER, DossierStatus, Stage, StopReason
from dangvien.admissions.counters import SUBJECT as STEPS
from dangvien.admissions.models import (
    Approval,
    Dossier,
    FailedVote,
    Participant,
    Step,
    StepAttachment,
    StepCorrection,
)
from dangvien.audit.services import record
from dangvien.core import corrections, counters
from dangvien.core.calendar import add_working_days
from dangvien.core.dates import add_months, full_months
from dangvien.core.errors import DomainError
from dangvien.core.scoping import can
from dangvien.core.typing import AnyUser
from dangvien.organisations.services import require_in_force
from dangvien.rules.models import RuleSet
from dangvien.rules.selectors import check_committee_total, get_rule_set, get_rule_set_or_earliest

if TYPE_CHECKING:
    from dangvien.accounts.models import User
    from dangvien.organisations.models import Organisation
    from dangvien.people.models import Person
    from dangvien.training.models import Enrolment

VOTE_STAGES = {Stage.CELL_VOTE, Stage.GRASSROOTS_VOTE}

# Step authority: the action (accounts.rules.ROLE_ACTIONS says which roles hold it) needed to
# record each stage. The cell records its own meetings and papers; the grassroots committee
# (its office) verifies the background and reviews; the deciding bodies decide.
STAGE_ACTIONS: dict[str, str] = {
    Stage.OUTSTANDING: "dossier.change",
    Stage.CLASS: "dossier.change",
    Stage.APPLICATION: "dossier.change",
    Stage.VERIFICATION: "dossier.committee",
    Stage.INTRODUCTION: "dossier.change",
    Stage.OPINIONS: "dossier.change",
    Stage.CELL_VOTE: "dossier.change",
    Stage.GRASSROOTS_VOTE: "dossier.committee",
    Stage.DECISION: "dossier.decide",
    Stage.CEREMONY: "dossier.change",
}
DECIDE_STAGES = {stage for stage, action in STAGE_ACTIONS.items() if action == "dossier.decide"}


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def _require(actor: User, action: str, organisation: Organisation) -> None:
    if not can(actor, action, organisation):
        raise PermissionDenied(action)


def stage_label(stage: str) -> str:
    return str(Stage(stage).label)


def next_stage(dossier: Dossier) -> str | None:
    index = STAGE_ORDER.index(Stage(dossier.stage))
    return STAGE_ORDER[index + 1].value if index + 1 < len(STAGE_ORDER) else None


def action_for(stage: str) -> str:
    return STAGE_ACTIONS.get(stage, "dossier.change")


def authority_organisation(organisation: Organisation, action: str, on: dt.date) -> Organisation:
    """Where ``action`` must be held to act for the cell ``organisation`` on ``on``. The level
    of each action is data (``members.selectors.LEVEL_OF_ACTION``): a decision belongs to the
    deciding committee of that date (the rule set's ``superior_committee_kinds``: the district
    before 1/7/2025, the commune-level committee after), so a role must cover that committee,
    not merely the cell; other actions are held on the cell's own tree."""
    from dangvien.members.selectors import LEVEL_OF_ACTION, deciding_committee

    if LEVEL_OF_ACTION.get(action) == "superior":
        found = deciding_committee(organisation, on=on)
        if found is not None:
            return found
    return organisation


def check_step_authority(
    actor: AnyUser, stage: str, organisation: Organisation, *, on: dt.date | None = None
) -> None:
    """Refuse (403, ``Forbidden`` naming the step, the caller's role and the roles required)
    when the actor's role may not record ``stage`` for a dossier of ``organisation`` on ``on``
    (today by default): the stage's action (``STAGE_ACTIONS``) held where that action's level
    acts on that date (``authority_organisation``)."""
    from dangvien.members.selectors import LEVEL_OF_ACTION

    label = stage_label(stage) if stage in Stage.values else stage
    action = action_for(stage)
    day = on or _today()
    where = authority_organisation(organisation, action, day)
    if where.pk != organisation.pk:
        label = _("%(step)s, thẩm quyền của %(organisation)s") % {
            "step": label,
            "organisation": where.name,
        }
    deciding = LEVEL_OF_ACTION.get(action) == "superior"
    require_step_authority(actor, action, where, step=label, on=day if deciding else None)


def official_on(person: Person, day: dt.date) -> bool:
    """The person is an official member on ``day`` (status official; official since then)."""
    membership = getattr(person, "membership", None)
    if membership is None:
        from dangvien.members.models import Membership

        membership = Membership.objects.filter(person=person).first()
    if membership is None or membership.status != "official":
        return False
    return membership.official_date is None or membership.official_date <= day


def count_official_members(organisation: Organisation, day: dt.date) -> int:
    """Official members of the cell ``organisation`` on ``day`` — all of them, not those
    present at the meeting — as the cell was on that day (from the members' status and
    transfer history: ``members.selectors.count_official_members_on``)."""
    from dangvien.members.selectors import count_official_members_on

    return count_official_members_on(organisation, day)


VOTE_WHOLE = {
    Stage.CELL_VOTE: _("số đảng viên chính thức của chi bộ"),
    Stage.GRASSROOTS_VOTE: _("số ủy viên đảng ủy cơ sở"),
}


def describe_votes_needed_for(stage: str, eligible: int, day: dt.date) -> str:
    """ "cần ít nhất 12/18 phiếu tán thành, bằng 2/3 số đảng viên chính thức của chi bộ"."""
    from dangvien.rules.selectors import describe_votes_needed

    rule = "cell_vote_fraction" if stage == Stage.CELL_VOTE else "grassroots_vote_fraction"
    return describe_votes_needed(
        get_rule_set(on=day).fraction(rule), eligible, of=str(VOTE_WHOLE[Stage(stage)])
    )


def describe_failed_vote(vote: FailedVote) -> str:
    """A failed admission vote in words: the result, what was needed, and what may follow
    (another round, or after the limit of rounds the superior committee or a stop)."""
    limit = get_rule_set(on=vote.date).int_value("failed_votes_escalate_after")
    if vote.round >= limit:
        follow = _(
            "Đã biểu quyết %(limit)s lần không đạt: báo cáo cấp ủy cấp trên xem xét, quyết định"
            " (cấp trên ghi lần biểu quyết tiếp theo) hoặc dừng hồ sơ với lý do «không được"
            " biểu quyết thông qua»."
        ) % {"limit": limit}
    else:
        follow = _(
            "Có thể biểu quyết lại (còn %(left)s lần trước khi báo cáo cấp trên) hoặc dừng hồ"
            " sơ với lý do."
        ) % {"left": limit - vote.round}
    return _(
        "%(stage)s lần %(round)s không đạt: %(votes_for)s/%(eligible)s tán thành; %(needed)s."
        " %(follow)s"
    ) % {
        "stage": stage_label(vote.stage),
        "round": vote.round,
        "votes_for": vote.votes_for,
        "eligible": vote.votes_eligible,
        "needed": describe_votes_needed_for(vote.stage, vote.votes_eligible, vote.date),
        "follow": follow,
    }


def _check_member_official(person: Person, day: dt.date, role: str) -> None:
    if not official_on(person, day):
        from dangvien.members.models import Membership

        membership = Membership.objects.filter(person=person).first()
        if membership is None:
            found = _("chưa là đảng viên")
        elif membership.status == "official" and membership.official_date:
            found = _("đảng viên chính thức từ ngày %(date)s") % {
                "date": el.fmt(membership.official_date)
            }
        else:
            found = str(membership.get_status_display())
        raise DomainError(
            _(
                "%(role)s %(person)s phải là đảng viên chính thức vào ngày %(day)s;"
                " hiện tại: %(found)s."
            )
            % {
                "role": role,
                "person": person,
                "day": el.fmt(day),
                "found": str(found).lower(),
            },
            rule="official_member",
            found=str(found),
            required=_("đảng viên chính thức"),
            field="introducers" if role == _("Người giới thiệu") else "helpers",
        )


# --- deadlines -------------------------------------------------------------------------------


def compute_deadline(dossier: Dossier) -> tuple[dt.date | None, str]:
    """The next legal deadline of an open dossier and what it is for."""
    if dossier.status != DossierStatus.OPEN:
        return None, ""
    steps = {step.stage: step for step in Step.objects.filter(dossier=dossier)}
    decision = steps.get(Stage.DECISION)
    cell_vote = steps.get(Stage.CELL_VOTE)
    certificate_date = (
        dossier.enrolment.certificate_date if dossier.enrolment_id and dossier.enrolment else None
    )
    return deadline_from(
        decision=(decision.date, decision.received_on, decision.rule_set) if decision else None,
        cell_vote=(cell_vote.date, cell_vote.rule_set) if cell_vote else None,
        extension_working_days=dossier.extension_working_days,
        certificate_date=certificate_date,
    )


def deadline_from(
    *,
    decision: tuple[dt.date, dt.date | None, RuleSet | None] | None,
    cell_vote: tuple[dt.date, RuleSet | None] | None,
    extension_working_days: int | None,
    certificate_date: dt.date | None,
) -> tuple[dt.date | None, str]:
    """``compute_deadline`` from the dates of an open dossier's steps: the decision (date, day
    received, rule set), the cell vote (date, rule set), the extension, the awareness
    certificate. Also used by bulk writers that know these dates without reading the steps."""
    if decision is not None:
        day, received_on, rule_set = decision
        rule_set = rule_set or get_rule_set(on=day)
        start = received_on or day
        return add_working_days(start, rule_set.int_value("ceremony_working_days")), "ceremony"
    if cell_vote is not None:
        day, rule_set = cell_vote
        rule_set = rule_set or get_rule_set(on=day)
        days = rule_set.int_value("decision_working_days") + (extension_working_days or 0)
        return add_working_days(day, days), "decision"
    if certificate_date:
        rule_set = get_rule_set_or_earliest(on=certificate_date)
        months = rule_set.int_value("certificate_valid_months")
        return add_months(certificate_date, months), "certificate_expiry"
    return None, ""


def refresh_deadline(dossier: Dossier) -> Dossier:
    deadline, kind = compute_deadline(dossier)
    if (dossier.next_deadline, dossier.next_deadline_kind) != (deadline, kind):
        dossier.next_deadline, dossier.next_deadline_kind = deadline, kind
        dossier.save(update_fields=["next_deadline", "next_deadline_kind"])
    return dossier


def refresh_all_deadlines() -> int:
    """Recompute the cached deadline of every open dossier (after a calendar correction)."""
    count = 0
    for dossier in Dossier.objects.open().select_related("enrolment").iterator(chunk_size=500):
        refresh_deadline(dossier)
        count += 1
    return count


# --- opening and helpers ---------------------------------------------------------------------


@transaction.atomic
def open_dossier(
    *,
    person: Person,
    organisation: Organisation,
    date: dt.date,
    actor: User,
    document_number: str = "",
    note: str = "",
    helpers: Iterable[Person] = (),
) -> Dossier:
    """Put a person on a cell's outstanding list: a new dossier (one attempt) at stage 2."""
    _require(actor, "dossier.change", organisation)
    require_in_force(organisation, date)
    from dangvien.people.models import Person

    person = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
    if not organisation.is_cell:
        raise DomainError(
            _("«%(organisation)s» không phải là chi bộ; danh sách quần chúng ưu tú do chi bộ lập.")
            % {"organisation": organisation},
            rule="cell_only",
            found=str(organisation.get_kind_display()),
            required=_("chi bộ"),
            field="organisation",
        )
    if date > _today():
        raise DomainError(
            _("Ngày %(date)s chưa đến.") % {"date": el.fmt(date)},
            rule="date_not_future",
            field="date",
        )
    from dangvien.members.models import Membership

    if Membership.objects.filter(person=person).exists():
        raise DomainError(
            _("%(person)s đã là đảng viên.") % {"person": person},
            rule="not_member",
            found=_("đảng viên"),
            required=_("quần chúng"),
            field="person",
        )
    if Dossier.objects.filter(person=person, status=DossierStatus.OPEN).exists():
        raise DomainError(
            _("%(person)s đang có hồ sơ kết nạp chưa kết thúc.") % {"person": person},
            rule="one_open_dossier",
            found=_("đang có hồ sơ"),
            required=_("không có hồ sơ đang xét"),
            field="person",
        )
    try:
        with transaction.atomic():
            dossier = Dossier.objects.create(
                person=person,
                organisation=organisation,
                stage=Stage.OUTSTANDING,
                opened_on=date,
            )
            first = Step.objects.create(
                dossier=dossier,
                organisation=organisation,
                stage=Stage.OUTSTANDING,
                date=date,
                actor=actor,
                document_number=document_number,
                note=note,
                rule_set=get_rule_set(on=date),
            )
            counters.count_new(STEPS, [first.pk])
    except IntegrityError as exc:
        raise DomainError(
            _("%(person)s đang có hồ sơ kết nạp chưa kết thúc.") % {"person": person},
            rule="one_open_dossier",
        ) from exc
    previous = (
        Dossier.objects.filter(person=person).exclude(pk=dossier.pk).select_related("enrolment")
    )
    latest_certificate = _latest_certificate(person)
    if latest_certificate is not None:
        dossier.enrolment = latest_certificate
        dossier.save(update_fields=["enrolment"])
    for helper in helpers:
        _add_participant(dossier, person=helper, role=Participant.Role.HELPER, day=date)
    record(
        actor=actor,
        action="admissions.dossier.opened",
        target=dossier,
        organisation=organisation,
        data={"date": date, "attempt": previous.count() + 1, "helpers": list(helpers)},
    )
    refresh_deadline(dossier)
    return dossier


def _latest_certificate(person: Person) -> Enrolment | None:
    from dangvien.training.models import Enrolment, TrainingClass

    # certificates in force only: a corrected or revoked one is superseded (training)
    return (
        Enrolment.objects.certificates()
        .filter(person=person, training_class__kind=TrainingClass.Kind.AWARENESS)
        .order_by("-certificate_date", "-pk")
        .first()
    )


def _add_participant(
    dossier: Dossier,
    *,
    person: Person,
    role: str,
    day: dt.date,
    months_together: int | None = None,
    replacement: bool = False,
) -> Participant:
    label = _("Người giới thiệu") if role == Participant.Role.INTRODUCER else _("Đảng viên giúp đỡ")
    if person.pk == dossier.person_id:
        raise DomainError(
            _("%(label)s không thể là chính người xin vào Đảng.") % {"label": label},
            rule="participant_not_self",
        )
    _check_member_official(person, day, label)
    try:
        with transaction.atomic():
            return Participant.objects.create(
                dossier=dossier,
                person=person,
                role=role,
                assigned_on=day,
                months_together=months_together,
                replacement=replacement,
            )
    except IntegrityError as exc:
        raise DomainError(
            _("%(person)s đã được phân công %(label_lower)s.")
            % {"person": person, "label_lower": label.lower()}
        ) from exc


@transaction.atomic
def assign_helper(dossier: Dossier, *, person: Person, date: dt.date, actor: User) -> Participant:
    """The cell assigns an official member to help the candidate."""
    _require(actor, "dossier.change", dossier.organisation)
    dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    _check_open(dossier)
    participant = _add_participant(dossier, person=person, role=Participant.Role.HELPER, day=date)
    record(
        actor=actor,
        action="admissions.dossier.helper_assigned",
        target=dossier,
        organisation=dossier.organisation,
        data={"helper": person, "date": date},
    )
    return participant


def _check_open(dossier: Dossier) -> None:
    if dossier.status != DossierStatus.OPEN:
        raise DomainError(
            _("Hồ sơ đã kết thúc (%(status)s); không ghi thêm được.")
            % {"status": dossier.get_status_display()},
            rule="dossier_open",
            found=str(dossier.get_status_display()),
            required=str(DossierStatus.OPEN.label),
        )


# --- steps -----------------------------------------------------------------------------------


def _check_order_and_date(dossier: Dossier, stage: str, date: dt.date) -> Step:
    expected = next_stage(dossier)
    if stage != expected:
        if Step.objects.filter(dossier=dossier, stage=stage).exists():
            message = _("Bước «%(stage)s» đã được ghi cho hồ sơ này.") % {
                "stage": stage_label(stage)
            }
        elif expected:
            message = _(
                "Chưa đến bước «%(stage)s»: hồ sơ đang ở bước «%(current)s», bước tiếp theo là"
                " «%(expected)s»."
            ) % {
                "stage": stage_label(stage),
                "current": stage_label(dossier.stage),
                "expected": stage_label(expected),
            }
        else:
            message = _("Chưa đến bước «%(stage)s»: hồ sơ đang ở bước «%(current)s».") % {
                "stage": stage_label(stage),
                "current": stage_label(dossier.stage),
            }
        raise DomainError(
            message,
            rule="stage_order",
            found=stage_label(stage),
            required=stage_label(expected) if expected else "—",
            field="stage",
        )
    last = Step.objects.filter(dossier=dossier).order_by("-date", "-pk").first()
    assert last is not None
    if date < last.date:
        raise DomainError(
            _("Ngày %(date)s trước ngày của bước trước «%(stage)s» (%(previous_date)s).")
            % {
                "date": el.fmt(date),
                "stage": stage_label(last.stage),
                "previous_date": el.fmt(last.date),
            },
            rule="step_date_order",
            found=el.fmt(date),
            required=_("từ %(date)s trở đi") % {"date": el.fmt(last.date)},
            field="date",
        )
    if date > _today():
        raise DomainError(
            _("Ngày %(date)s chưa đến; chỉ ghi việc đã diễn ra.") % {"date": el.fmt(date)},
            rule="date_not_future",
            found=el.fmt(date),
            required=_("đến %(today)s") % {"today": el.fmt(_today())},
            field="date",
        )
    return last


def _check_votes(eligible: int | None, votes_for: int | None, votes_against: int | None) -> None:
    if eligible is None or votes_for is None:
        raise DomainError(
            _("Phải nhập tổng số có quyền biểu quyết và số tán thành."),
            rule="votes_required",
            field="votes_for",
        )
    against = votes_against or 0
    if votes_for < 0 or against < 0 or eligible <= 0:
        raise DomainError(_("Số phiếu không hợp lệ."), rule="votes_valid", field="votes_for")
    if votes_for + against > eligible:
        raise DomainError(
            _(
                "Số tán thành (%(votes_for)s) cộng số không tán thành (%(against)s)"
                " vượt tổng số có quyền biểu quyết (%(eligible)s)."
            )
            % {"votes_for": votes_for, "against": against, "eligible": eligible},
            rule="votes_not_more_than_eligible",
            found=votes_for + against,
            required=f"≤ {eligible}",
            field="votes_for",
        )


def eligibility_checks(dossier: Dossier, *, on: dt.date, rule_set: Any = None) -> list[el.Check]:
    """The checks that the cell vote requires, evaluated on ``on`` (for display and refusal)."""
    rule_set = rule_set or get_rule_set(on=on)
    approvals = {approval.kind: approval for approval in Approval.objects.filter(dossier=dossier)}
    person = dossier.person
    certificate_date = dossier.enrolment.certificate_date if dossier.enrolment else None
    return [
        el.check_age(
            date_of_birth=person.date_of_birth,
            on=on,
            rule_set=rule_set,
            approval=approvals.get(Approval.Kind.OVER_AGE),
        ),
        el.check_education(
            person=person,
            organisation=dossier.organisation,
            rule_set=rule_set,
            approval=approvals.get(Approval.Kind.LITERACY_ONLY),
        ),
        el.check_certificate(certificate_date=certificate_date, on=on, rule_set=rule_set),
    ]


@dataclass
class StepContext:
    """What one call of ``record_step`` works on: the locked dossier, the rule set in force on the
    step's date, the steps already recorded, and the input (which a handler may complete)."""

    dossier: Dossier
    stage: str
    date: dt.date
    actor: User
    rule_set: RuleSet
    steps: dict[str, Step]
    document_number: str = ""
    note: str = ""
    votes_eligible: int | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    enrolment: Any = None
    introducers: list[dict[str, Any]] = field(default_factory=list)
    union_committee: str = ""
    received_on: dt.date | None = None
    helper: Any = None
    details: dict[str, Any] = field(default_factory=dict)


# A stage's checks, run before the step row is written: raise a DomainError to refuse (nothing is
# saved), return a FailedVote to stop there (the dossier stays at its stage), or None to go on.
StageCheck = Callable[[StepContext], FailedVote | None]
# What a stage does once its step row exists; returns the extra dossier fields it changed.
StageEffect = Callable[[StepContext, Step], list[str]]


def _no_rule(ctx: StepContext) -> None:
    """Stages with no rule of their own (application, verification, opinions)."""
    return None


def _no_effect(ctx: StepContext, step: Step) -> list[str]:
    return []


def _check_class(ctx: StepContext) -> None:
    """Stage 3: a completed awareness class with a certificate still valid on the step's date."""
    dossier = ctx.dossier
    enrolment = ctx.enrolment or _latest_certificate(dossier.person)
    if enrolment is None or enrolment.person_id != dossier.person_id:
        raise DomainError(
            _("%(person)s chưa hoàn thành lớp bồi dưỡng nhận thức về Đảng.")
            % {"person": dossier.person},
            rule="certificate_valid_months",
            found=_("không có giấy chứng nhận"),
            required=_("giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng"),
            field="enrolment",
        )
    check = el.check_certificate(
        certificate_date=enrolment.certificate_date, on=ctx.date, rule_set=ctx.rule_set
    )
    if not check.passed:
        raise check.error("enrolment")
    ctx.enrolment = enrolment
    ctx.document_number = ctx.document_number or enrolment.certificate_number
    dossier.enrolment = enrolment
    dossier.save(update_fields=["enrolment"])
    return None


def _check_introduction(ctx: StepContext) -> None:
    """Stage 6: two official members (or the union committee and one), each long enough with
    the candidate."""
    _check_introducers(ctx.dossier, ctx.introducers, ctx.union_committee, ctx.date, ctx.rule_set)
    ctx.details["union_committee"] = ctx.union_committee
    return None


def _add_introducers(ctx: StepContext, step: Step) -> list[str]:
    for item in ctx.introducers:
        _add_participant(
            ctx.dossier,
            person=item["person"],
            role=Participant.Role.INTRODUCER,
            day=ctx.date,
            months_together=item.get("months_together"),
            replacement=bool(item.get("replacement")),
        )
    return []


def _require_superior_if_escalated(ctx: StepContext) -> None:
    """After the failed votes that escalate a case, only the superior level may vote again."""
    if ctx.dossier.escalated:
        where = authority_organisation(ctx.dossier.organisation, "dossier.decide", ctx.date)
        _require(ctx.actor, "dossier.decide", where)


def _vote_or_fail(ctx: StepContext, *, rule: str, label: str) -> FailedVote | None:
    """Common to both votes: the votes must add up, and a vote under the rule set's fraction
    is recorded as failed."""
    _check_votes(ctx.votes_eligible, ctx.votes_for, ctx.votes_against)
    assert ctx.votes_eligible is not None
    check = el.check_vote(
        rule=rule,
        label=label,
        eligible=ctx.votes_eligible,
        votes_for=ctx.votes_for or 0,
        fraction=ctx.rule_set.fraction(rule),
        whole=str(VOTE_WHOLE[Stage(ctx.stage)]),
    )
    if check.passed:
        return None
    return _record_failed_vote(
        ctx.dossier,
        ctx.stage,
        ctx.date,
        ctx.actor,
        ctx.document_number,
        ctx.note,
        ctx.votes_eligible,
        ctx.votes_for or 0,
        ctx.votes_against or 0,
        ctx.rule_set,
        check,
    )


def _check_cell_vote(ctx: StepContext) -> FailedVote | None:
    """Stage 8: eligibility (age, education, certificate), then ≥ the fraction of all official
    members of the cell on the day (not of those present)."""
    _require_superior_if_escalated(ctx)
    el.raise_first_failure(eligibility_checks(ctx.dossier, on=ctx.date, rule_set=ctx.rule_set))
    official = count_official_members(ctx.dossier.organisation, ctx.date)
    if ctx.votes_eligible is not None and ctx.votes_eligible != official:
        raise DomainError(
            _(
                "Tổng số đảng viên chính thức của chi bộ ngày %(date)s là %(official)s,"
                " không phải %(votes_eligible)s; tỷ lệ tính trên tổng số đảng viên"
                " chính thức, không phải số có mặt."
            )
            % {
                "date": el.fmt(ctx.date),
                "official": official,
                "votes_eligible": ctx.votes_eligible,
            },
            rule="cell_vote_fraction",
            found=ctx.votes_eligible,
            required=official,
            field="votes_eligible",
        )
    if official == 0:
        raise DomainError(
            _("Chi bộ chưa có đảng viên chính thức nào trong danh sách; không thể biểu quyết."),
            rule="cell_vote_fraction",
            found=0,
            required="≥ 1",
            field="votes_eligible",
        )
    ctx.votes_eligible = official
    return _vote_or_fail(
        ctx, rule="cell_vote_fraction", label=_("Chi bộ biểu quyết đề nghị kết nạp")
    )


def _check_grassroots_vote(ctx: StepContext) -> FailedVote | None:
    """Stage 9: ≥ the fraction of the grassroots committee's members."""
    _require_superior_if_escalated(ctx)
    _check_committee_size(ctx)
    return _vote_or_fail(
        ctx, rule="grassroots_vote_fraction", label=_("Đảng ủy cơ sở xét, đề nghị kết nạp")
    )


def _check_decision(ctx: StepContext) -> None:
    """Stage 10: a numbered decision; late (after the working days from the cell resolution,
    plus any extension) only with the reason in the note."""
    if not ctx.document_number.strip():
        raise DomainError(
            _("Phải ghi số quyết định kết nạp."), rule="decision_number", field="document_number"
        )
    if ctx.received_on is not None and ctx.received_on < ctx.date:
        raise DomainError(
            _(
                "Ngày chi bộ nhận quyết định (%(received_on)s) không được trước ngày"
                " quyết định (%(date)s)."
            )
            % {"received_on": el.fmt(ctx.received_on), "date": el.fmt(ctx.date)},
            rule="step_date_order",
            field="received_on",
        )
    cell_vote = ctx.steps[Stage.CELL_VOTE]
    vote_rules = cell_vote.rule_set or get_rule_set(on=cell_vote.date)
    extension = ctx.dossier.extension_working_days or 0
    days = vote_rules.int_value("decision_working_days") + extension
    deadline = add_working_days(cell_vote.date, days)
    ctx.details["deadline"] = deadline.isoformat()
    if ctx.date > deadline:
        ctx.details["late"] = True
        if not ctx.note.strip():
            raise DomainError(
                _(
                    "Quyết định ngày %(date)s quá hạn %(days)s ngày làm việc kể từ nghị"
                    " quyết chi bộ (%(vote_date)s; hạn %(deadline)s); phải ghi rõ lý do chậm"
                    " vào ghi chú."
                )
                % {
                    "date": el.fmt(ctx.date),
                    "days": days,
                    "vote_date": el.fmt(cell_vote.date),
                    "deadline": el.fmt(deadline),
                },
                rule="decision_working_days",
                found=el.fmt(ctx.date),
                required=_("đến %(deadline)s") % {"deadline": el.fmt(deadline)},
                field="note",
            )
    return None


def _check_ceremony(ctx: StepContext) -> None:
    """Stage 11: within the working days from receiving the decision (late only with the
    superior's written consent in the note); the helper is an official member."""
    decision = ctx.steps[Stage.DECISION]
    decision_rules = decision.rule_set or get_rule_set(on=decision.date)
    start = decision.received_on or decision.date
    days = decision_rules.int_value("ceremony_working_days")
    deadline = add_working_days(start, days)
    ctx.details["deadline"] = deadline.isoformat()
    if ctx.date > deadline:
        ctx.details["late"] = True
        if not ctx.note.strip():
            raise DomainError(
                _(
                    "Lễ kết nạp ngày %(date)s quá hạn %(days)s ngày làm việc kể từ ngày"
                    " nhận quyết định (%(start)s; hạn %(deadline)s); phải ghi văn bản đồng"
                    " ý của cấp ủy cấp trên vào ghi chú."
                )
                % {
                    "date": el.fmt(ctx.date),
                    "days": days,
                    "start": el.fmt(start),
                    "deadline": el.fmt(deadline),
                },
                rule="ceremony_working_days",
                found=el.fmt(ctx.date),
                required=_("đến %(deadline)s") % {"deadline": el.fmt(deadline)},
                field="note",
            )
    if ctx.helper is not None:
        _check_member_official(ctx.helper, ctx.date, _("Đảng viên giúp đỡ"))
    return None


def _admit_at_ceremony(ctx: StepContext, step: Step) -> list[str]:
    """The ceremony admits the person (members app) and closes the dossier."""
    _admit(ctx.dossier, ctx.steps[Stage.DECISION], step, ctx.actor, ctx.rule_set, ctx.helper)
    ctx.dossier.status = DossierStatus.ADMITTED
    ctx.dossier.closed_on = ctx.date
    return ["status", "closed_on"]


STAGE_CHECKS: dict[Stage, StageCheck] = {
    Stage.OUTSTANDING: _no_rule,
    Stage.CLASS: _check_class,
    Stage.APPLICATION: _no_rule,
    Stage.VERIFICATION: _no_rule,
    Stage.INTRODUCTION: _check_introduction,
    Stage.OPINIONS: _no_rule,
    Stage.CELL_VOTE: _check_cell_vote,
    Stage.GRASSROOTS_VOTE: _check_grassroots_vote,
    Stage.DECISION: _check_decision,
    Stage.CEREMONY: _check_ceremony,
}
STAGE_EFFECTS: dict[Stage, StageEffect] = {
    Stage.INTRODUCTION: _add_introducers,
    Stage.CEREMONY: _admit_at_ceremony,
}


def _create_step(ctx: StepContext) -> Step:
    voted = ctx.stage in VOTE_STAGES
    try:
        with transaction.atomic():
            step = Step.objects.create(
                dossier=ctx.dossier,
                organisation_id=ctx.dossier.organisation_id,
                stage=ctx.stage,
                date=ctx.date,
                actor=ctx.actor,
                document_number=ctx.document_number,
                votes_eligible=ctx.votes_eligible if voted else None,
                votes_for=ctx.votes_for if voted else None,
                votes_against=(ctx.votes_against or 0) if voted else None,
                note=ctx.note,
                received_on=ctx.received_on if ctx.stage == Stage.DECISION else None,
                rule_set=ctx.rule_set,
                details=ctx.details,
            )
            counters.count_new(STEPS, [step.pk])
            return step
    except IntegrityError as exc:
        raise DomainError(
            _("Bước «%(stage)s» đã được ghi cho hồ sơ này.") % {"stage": stage_label(ctx.stage)},
            rule="stage_order",
            found=stage_label(ctx.stage),
            required=stage_label(next_stage(ctx.dossier) or ctx.stage),
        ) from exc


@transaction.atomic
def record_step(
    dossier: Dossier,
    *,
    stage: str,
    date: dt.date,
    actor: User,
    document_number: str = "",
    note: str = "",
    votes_eligible: int | None = None,
    votes_for: int | None = None,
    votes_against: int | None = None,
    enrolment: Any = None,
    introducers: Iterable[dict[str, Any]] = (),
    union_committee: str = "",
    received_on: dt.date | None = None,
    helper: Any = None,
) -> Step | FailedVote:
    """Record the next step of an open dossier. Returns the Step, or a FailedVote when a vote
    did not reach the required fraction (the dossier then stays at its stage).

    The common part (permission, row lock, order and date, rule set, step row, dossier stage,
    audit, deadline) is here; each stage's own rules are its entry in ``STAGE_CHECKS`` and, for
    what follows the step row, ``STAGE_EFFECTS``."""
    check_step_authority(actor, stage, dossier.organisation, on=date)
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("person", "organisation", "enrolment")
        .get(pk=dossier.pk)
    )
    _check_open(dossier)
    if stage not in Stage.values:
        raise DomainError(
            _("Bước «%(stage)s» không tồn tại.") % {"stage": stage},
            rule="stage_order",
            field="stage",
        )
    require_in_force(dossier.organisation, date)
    _check_order_and_date(dossier, stage, date)
    ctx = StepContext(
        dossier=dossier,
        stage=stage,
        date=date,
        actor=actor,
        rule_set=get_rule_set(on=date),
        steps={step.stage: step for step in Step.objects.filter(dossier=dossier)},
        document_number=document_number,
        note=note,
        votes_eligible=votes_eligible,
        votes_for=votes_for,
        votes_against=votes_against,
        enrolment=enrolment,
        introducers=list(introducers),
        union_committee=union_committee,
        received_on=received_on,
        helper=helper,
    )
    if stage in DECIDE_STAGES:
        # who decided, as the rule set of the decision's date says (kept with the step, so a
        # dossier opened under a district and decided by the commune committee says so)
        where = authority_organisation(dossier.organisation, action_for(stage), date)
        ctx.details["decided_by"] = {"id": where.pk, "code": where.code, "name": where.name}
    failed_vote = STAGE_CHECKS[Stage(stage)](ctx)
    if failed_vote is not None:
        return failed_vote
    step = _create_step(ctx)
    dossier.stage = stage
    fields = ["stage"]
    if dossier.escalated and stage in VOTE_STAGES:
        dossier.escalated = False
        fields.append("escalated")
    fields += STAGE_EFFECTS.get(Stage(stage), _no_effect)(ctx, step)
    dossier.save(update_fields=fields)
    record(
        actor=actor,
        action="admissions.step.recorded",
        target=dossier,
        organisation=dossier.organisation,
        data={
            "stage": stage,
            "date": date,
            "document_number": ctx.document_number,
            "votes": [ctx.votes_eligible, votes_for, votes_against]
            if stage in VOTE_STAGES
            else None,
            "rule_set": ctx.rule_set.name,
        },
    )
    refresh_deadline(dossier)
    return step


def _admit(
    dossier: Dossier, decision: Step, ceremony: Step, actor: User, rule_set: Any, helper: Any
) -> None:
    from dangvien.members.services import admit_member

    admit_member(
        person=dossier.person,
        organisation=dossier.organisation,
        decision_date=decision.date,
        decision_number=decision.document_number,
        ceremony_date=ceremony.date,
        actor=actor,
        dossier=dossier,
        probation_months=rule_set.int_value("probation_months"),
    )
    if helper is not None:
        Participant.objects.get_or_create(
            dossier=dossier,
            person=helper,
            role=Participant.Role.HELPER,
            withdrawn=False,
            defaults={"assigned_on": ceremony.date},
        )


def _check_introducers(
    dossier: Dossier,
    introducers: Iterable[dict[str, Any]],
    union_committee: str,
    date: dt.date,
    rule_set: Any,
) -> None:
    items = list(introducers)
    by_union = bool(union_committee.strip())
    required = rule_set.int_value("introducer_count_with_union" if by_union else "introducer_count")
    seen: set[int] = set()
    for item in items:
        if item["person"].pk in seen:
            raise DomainError(
                _(
                    "%(person)s được nhập hai lần làm người giới thiệu; cần %(required)s người"
                    " giới thiệu khác nhau."
                )
                % {"person": item["person"], "required": required},
                rule="introducer_count",
                found=_("một người nhập hai lần"),
                required=_("%(required)s người khác nhau") % {"required": required},
                field="introducers",
            )
        seen.add(item["person"].pk)
    if len(items) != required:
        how = (
            _("ban chấp hành đoàn cơ sở (hoặc công đoàn cơ sở) và %(count)s đảng viên chính thức")
            if by_union
            else _("%(count)s đảng viên chính thức")
        ) % {"count": required}
        raise DomainError(
            _("Người giới thiệu phải là %(how)s; đã nhập %(count)s người.")
            % {"how": how, "count": len(items)},
            rule="introducer_count",
            found=len(items),
            required=required,
            field="introducers",
        )
    minimum = rule_set.int_value("introducer_together_months")
    for item in items:
        person = item["person"]
        if person.pk == dossier.person_id:
            raise DomainError(
                _("Người giới thiệu không thể là chính người xin vào Đảng."),
                rule="participant_not_self",
                field="introducers",
            )
        _check_member_official(person, date, _("Người giới thiệu"))
        months = item.get("months_together")
        _check_months_together(dossier.person, person, months, date, rule_set)
        if item.get("replacement"):
            continue
        if months is None or months < minimum:
            raise DomainError(
                _(
                    "Người giới thiệu %(person)s mới cùng công tác, học tập hoặc cư trú với"
                    " người xin vào Đảng %(months)s tháng; quy định ít nhất %(minimum)s"
                    " tháng."
                )
                % {"person": person, "months": months or 0, "minimum": minimum},
                rule="introducer_together_months",
                found=_("%(months)s tháng") % {"months": months or 0},
                required=_("≥ %(minimum)s tháng") % {"minimum": minimum},
                field="introducers",
            )


def _check_months_together(
    candidate: Person, introducer: Person, months: int | None, date: dt.date, rule_set: Any
) -> None:
    """The months together cannot exceed the time since either of them reached the age the
    count starts from (``introducer_together_from_age_months``)."""
    if months is None:
        return
    start = rule_set.int_value("introducer_together_from_age_months")
    limit, _index, youngest = min(
        (full_months(add_months(p.date_of_birth, start), date), index, p)
        for index, p in enumerate((candidate, introducer))
    )
    if months <= limit:
        return
    raise DomainError(
        _(
            "Số tháng cùng công tác với %(introducer)s là %(months)s, nhiều hơn thời gian từ"
            " khi %(person)s đủ %(age)s tuổi đến ngày %(date)s (%(limit)s tháng)."
        )
        % {
            "introducer": introducer,
            "months": months,
            "person": youngest,
            "age": start // 12,
            "date": el.fmt(date),
            "limit": limit,
        },
        rule="introducer_together_from_age_months",
        found=_("%(months)s tháng") % {"months": months},
        required=_("≤ %(limit)s tháng") % {"limit": limit},
        field="introducers",
    )


def _check_committee_size(ctx: StepContext) -> None:
    """The committee that votes has at most ``committee_max_members`` members."""
    check_committee_total(ctx.votes_eligible, ctx.rule_set)


def _record_failed_vote(
    dossier: Dossier,
    stage: str,
    date: dt.date,
    actor: User,
    document_number: str,
    note: str,
    eligible: int,
    votes_for: int,
    votes_against: int,
    rule_set: Any,
    check: el.Check,
) -> FailedVote:
    rounds = FailedVote.objects.filter(dossier=dossier, stage=stage).count()
    try:
        with transaction.atomic():
            vote = FailedVote.objects.create(
                dossier=dossier,
                stage=stage,
                round=rounds + 1,
                date=date,
                actor=actor,
                document_number=document_number,
                votes_eligible=eligible,
                votes_for=votes_for,
                votes_against=votes_against,
                note=note,
            )
    except IntegrityError as exc:
        raise DomainError(_("Lần biểu quyết này đã được ghi."), rule="stage_order") from exc
    limit = rule_set.int_value("failed_votes_escalate_after")
    if vote.round >= limit and not dossier.escalated:
        dossier.escalated = True
        dossier.save(update_fields=["escalated"])
    record(
        actor=actor,
        action="admissions.vote.failed",
        target=dossier,
        organisation=dossier.organisation,
        data={
            "stage": stage,
            "round": vote.round,
            "votes": [eligible, votes_for, votes_against],
            "message": check.message,
            "escalated": dossier.escalated,
        },
    )
    return vote


# --- corrections ---------------------------------------------------------------------------
#
# History is never rewritten: a wrong step is corrected by a new row that replaces it, or
# cancelled; the old row keeps its values, is marked superseded and stays on the dossier page
# (struck through, with the reason). Whoever may record the step (or a superior level, whose
# scope covers the cell) may correct or cancel it, on an open dossier only.


def _lock_step(step: Step) -> tuple[Step, Dossier]:
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("organisation", "person", "enrolment")
        .get(pk=step.dossier_id)
    )
    current = Step.history.get(pk=step.pk)
    if current.superseded:
        raise DomainError(
            _("Bước «%(stage)s» ngày %(date)s đã được sửa hoặc hủy trước đó.")
            % {"stage": stage_label(current.stage), "date": el.fmt(current.date)},
            rule="step_superseded",
            found=_("đã sửa hoặc hủy"),
            required=_("bước đang có hiệu lực"),
        )
    return current, dossier


def _check_correction_date(
    dossier: Dossier, stage: str, day: dt.date, *, exclude: int | None = None, failed: bool = False
) -> None:
    """A corrected date is not in the future and stays between the steps before and after
    the stage (for a failed round, the step of its own stage, passed later, is after it)."""
    if day > _today():
        raise DomainError(
            _("Ngày %(date)s chưa đến; chỉ ghi việc đã diễn ra.") % {"date": el.fmt(day)},
            rule="date_not_future",
            found=el.fmt(day),
            required=_("đến %(today)s") % {"today": el.fmt(_today())},
            field="date",
        )
    others = Step.objects.filter(dossier=dossier).exclude(pk=exclude or 0)
    index = STAGE_ORDER.index(Stage(stage))
    before = [x for x in others if STAGE_ORDER.index(Stage(x.stage)) < index]
    after = [
        x
        for x in others
        if STAGE_ORDER.index(Stage(x.stage)) > index or (failed and x.stage == stage)
    ]
    earliest = max((x.date for x in before), default=None)
    latest = min((x.date for x in after), default=None)
    if (earliest and day < earliest) or (latest and day > latest):
        raise DomainError(
            _("Ngày %(date)s phải nằm giữa bước trước (%(earliest)s) và bước sau (%(latest)s).")
            % {"date": el.fmt(day), "earliest": el.fmt(earliest), "latest": el.fmt(latest)},
            rule="step_date_order",
            found=el.fmt(day),
            required=_("%(earliest)s – %(latest)s")
            % {"earliest": el.fmt(earliest), "latest": el.fmt(latest)},
            field="date",
        )


def _recheck_vote(
    dossier: Dossier,
    old: Step | FailedVote,
    day: dt.date,
    *,
    votes_eligible: int | None,
    votes_for: int | None,
    votes_against: int | None,
) -> tuple[int, int, int, el.Check]:
    """The votes of a corrected vote (a step or a failed round) checked again as on ``day``:
    the cell's denominator is its official members on that day (not typed); the committee's
    is typed, within the committee's bounds. Returns the votes and the fraction's check."""
    eligible: int | None
    if old.stage == Stage.CELL_VOTE:
        eligible = count_official_members(dossier.organisation, day)
    else:
        eligible = votes_eligible if votes_eligible is not None else old.votes_eligible
        check_committee_total(eligible, get_rule_set(on=day))
    voted_for = votes_for if votes_for is not None else old.votes_for
    against = votes_against if votes_against is not None else old.votes_against
    _check_votes(eligible, voted_for, against)
    assert eligible is not None
    rule = "cell_vote_fraction" if old.stage == Stage.CELL_VOTE else "grassroots_vote_fraction"
    check = el.check_vote(
        rule=rule,
        label=stage_label(old.stage),
        eligible=eligible,
        votes_for=voted_for or 0,
        fraction=get_rule_set(on=day).fraction(rule),
        whole=str(VOTE_WHOLE[Stage(old.stage)]),
    )
    return eligible, voted_for or 0, against or 0, check


@transaction.atomic
def correct_step(
    step: Step,
    *,
    actor: User,
    reason: str,
    date: dt.date | None = None,
    document_number: str | None = None,
    note: str | None = None,
    received_on: dt.date | None = None,
    votes_eligible: int | None = None,
    votes_for: int | None = None,
    votes_against: int | None = None,
) -> Step:
    """Correct a recorded step of an open dossier: a new step row with the right values
    replaces it (``StepCorrection``); the old row is kept, marked superseded. The date stays
    between the neighbouring steps; a vote must still reach the fraction (a vote that did not
    pass is cancelled instead, then recorded as failed). Deadlines follow."""
    check_step_authority(actor, step.stage, step.dossier.organisation, on=step.date)
    old, dossier = _lock_step(step)
    _check_open(dossier)
    reason = corrections.check_reason(reason)
    day = date or old.date
    _check_correction_date(dossier, old.stage, day, exclude=old.pk)
    eligible, voted_for, against = old.votes_eligible, old.votes_for, old.votes_against
    if old.stage in VOTE_STAGES:
        eligible, voted_for, against, check = _recheck_vote(
            dossier,
            old,
            day,
            votes_eligible=votes_eligible,
            votes_for=votes_for,
            votes_against=votes_against,
        )
        if not check.passed:
            raise DomainError(
                _(
                    "%(message)s Một nghị quyết không đạt không sửa thành bước đã đạt: hãy hủy"
                    " bước này rồi ghi lần biểu quyết không đạt."
                )
                % {"message": check.message},
                rule=check.rule,
                found=check.found,
                required=check.required,
                field="votes_for",
            )
    number = old.document_number if document_number is None else document_number.strip()
    if old.stage == Stage.DECISION and not number:
        raise DomainError(
            _("Phải ghi số quyết định kết nạp."), rule="decision_number", field="document_number"
        )
    # the corrected step stops counting (it is superseded), its replacement counts
    counted = counters.Tracker(STEPS, [old.pk])
    new = corrections.supersede(
        old,
        flags={"superseded": True},
        changes={
            "date": day,
            "actor": actor,
            "document_number": number,
            "votes_eligible": eligible,
            "votes_for": voted_for,
            "votes_against": against,
            "note": old.note if note is None else note,
            "received_on": (received_on or old.received_on)
            if old.stage == Stage.DECISION
            else None,
            "rule_set": get_rule_set(on=day),
        },
        link=None,
    )
    counted.done()
    counters.count_new(STEPS, [new.pk])
    StepCorrection.objects.create(
        dossier=dossier,
        step=old,
        replacement=new,
        kind=StepCorrection.Kind.CORRECTED,
        reason=reason,
        actor=actor,
    )
    changed = corrections.changed(
        old, new, ("date", "document_number", "votes_eligible", "votes_for", "received_on")
    )
    record(
        actor=actor,
        action="admissions.step.corrected",
        target=dossier,
        organisation=dossier.organisation,
        data={"stage": old.stage, "step": old.pk, "replacement": new.pk, "reason": reason}
        | {"changed": changed},
    )
    refresh_deadline(dossier)
    return new


@transaction.atomic
def cancel_step(step: Step, *, actor: User, reason: str) -> Dossier:
    """Cancel the latest step of an open dossier (recorded by mistake): the row is kept,
    marked superseded, and the dossier goes back to the stage before; introducers named by a
    cancelled introduction are withdrawn with it. The first step is not cancelled: stop the
    dossier instead. Deadlines and worklists follow."""
    check_step_authority(actor, step.stage, step.dossier.organisation, on=step.date)
    old, dossier = _lock_step(step)
    _check_open(dossier)
    reason = corrections.check_reason(reason)
    if old.stage != dossier.stage:
        raise DomainError(
            _(
                "Chỉ hủy được bước mới nhất của hồ sơ («%(current)s»); bước «%(stage)s» đã có"
                " bước sau. Hãy sửa bước này, hoặc hủy lần lượt từ bước mới nhất."
            )
            % {"current": stage_label(dossier.stage), "stage": stage_label(old.stage)},
            rule="cancel_latest_only",
            found=stage_label(old.stage),
            required=stage_label(dossier.stage),
        )
    previous = STAGE_ORDER.index(Stage(old.stage)) - 1
    if previous < 0:
        raise DomainError(
            _("Bước đầu tiên không hủy được; hãy dừng hồ sơ với lý do."),
            rule="cancel_latest_only",
            found=stage_label(old.stage),
            required=_("dừng hồ sơ"),
        )
    with counters.tracking(STEPS, [old.pk]):  # a cancelled step stops counting
        corrections.mark(old, superseded=True)
    if old.stage == Stage.INTRODUCTION:
        Participant.objects.filter(
            dossier=dossier, role=Participant.Role.INTRODUCER, withdrawn=False
        ).update(withdrawn=True)
    StepCorrection.objects.create(
        dossier=dossier, step=old, kind=StepCorrection.Kind.CANCELLED, reason=reason, actor=actor
    )
    dossier.stage = STAGE_ORDER[previous].value
    dossier.save(update_fields=["stage"])
    record(
        actor=actor,
        action="admissions.step.cancelled",
        target=dossier,
        organisation=dossier.organisation,
        data={"stage": old.stage, "step": old.pk, "date": old.date, "reason": reason},
    )
    refresh_deadline(dossier)
    return dossier


# --- corrections of failed votes ----------------------------------------------------------------
#
# A failed round recorded with wrong figures is corrected by a new row for the same round
# (``corrects``); one recorded by mistake is cancelled. The wrong row keeps its values, marked
# superseded with the reason; rounds, escalation and worklists count the rows in force.


def _lock_failed_vote(vote: FailedVote) -> tuple[FailedVote, Dossier]:
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("organisation", "person")
        .get(pk=vote.dossier_id)
    )
    current = FailedVote.history.select_for_update().get(pk=vote.pk)
    if current.superseded:
        raise DomainError(
            _("Lần biểu quyết %(round)s ngày %(date)s đã được sửa hoặc hủy trước đó.")
            % {"round": current.round, "date": el.fmt(current.date)},
            rule="failed_vote_superseded",
            found=_("đã sửa hoặc hủy"),
            required=_("lần biểu quyết đang có hiệu lực"),
        )
    return current, dossier


@transaction.atomic
def correct_failed_vote(
    vote: FailedVote,
    *,
    actor: User,
    reason: str,
    date: dt.date | None = None,
    document_number: str | None = None,
    note: str | None = None,
    votes_eligible: int | None = None,
    votes_for: int | None = None,
    votes_against: int | None = None,
) -> FailedVote:
    """Correct a failed round recorded with a wrong date, number or votes: a new row for the
    same round replaces it; the old row is kept, superseded, with the reason. The corrected
    votes must still fall short (a vote that in fact passed: cancel this round, then record
    the step). Whoever may record the vote (or a superior level) corrects it."""
    check_step_authority(actor, vote.stage, vote.dossier.organisation, on=vote.date)
    old, dossier = _lock_failed_vote(vote)
    _check_open(dossier)
    reason = corrections.check_reason(reason)
    day = date or old.date
    _check_correction_date(dossier, old.stage, day, failed=True)
    rounds = list(FailedVote.objects.filter(dossier=dossier, stage=old.stage).exclude(pk=old.pk))
    earlier = max((x.date for x in rounds if x.round < old.round), default=None)
    later = min((x.date for x in rounds if x.round > old.round), default=None)
    if (earlier and day < earlier) or (later and day > later):
        raise DomainError(
            _(
                "Ngày %(date)s phải nằm giữa lần biểu quyết trước (%(earliest)s) và lần sau"
                " (%(latest)s)."
            )
            % {"date": el.fmt(day), "earliest": el.fmt(earlier), "latest": el.fmt(later)},
            rule="failed_vote_date_order",
            found=el.fmt(day),
            required=_("%(earliest)s – %(latest)s")
            % {"earliest": el.fmt(earlier), "latest": el.fmt(later)},
            field="date",
        )
    eligible, voted_for, against, check = _recheck_vote(
        dossier,
        old,
        day,
        votes_eligible=votes_eligible,
        votes_for=votes_for,
        votes_against=votes_against,
    )
    if check.passed:
        raise DomainError(
            _(
                "%(message)s Với số phiếu này lần biểu quyết đã đạt: hãy hủy lần biểu quyết"
                " không đạt này rồi ghi bước «%(stage)s»."
            )
            % {"message": check.message, "stage": stage_label(old.stage)},
            rule=check.rule,
            found=check.found,
            required=check.required,
            field="votes_for",
        )
    new = corrections.supersede(
        old,
        flags={"superseded": True, "superseded_reason": reason},
        changes={
            "date": day,
            "actor": actor,
            "document_number": old.document_number
            if document_number is None
            else document_number.strip(),
            "note": old.note if note is None else note.strip(),
            "votes_eligible": eligible,
            "votes_for": voted_for,
            "votes_against": against,
        },
    )
    record(
        actor=actor,
        action="admissions.vote.corrected",
        target=dossier,
        organisation=dossier.organisation,
        data={
            "stage": old.stage,
            "round": old.round,
            "vote": old.pk,
            "replacement": new.pk,
            "reason": reason,
            "changed": corrections.changed(
                old, new, ("date", "document_number", "votes_eligible", "votes_for")
            ),
        },
    )
    refresh_deadline(dossier)
    return new


@transaction.atomic
def cancel_failed_vote(vote: FailedVote, *, actor: User, reason: str) -> Dossier:
    """Cancel the latest failed round of a vote recorded by mistake (the vote was not held,
    or belongs to another dossier): the row is kept, superseded with the reason; the round
    count and the escalation follow. A round followed by another round, or by the vote that
    passed, is not cancelled (cancel those first)."""
    check_step_authority(actor, vote.stage, vote.dossier.organisation, on=vote.date)
    old, dossier = _lock_failed_vote(vote)
    _check_open(dossier)
    reason = corrections.check_reason(reason)
    later = FailedVote.objects.filter(dossier=dossier, stage=old.stage, round__gt=old.round)
    passed = Step.objects.filter(dossier=dossier, stage=old.stage).first()
    if later.exists() or passed is not None:
        raise DomainError(
            _(
                "Chỉ hủy được lần biểu quyết mới nhất của bước «%(stage)s» khi bước này chưa"
                " đạt; lần %(round)s đã có lần sau hoặc nghị quyết đã đạt."
            )
            % {"stage": stage_label(old.stage), "round": old.round},
            rule="cancel_latest_only",
            found=_("lần %(round)s") % {"round": old.round},
            required=_("lần biểu quyết mới nhất"),
        )
    corrections.mark(old, superseded=True, superseded_reason=reason)
    limit = get_rule_set_or_earliest(on=old.date).int_value("failed_votes_escalate_after")
    if dossier.escalated and old.round >= limit:
        dossier.escalated = False
        dossier.save(update_fields=["escalated"])
    record(
        actor=actor,
        action="admissions.vote.cancelled",
        target=dossier,
        organisation=dossier.organisation,
        data={
            "stage": old.stage,
            "round": old.round,
            "vote": old.pk,
            "date": old.date,
            "reason": reason,
            "escalated": dossier.escalated,
        },
    )
    refresh_deadline(dossier)
    return dossier


# --- stops, extensions, approvals ------------------------------------------------------------


@transaction.atomic
def stop_dossier(
    dossier: Dossier, *, reason: str, date: dt.date, note: str, actor: User
) -> Dossier:
    """Stop an open dossier (withdrawn, rejected, moved away, certificate expired). Its history
    stays; the person may start a new attempt with ``open_dossier``."""
    _require(actor, "dossier.change", dossier.organisation)
    dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    _check_open(dossier)
    if reason not in StopReason.values:
        raise DomainError(
            _("Lý do dừng «%(reason)s» không hợp lệ.") % {"reason": reason},
            rule="stop_reason",
            found=reason,
            required=", ".join(StopReason.values),
            field="reason",
        )
    if not note.strip():
        raise DomainError(_("Phải ghi rõ lý do dừng hồ sơ."), rule="stop_note", field="note")
    last = Step.objects.filter(dossier=dossier).order_by("-date", "-pk").first()
    if last is not None and date < last.date:
        raise DomainError(
            _("Ngày dừng %(date)s trước ngày của bước trước (%(previous_date)s).")
            % {"date": el.fmt(date), "previous_date": el.fmt(last.date)},
            rule="step_date_order",
            found=el.fmt(date),
            required=_("từ %(date)s trở đi") % {"date": el.fmt(last.date)},
            field="date",
        )
    dossier.status = DossierStatus.STOPPED
    dossier.stop_reason = reason
    dossier.stop_note = note
    dossier.closed_on = date
    dossier.next_deadline = None
    dossier.next_deadline_kind = ""
    dossier.save(
        update_fields=[
            "status",
            "stop_reason",
            "stop_note",
            "closed_on",
            "next_deadline",
            "next_deadline_kind",
        ]
    )
    record(
        actor=actor,
        action="admissions.dossier.stopped",
        target=dossier,
        organisation=dossier.organisation,
        data={"reason": reason, "date": date, "note": note, "stage": dossier.stage},
    )
    return dossier


@transaction.atomic
def record_extension(
    dossier: Dossier, *, working_days: int, document_number: str, date: dt.date, actor: User
) -> Dossier:
    """Extend the decision deadline (special cases), at most the rule set's limit."""
    _require(actor, "dossier.decide", dossier.organisation)
    dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    _check_open(dossier)
    if dossier.stage not in (Stage.CELL_VOTE, Stage.GRASSROOTS_VOTE):
        raise DomainError(
            _("Chỉ gia hạn ra quyết định sau khi chi bộ đã biểu quyết và trước khi có quyết định."),
            rule="decision_extension_working_days",
            found=stage_label(dossier.stage),
            required=_("%(cell_vote)s hoặc %(grassroots_vote)s")
            % {
                "cell_vote": stage_label(Stage.CELL_VOTE),
                "grassroots_vote": stage_label(Stage.GRASSROOTS_VOTE),
            },
        )
    maximum = get_rule_set(on=date).int_value("decision_extension_working_days")
    if not 1 <= working_days <= maximum:
        raise DomainError(
            _("Gia hạn %(working_days)s ngày làm việc; quy định tối đa %(maximum)s ngày làm việc.")
            % {"working_days": working_days, "maximum": maximum},
            rule="decision_extension_working_days",
            found=working_days,
            required=f"1–{maximum}",
            field="working_days",
        )
    if not document_number.strip():
        raise DomainError(
            _("Phải ghi số văn bản gia hạn."), rule="extension_document", field="document_number"
        )
    old = dossier.extension_working_days
    dossier.extension_working_days = working_days
    dossier.extension_document = document_number
    dossier.extension_date = date
    dossier.save(update_fields=["extension_working_days", "extension_document", "extension_date"])
    record(
        actor=actor,
        action="admissions.dossier.extended",
        target=dossier,
        organisation=dossier.organisation,
        data={"from": old, "to": working_days, "document_number": document_number},
    )
    refresh_deadline(dossier)
    return dossier


@transaction.atomic
def record_approval(
    dossier: Dossier,
    *,
    kind: str,
    issuing_body: str,
    document_number: str,
    date: dt.date,
    actor: User,
) -> Approval:
    """Record the written approval that lets an exception pass (over 60, literacy only)."""
    _require(actor, "dossier.change", dossier.organisation)
    dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    _check_open(dossier)
    if kind not in Approval.Kind.values:
        raise DomainError(
            _("Loại ngoại lệ «%(kind)s» không hợp lệ.") % {"kind": kind},
            rule="approval",
            field="kind",
        )
    if not issuing_body.strip() or not document_number.strip():
        raise DomainError(
            _("Phải ghi cơ quan cho phép và số văn bản."), rule="approval", field="issuing_body"
        )
    try:
        with transaction.atomic():
            approval = Approval.objects.create(
                dossier=dossier,
                kind=kind,
                issuing_body=issuing_body.strip(),
                document_number=document_number.strip(),
                date=date,
                actor=actor,
            )
    except IntegrityError as exc:
        raise DomainError(_("Văn bản đồng ý loại này đã được ghi."), rule="approval") from exc
    record(
        actor=actor,
        action="admissions.approval.recorded",
        target=dossier,
        organisation=dossier.organisation,
        data={"kind": kind, "issuing_body": issuing_body, "document_number": document_number},
    )
    return approval


def on_awareness_certificate(enrolment: Enrolment, *, actor: User) -> None:
    """Registered with ``training`` (``AdmissionsConfig.ready``): an awareness certificate was
    issued, so the person's dossier may move to the class stage."""
    mark_sympathiser(enrolment.person, enrolment=enrolment, actor=actor)


def on_enrolment_superseded(old: Enrolment, new: Enrolment, *, actor: User) -> None:
    """Registered with ``training``: a certificate was corrected or revoked (or its holder
    removed from the class). Open dossiers that rested on it follow: they point at the row now
    in force (or at the person's other certificate in force, or none), and their deadline is
    recomputed; a cell vote then checks the corrected certificate."""
    for dossier in Dossier.objects.select_for_update().filter(
        enrolment=old, status=DossierStatus.OPEN
    ):
        if new.completed and not new.removed and new.certificate_date is not None:
            dossier.enrolment = new
        else:
            dossier.enrolment = _latest_certificate(dossier.person)
        dossier.save(update_fields=["enrolment"])
        refresh_deadline(dossier)


def awareness_candidates(cells: Any) -> Any:
    """Registered with ``training``: the people on the outstanding lists of ``cells`` (an open
    dossier still at the outstanding stage), waiting for the awareness class."""
    from dangvien.people.models import Person

    waiting = Dossier.objects.filter(
        organisation__in=cells, status=DossierStatus.OPEN, stage=Stage.OUTSTANDING
    )
    return Person.objects.filter(pk__in=waiting.values("person_id"))


def mark_sympathiser(person: Person, *, enrolment: Any, actor: User) -> Step | None:
    """Called by training when a person finishes the awareness class: an open dossier at the
    outstanding stage moves to the class stage (the person becomes a sympathiser)."""
    dossier = Dossier.objects.filter(
        person=person, status=DossierStatus.OPEN, stage=Stage.OUTSTANDING
    ).first()
    if dossier is None or not can(actor, "dossier.change", dossier.organisation):
        return None
    step = record_step(
        dossier,
        stage=Stage.CLASS,
        date=max(enrolment.certificate_date, dossier.opened_on),
        actor=actor,
        enrolment=enrolment,
    )
    assert isinstance(step, Step)
    return step


@transaction.atomic
def record_form_print(
    dossier: Dossier, *, code: str, step: Step | None, reference: str, actor: User
) -> None:
    """Audit the print of a KNĐ form of ``dossier`` (the document itself is built by
    ``admissions.printing.build_form``): an export, so it needs ``export.run`` on the cell."""
    require_step_authority(actor, "export.run", dossier.organisation, step=_("In biểu mẫu"))
    record(
        actor=actor,
        action="admissions.form.exported",
        target=dossier,
        organisation=dossier.organisation,
        data={"form": code, "step": step.pk if step is not None else None, "reference": reference},
    )


def attach_scan(
    dossier: Dossier,
    *,
    upload: Any,
    actor: User,
    step: Step | None = None,
    reference: str = "",
) -> tuple[StepAttachment, bool]:
    """Keep a scanned signed copy of a printed form with ``step`` (or the dossier). Refuses a
    file over the size limit, an empty one, or one that is not a PDF, JPEG or PNG (by its
    content). Needs ``dossier.change`` on the cell. Idempotent: the same file attached again to
    the dossier answers the row already kept (``created`` False)."""
    from dangvien.core.scans import check_scan, store_scan

    require_step_authority(
        actor, "dossier.change", dossier.organisation, step=_("Đính kèm bản scan")
    )
    if step is not None and step.dossier_id != dossier.pk:
        raise DomainError(
            _("Bước được chọn không thuộc hồ sơ này."), rule="attachment_step", field="step"
        )
    scan = check_scan(upload)
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
        attachment, created = store_scan(
            StepAttachment,
            upload,
            scan,
            owner={"dossier": dossier},
            step=step,
            reference=reference[:64],
            uploaded_by=actor,
        )
        if not created:
            return attachment, False
        record(
            actor=actor,
            action="admissions.scan.attached",
            target=attachment,
            organisation=dossier.organisation,
            data={
                "dossier": dossier.pk,
                "step": step.pk if step is not None else None,
                "name": attachment.name,
                "size": scan.size,
                "type": scan.kind,
                "reference": attachment.reference,
            },
        )
    return attachment, True


# --- reorganisation (issue 11): a cell merged or split hands over its open dossiers ----------


def reorganisation_dossier_ids(
    organisation_ids: list[int], effective_date: dt.date
) -> dict[int, list[int]]:
    """The open dossiers of these cells, as ``{organisation id: [dossier ids]}`` (one query)."""
    held: dict[int, list[int]] = {pk: [] for pk in organisation_ids}
    for pk, organisation_id in Dossier.objects.filter(
        organisation_id__in=organisation_ids, status=DossierStatus.OPEN
    ).values_list("pk", "organisation_id"):
        held[organisation_id].append(pk)
    return held


def latest_dossier_fact(organisation_ids: list[int]) -> dt.date | None:
    """The date of the latest step (or opening, closing) of a dossier of these cells."""
    from django.db.models import Max

    dossiers = Dossier.objects.filter(organisation_id__in=organisation_ids)
    dates = [
        Step.objects.filter(dossier__in=dossiers).aggregate(latest=Max("date"))["latest"],
        *dossiers.aggregate(opened=Max("opened_on"), closed=Max("closed_on")).values(),
    ]
    return max((day for day in dates if day is not None), default=None)


@transaction.atomic
def reorganisation_hand_over_dossiers(
    source: Organisation,
    target: Organisation,
    effective_date: dt.date,
    actor: User,
    *,
    ids: Iterable[int] | None = None,
    event: Any = None,
) -> list[int]:
    """The open dossiers of ``source`` continue in ``target`` from the reorganisation (the
    handover minutes list them): the dossier's cell changes, its steps stay as recorded, and
    an audit row per dossier says where it came from."""
    if not target.is_cell:
        raise DomainError(
            _("«%(org)s» không phải là chi bộ: hồ sơ kết nạp thuộc một chi bộ.")
            % {"org": target.name},
            rule="dossier_in_a_cell",
            found=target.get_kind_display(),
            required=_("chi bộ"),
            field="into",
        )
    rows = Dossier.objects.select_for_update().filter(
        organisation=source, status=DossierStatus.OPEN
    )
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    dossiers = list(rows.order_by("pk"))
    Dossier.objects.filter(pk__in=[dossier.pk for dossier in dossiers]).update(organisation=target)
    for dossier in dossiers:
        record(
            actor=actor,
            action="admissions.dossier.reorganised",
            target=dossier,
            organisation=target,
            data={"from": source.code, "to": target.code, "date": effective_date},
        )
    return [dossier.pk for dossier in dossiers]
