from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from dangvien.core.errors import DomainError
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.core.worklist import collect_for_request
from dangvien.members.breakdowns import CRITERIA_BY_KEY, annotate_age
from dangvien.organisations.models import Organisation
from dangvien.reports import selectors
from dangvien.reports.access import (
    get_report_organisation,
    period_from_params,
    structure_from_params,
)
from dangvien.reports.home import get_home
from dangvien.reports.periods import PERIOD_KINDS, Period
from dangvien.reports.selectors import scope_label
from dangvien.reports.summary import build_summary

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _period_or_default(request: HttpRequest) -> tuple[Period, bool]:
    """The requested period, or (a refused one: the message shown, answered 400) the default
    period, with whether the request's period was refused."""
    try:
        return period_from_params(request.GET), False
    except DomainError as exc:
        messages.error(request, exc.message)
        return period_from_params({}), True


def _structure_param(on: dt.date | None) -> str:
    """The ``structure`` parameter that pins a report's tree for its links and exports."""
    return on.isoformat() if on is not None else "today"


def _report_url(org: Organisation, period: Period, structure: str = "") -> str:
    params = {"org": org.pk, **period.as_params()}
    if structure:
        params["structure"] = structure
    return f"{reverse('reports:report')}?{urlencode(params)}"


def _drilldown_base(org: Organisation, period: Period, structure: str = "") -> str:
    """The records behind a figure (reports.drilldown): this plus ``&figure=…``; ``structure``
    pins the tree of the figure it drills from."""
    params = {"org": org.pk, **period.as_params()}
    if structure:
        params["structure"] = structure
    return f"{reverse('reports:drilldown')}?{urlencode(params)}"


def _records_url(
    org: Organisation, period: Period, figure: str, which: str = "cur", structure: str = ""
) -> str:
    params = {"org": org.pk, **period.as_params(), "figure": figure, "which": which}
    if structure:
        params["structure"] = structure
    return f"{reverse('reports:records')}?{urlencode(params)}"


def _structure_or_default(request: HttpRequest) -> dt.date | str | None:
    """The requested structure date (a refused one: the message shown, then the default)."""
    try:
        return structure_from_params(request.GET)
    except DomainError as exc:
        messages.error(request, exc.message)
        return selectors.DEFAULT_STRUCTURE


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """The figures of one subtree and period, the children table, and the written summary."""
    organisation = get_report_organisation(request.user, request.GET.get("org"))
    period, refused = _period_or_default(request)
    structure = _structure_or_default(request)
    try:
        data = selectors.get_admission_report(
            organisation=organisation, period=period, structure=structure
        )
    except DomainError as exc:  # a period that has not begun: said, and the default shown
        messages.error(request, exc.message)
        refused = True
        data = selectors.get_admission_report(
            organisation=organisation, period=period_from_params({}), structure=structure
        )
    period = data.period  # to date when the period has not ended
    ancestors = Organisation.objects.visible_to(request.user).ancestors_of(organisation)
    previous = data.previous_period
    tree = _structure_param(data.structure_on)

    def link(org: Organisation | None, figure: str, which: str = "cur") -> str:
        return _records_url(
            org or organisation, previous if which == "prev" else period, figure, structure=tree
        )

    children = [
        {
            "row": row,
            "admitted_url": link(row.organisation, "total") if row.organisation else "",
            "previous_url": link(row.organisation, "total", "prev") if row.organisation else "",
            "report_url": (_report_url(row.organisation, period, tree) if row.organisation else ""),
        }
        for row in data.children
    ]
    groups = [
        (label, [(b, link(None, b.key), link(None, b.key, "prev")) for b in items])
        for label, items in data.breakdown_groups
    ]
    context = {
        "organisation": organisation,
        "ancestors": ancestors,
        "period": period,
        "report": data,
        "summary": build_summary(data),
        "target_scope_label": scope_label(data.target_scope, period.year),
        "share_gone": Decimal(period.days) * 100 / period.named.days,
        "children": children,
        "groups": groups,
        "admitted_url": link(None, "total"),
        "previous_url": link(None, "total", "prev"),
        "official_url": _records_url(organisation, period, "official", structure=tree),
        "drill": _drilldown_base(organisation, period, tree),
        "params": request.GET,
        "period_kinds": PERIOD_KINDS,
        "structure_value": request.GET.get("structure", ""),
        "can_export": can(request.user, "export.run", organisation),
        "export_params": {"org": organisation.pk, **period.as_params(), "structure": tree},
        "quality": _member_quality(organisation, period, data.structure_root, tree),
    }
    return render(request, "reports/report.html", context, status=400 if refused else 200)


REMOVAL_FIGURES = ("removed", "expelled", "left")


def _member_quality(
    organisation: Organisation, period: Period, root: Any = None, tree: str = ""
) -> dict[str, Any]:
    """The member-quality figures, on the report's tree (``root``, resolved by the admission
    report), with the links to the rows behind each of them."""
    from dangvien.members.choices import MemberStatus
    from dangvien.screening.choices import CaseStatus

    data = selectors.get_member_quality_figures(
        organisation=organisation, period=period, structure=root
    )
    org = {"org": organisation.pk}

    def url(name: str, **params: Any) -> str:
        return f"{reverse(name)}?{urlencode({**org, **params})}"

    screening = data.screening
    # the lists behind the screening and badge figures count on the report's tree
    on_tree = {"structure": tree} if tree else {}
    return {
        "figures": data,
        "cases_url": url("screening:case-list", **on_tree),
        "statuses": [
            (
                label,
                screening.by_status[value],
                url("screening:case-list", status=value, **on_tree),
            )
            for value, label in CaseStatus.choices
        ],
        "removals": [
            (
                MemberStatus(form).label,
                count,
                _records_url(organisation, period, form, structure=tree),
            )
            for form, count in screening.removals.items()
        ],
        "removals_total": sum(screening.removals.values()),
        "dues_url": url("screening:dues-alerts", year=period.end.year),
        "badges": [
            (
                milestone,
                data.badges_due.get(milestone, 0),
                data.badges_awarded.get(milestone, 0),
                url("badges:award-list", year=period.end.year, milestone=milestone, **on_tree),
            )
            for milestone in sorted(set(data.badges_due) | set(data.badges_awarded))
        ],
        "badges_due_url": url("badges:due-list", award_date=data.badge_day.isoformat()),
    }


DASHBOARD_PERIODS = (
    ("month", gettext_lazy("Tháng")),
    ("quarter", gettext_lazy("Quý")),
    ("half", gettext_lazy("6 tháng đầu năm")),
    ("ytd", gettext_lazy("Từ đầu năm đến hết tháng")),
    ("year", gettext_lazy("Cả năm")),
)


def _monthly_points(counts: list[int], year: int, today: dt.date) -> list[int | None]:
    """A year's monthly counts with the months that have not begun as ``None`` (no point is
    drawn), never as 0: a future month has no figure yet."""
    if year < today.year:
        return list(counts)
    if year > today.year:
        return [None] * 12
    return [count if month <= today.month else None for month, count in enumerate(counts, 1)]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The user's organisation at a glance for the report's periods (month, quarter, half-year,
    year to date, year): progress per child, months, composition. A period that has not begun
    shows why there is no figure; months that have not begun are not drawn."""
    organisation = get_report_organisation(request.user, request.GET.get("org"))
    today = dt.date.today()
    period, refused = _period_or_default(request)
    year = period.end.year
    future = period.start > today
    in_progress = period.start <= today < period.end
    structure = _structure_or_default(request)
    if future:  # nothing to count yet: the page says why; the children and charts stay
        data = selectors.get_admission_report(
            organisation=organisation,
            period=period_from_params({}),
            today=today,
            structure=structure,
        )
    else:
        data = selectors.get_admission_report(
            organisation=organisation, period=period, today=today, structure=structure
        )
        period = data.period  # to date when the period has not ended
    # the months on the report's tree (the same structure date as its figures)
    monthly = selectors.get_monthly_admissions(
        organisation=organisation, year=year, structure=data.structure_root
    )
    chart_data: dict[str, Any] = {
        "progress": {
            "labels": [
                row.organisation.name if row.organisation else gettext("Trực tiếp")
                for row in data.children
            ],
            "admitted": [None if future else row.admitted for row in data.children],
            "target": [row.target for row in data.children],
        },
        "monthly": {
            "labels": [f"Th{m}" for m in range(1, 13)],
            "current": _monthly_points(monthly[year], year, today),
            "previous": _monthly_points(monthly[year - 1], year - 1, today),
            "current_label": gettext("Năm %(year)s") % {"year": year},
            "previous_label": gettext("Năm %(value)s") % {"value": year - 1},
        },
        "composition": {
            "labels": [],
            "percent": [],
        },
    }
    for key in (
        "women",
        "ethnic_minority",
        "youth_union",
        "farmers",
        "rural",
        "age_18_30",
        "university",
        "religious",
    ):
        b = data.breakdown[key]
        chart_data["composition"]["labels"].append(b.label)
        chart_data["composition"]["percent"].append(
            float(b.percent) if b.percent is not None else None
        )
    params = request.GET
    context = {
        "organisation": organisation,
        "year": year,
        "years": [year - 1, year] + ([year + 1] if year < today.year else []),
        "period": period,
        "today": today,
        "future": future,
        "in_progress": in_progress,
        "period_kinds": DASHBOARD_PERIODS,
        "chosen": {
            "period": params.get("period") or "ytd",
            "month": period.end.month,
            "quarter": (period.end.month - 1) // 3 + 1,
        },
        "months": range(1, 13),
        "quarters": ((1, "I"), (2, "II"), (3, "III"), (4, "IV")),
        "year_choices": sorted({*range(today.year - 5, today.year + 1), year}),
        "report": data,
        "summary": "" if future else build_summary(data),
        "chart_data": chart_data,
        "report_url": _report_url(organisation, period, _structure_param(data.structure_on)),
        "admitted_url": _records_url(
            organisation, period, "total", structure=_structure_param(data.structure_on)
        ),
    }
    return render(request, "reports/dashboard.html", context, status=400 if refused else 200)


@login_required
def records(request: HttpRequest) -> HttpResponse:
    """The members behind a figure: admitted in the period (optionally one criterion), or
    recognised as official. Scoped: the organisation must be in the user's subtrees."""
    from dangvien.members.models import Membership

    organisation = get_report_organisation(request.user, request.GET.get("org"))
    try:
        period = period_from_params(request.GET)
        structure = structure_from_params(request.GET)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    from dangvien.organisations.selectors import resolve_structure, structure_q

    on = (
        selectors.default_structure(period, timezone.localdate())
        if isinstance(structure, str)
        else structure
    )
    root = resolve_structure(organisation, on)
    figure = request.GET.get("figure") or "total"
    if figure in REMOVAL_FIGURES:
        from dangvien.members.choices import MemberStatus

        # removals decided in the period in the subtree (Biểu 1-BTCTW, decreases)
        queryset = Membership.objects.filter(
            structure_q(root, field="events__organisation"),
            events__status=figure,
            events__date__range=(period.start, period.end),
        ).distinct()
        title = gettext("Ra khỏi Đảng — %(form)s") % {"form": MemberStatus(figure).label}
    elif figure == "official":
        queryset = Membership.objects.filter(
            structure_q(root),
            official_date__range=(period.start, period.end),
        )
        title = gettext("Đảng viên được công nhận chính thức")
    else:
        criterion = CRITERIA_BY_KEY.get(figure)
        if figure != "total" and criterion is None:
            raise Http404("figure")
        queryset = annotate_age(
            Membership.objects.filter(
                structure_q(root, field="admitted_in"),
                decision_date__range=(period.start, period.end),
            )
        )
        if criterion is not None:
            queryset = queryset.filter(criterion.q)
        title = gettext("Đảng viên kết nạp") + (f" — {criterion.label}" if criterion else "")
    queryset = queryset.select_related(
        "person", "person__ethnic_group", "person__occupation", "admitted_in"
    ).order_by("decision_date", "pk")
    page = Paginator(queryset, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organisation": organisation,
        "period": period,
        "title": title,
        "page": page,
        "query": query.urlencode(),
        "back_url": _report_url(organisation, period, _structure_param(root.on)),
    }
    return render(request, "reports/records.html", context)


@login_required
@require_POST
def export(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    """Download the report as xlsx, docx or pdf (the Word document rendered by LibreOffice);
    stamped with the user and time, and audited. ``signer=preparer`` signs as NGƯỜI LẬP."""
    from dangvien.reports.services import export_report

    if file_format not in CONTENT_TYPES:
        raise Http404("format")
    organisation = get_report_organisation(request.user, request.POST.get("org"))
    if not can(request.user, "export.run", organisation):
        raise PermissionDenied("export.run")
    try:
        period = period_from_params(request.POST)
        structure = structure_from_params(request.POST)
        data = selectors.get_admission_report(
            organisation=organisation, period=period, structure=structure
        )
        content, _when = export_report(
            data,
            actor=request.user,
            file_format=file_format,
            signer=request.POST.get("signer") or "committee",
        )
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    filename = (
        f"bao-cao-ket-nap-{organisation.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
        f".{file_format}"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: the pipeline of the user's part of the party, each person's next step,
    the probationers who can be recognised now, and what is due or overdue
    (``reports.home``)."""
    today = timezone.localdate()
    # one run of the worklist sources, shared with the navigation badge
    work = collect_for_request(request, today)
    data = get_home(user=request.user, today=today, work=work)
    return render(request, "reports/home.html", {"home": data})


# --- grading (366-QĐ/TW): distribution of approved grades, drill-down -------------------------


def _grading_period(request: HttpRequest) -> tuple[int, int]:
    from dangvien.grading.periods import parse_period

    parsed = parse_period(request.GET.get("year") or "", request.GET.get("quarter") or 0)
    if parsed is None:
        today = dt.date.today()
        return (today.year - 1 if today.month <= 3 else today.year), 0
    return parsed


def _grading_records_url(
    org: Organisation, year: int, quarter: int, kind: str, grade: str = "", structure: str = ""
) -> str:
    params: dict[str, str | int] = {"org": org.pk, "year": year, "quarter": quarter, "kind": kind}
    if grade:
        params["grade"] = grade
    if structure:
        params["structure"] = structure
    return f"{reverse('reports:grading-records')}?{urlencode(params)}"


def _grading_structure(
    request: HttpRequest, organisation: Organisation, year: int, quarter: int
) -> Any:
    """The grading period's tree, chosen as the admission report's (``structure=``: a date,
    ``today``, or the default: today's tree for a period not over, its own for a closed one),
    resolved once for every count of the page."""
    from dangvien.grading.periods import period_bounds
    from dangvien.organisations.selectors import resolve_structure

    structure = _structure_or_default(request)
    if isinstance(structure, str):
        structure = selectors.default_structure(Period(*period_bounds(year, quarter)))
    return resolve_structure(organisation, structure)


@login_required
def grading_report(request: HttpRequest) -> HttpResponse:
    """Approved grades of members and organisations of one subtree for a year or a quarter,
    Biểu-style (this period, share, same period last year, ratio) and per child."""
    from dangvien.grading.choices import GRADE_ORDER, GRADE_SHORT, Quarter
    from dangvien.grading.periods import period_label
    from dangvien.reports.grading import get_grading_report

    organisation = get_report_organisation(request.user, request.GET.get("org"))
    year, quarter = _grading_period(request)
    root = _grading_structure(request, organisation, year, quarter)
    data = get_grading_report(organisation=organisation, year=year, quarter=quarter, structure=root)
    tree = _structure_param(root.on)

    def url(kind: str, grade: str = "", org: Organisation | None = None) -> str:
        # a child's rows: its subtree on the same tree (a past tree pins the date)
        return _grading_records_url(org or organisation, year, quarter, kind, grade, tree)

    children = []
    for row in data.children:
        target = row.organisation or organisation
        children.append(
            {
                "row": row,
                "report_url": (
                    f"{reverse('reports:grading')}?"
                    + urlencode(
                        {"org": target.pk, "year": year, "quarter": quarter, "structure": tree}
                    )
                    if row.organisation
                    else ""
                ),
                "members": [
                    (row.members.counts[g], url("members", g, target)) for g in GRADE_ORDER
                ],
                "members_total": (row.members.total, url("members", "", target)),
                "organisations": [
                    (row.organisations.counts[g], url("organisations", g, target))
                    for g in GRADE_ORDER
                ],
            }
        )
    context = {
        "organisation": organisation,
        "ancestors": Organisation.objects.visible_to(request.user).ancestors_of(organisation),
        "report": data,
        "year": year,
        "quarter": quarter,
        "years": [year - 1, year, year + 1],
        "periods": [(q, period_label(year, q)) for q in Quarter.values],
        "member_lines": [
            (line, url("members", "" if line.key == "total" else line.key)) for line in data.members
        ],
        "organisation_lines": [
            (line, url("organisations", "" if line.key == "total" else line.key))
            for line in data.organisations
        ],
        "children": children,
        "grade_short": [GRADE_SHORT[g] for g in GRADE_ORDER],
    }
    return render(request, "reports/grading.html", context)


@login_required
def grading_records(request: HttpRequest) -> HttpResponse:
    """The members (or organisations) behind a grading count: the same filter as the count,
    inside the user's scope."""
    from dangvien.grading.choices import Grade
    from dangvien.grading.periods import parse_period, period_label
    from dangvien.grading.selectors import member_grade_records, organisation_grade_records

    organisation = get_report_organisation(request.user, request.GET.get("org"))
    # without a year: the default period, as on the grading page; a bad one: 404
    parsed = (
        parse_period(request.GET["year"], request.GET.get("quarter") or 0)
        if request.GET.get("year")
        else _grading_period(request)
    )
    kind = request.GET.get("kind") or "members"
    grade = request.GET.get("grade") or ""
    if parsed is None or kind not in ("members", "organisations"):
        raise Http404("period")
    if grade and grade not in Grade.values:
        raise Http404("grade")
    year, quarter = parsed
    root = _grading_structure(request, organisation, year, quarter)
    select = member_grade_records if kind == "members" else organisation_grade_records
    queryset = select(organisation, year=year, quarter=quarter, grade=grade or None, structure=root)
    page = Paginator(queryset, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    title = (
        gettext("Đảng viên được xếp loại")
        if kind == "members"
        else gettext("Tổ chức đảng được xếp loại")
    )
    if grade:
        title += f" — {Grade(grade).label}"
    context = {
        "organisation": organisation,
        "label": period_label(year, quarter),
        "title": title,
        "kind": kind,
        "page": page,
        "query": query.urlencode(),
        "back_url": f"{reverse('reports:grading')}?"
        + urlencode(
            {
                "org": organisation.pk,
                "year": year,
                "quarter": quarter,
                "structure": _structure_param(root.on),
            }
        ),
    }
    return render(request, "reports/grading_records.html", context)
