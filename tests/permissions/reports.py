"""Designed answers for the report pages and API (see dangvien/accounts/matrix.py).

Reading is scope alone (``report.view`` for every role); without ``?org=`` each reader sees
their home organisation, so the outsider reads T02's report (200). Named explicitly, the north
branch CB01 is out of the outsider's reach (404). Exporting needs ``export.run`` on the
organisation (every north role but the viewer) and is audited.
"""

from tests.support.matrix import LOGIN, Operation, Page, answers, by_role

NORTH = (
    "national_admin",
    "region_officer",
    "grassroots_office",
    "branch_secretary",
    "training_centre",
    "area_committee",
    "viewer",
)
EXPORTERS = tuple(persona for persona in NORTH if persona != "viewer")  # export.run on CB01

PERMISSIONS = [
    Page("reports:dashboard", get=answers(200, anonymous=LOGIN)),
    Page(
        "reports:dashboard*",
        get=by_role(200, who=NORTH),
        samples=("/reports/?org=CB01",),
        note="the dashboard of the north branch, named by code",
    ),
    Page("reports:report", get=answers(200, anonymous=LOGIN)),
    Page(
        "reports:report*",
        get=by_role(200, who=NORTH),
        samples=("/reports/admissions/?org=CB01&period=year&year=2025",),
        note="the report of the north branch, named by code",
    ),
    Page("reports:records", get=answers(200, anonymous=LOGIN)),
    Page(
        "reports:records*",
        get=by_role(200, who=NORTH),
        samples=(
            "/reports/admissions/records/?org=CB01&figure=total",
            "/reports/admissions/records/?org=CB01&figure=official",
        ),
        note="the members behind a figure of the north branch",
    ),
    Page(
        "reports:export",
        get=by_role(405, who=NORTH, denied=405, outsider=405),
        post=by_role(200, who=EXPORTERS),
        kwargs=lambda w: {"file_format": "xlsx"},
        data=lambda w: {"org": w.tree.branch.pk, "period": "year", "year": "2025"},
        samples=("/reports/admissions/export.docx",),
        note="POST-only; the file is the 200 (xlsx, and docx through the sample)",
    ),
    Page("reports:forms", get=answers(200, anonymous=LOGIN)),
    Page(
        "reports:forms*",
        get=by_role(200, who=NORTH),
        samples=("/reports/admissions/forms/?org=CB01&period=year&year=2025",),
        note="Biểu 1, 2 and 3-BTCTW of the north branch, named by code",
    ),
    Page(
        "reports:forms-export",
        get=by_role(405, who=NORTH, denied=405, outsider=405),
        post=by_role(200, who=EXPORTERS),
        data=lambda w: {"org": w.tree.branch.pk, "period": "year", "year": "2025"},
        note="POST-only; the printable xlsx of Biểu 1, 2 and 3-BTCTW is the 200, audited",
    ),
    Page("reports:organisations", get=answers(200, anonymous=LOGIN)),
    Page(
        "reports:organisations*",
        get=by_role(200, who=NORTH),
        samples=("/reports/admissions/organisations/?org=CB01&period=year&year=2025",),
        note="organisations by kind and grassroots targets of the north branch",
    ),
    Page("reports:drilldown", get=answers(200, anonymous=LOGIN)),
    Page(
        "reports:drilldown*",
        get=by_role(200, who=NORTH),
        samples=(
            "/reports/admissions/list/?org=CB01&period=year&year=2025&figure=members_end",
            "/reports/admissions/list/?org=CB01&period=year&year=2025&figure=stage:application",
            "/reports/admissions/list/?org=CB01&period=year&year=2025&figure=grassroots",
        ),
        note="the records behind a figure of the north branch (default: members at the end)",
    ),
    Page(
        "reports:drilldown-export",
        get=by_role(405, who=NORTH, denied=405, outsider=405),
        post=by_role(200, who=EXPORTERS),
        data=lambda w: {
            "org": w.tree.branch.pk,
            "period": "year",
            "year": "2025",
            "figure": "members_end",
        },
        note="POST-only; the list behind a figure as xlsx (core.exporting), audited",
    ),
    Page("reports:grading", get=answers(200, anonymous=LOGIN)),
    Page(
        "reports:grading*",
        get=by_role(200, who=NORTH),
        samples=("/reports/grading/?org=CB01&year=2025&quarter=4",),
        note="the grading figures of the north branch, named by code",
    ),
    Page("reports:grading-records", get=answers(200, anonymous=LOGIN)),
    Page(
        "reports:grading-records*",
        get=by_role(200, who=NORTH),
        samples=(
            "/reports/grading/records/?org=CB01&year=2025&kind=members&grade=htt",
            "/reports/grading/records/?org=CB01&year=2025&kind=organisations",
        ),
        note="the graded members / organisations behind a count",
    ),
    Operation("GET /api/v1/reports/admissions", answers(200, anonymous=401)),
    Operation("GET /api/v1/reports/forms", answers(200, anonymous=401)),
    Operation(
        "POST /api/v1/reports/admissions/document/{file_format}",
        # no org in the matrix: each persona's own organisation; the viewer cannot export
        by_role(200, who=(*EXPORTERS, "outsider"), anonymous=401),
        params=lambda w: {"file_format": "docx"},
        note="the Word file is the 200 (the PDF is tested in dangvien/reports/tests/test_meeting.py)",
    ),
]
