"""A reorganisation plan from an xlsx sheet: one row per (old code → new code) pair, read with
the import machinery, all or nothing."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from dangvien.accounts.choices import Role
from dangvien.accounts.models import RoleAssignment, User
from dangvien.audit.models import AuditEvent
from dangvien.core.importing import ImportRefused
from dangvien.members.tests.factories import make_member
from dangvien.organisations import plan_import, plans
from dangvien.organisations.choices import OrganisationKind as K
from dangvien.organisations.models import Organisation, ReorganisationPlan
from dangvien.organisations.tests.factories import make_organisation
from tests.support.mfa import force_login_with_mfa

pytestmark = pytest.mark.django_db

JULY_1 = dt.date(2025, 7, 1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADER = [
    "Thao tác",
    "Mã cũ",
    "Mã mới",
    "Tên mới",
    "Loại tổ chức mới",
    "Mã cấp trên",
    "Tổ chức trực thuộc chuyển về",
    "Cách chia số liệu",
]

GOOD_ROWS = [
    ["Hợp nhất, sáp nhập", "XA", "XM", "Đảng bộ xã Mới", "Đảng bộ xã, phường, đặc khu", "T01"],
    ["Sáp nhập", "xb", "XM"],
    ["sap nhap", "XC", "XM", "Đảng bộ xã Mới", "commune", "T01"],
    ["Giải thể", "H01", "T01"],
    ["Chia tách", "K01", "K01A", "Đảng bộ khối A", "Đảng bộ khối", "", "K01C1", "theo cơ quan"],
    ["Chia tách", "K01", "K01B", "Đảng bộ khối B", "bloc", "", "K01C2"],
]

BY_HAND = [
    {
        "kind": "merge",
        "spec": {
            "sources": ["XA", "XB", "XC"],
            "into": {"code": "XM", "name": "Đảng bộ xã Mới", "kind": "commune", "parent": "T01"},
        },
    },
    {"kind": "dissolve", "spec": {"organisation": "H01", "successor": "T01"}},
    {
        "kind": "split",
        "spec": {
            "source": "K01",
            "parts": [
                {"code": "K01A", "name": "Đảng bộ khối A", "kind": "bloc"},
                {"code": "K01B", "name": "Đảng bộ khối B", "kind": "bloc"},
            ],
            "children": {"K01C1": "K01A", "K01C2": "K01B"},
            "default_part": "K01A",
            "reason": "theo cơ quan",
        },
    },
]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(rows, name="phuong-an.xlsx"):
    return SimpleUploadedFile(name, xlsx(rows), content_type=XLSX)


@pytest.fixture
def world(persona_tree):
    province = persona_tree.region_north
    district = make_organisation(province, code="H01", name="Huyện ủy Đông", kind=K.DISTRICT)
    for letter in "ABC":
        commune = make_organisation(
            district, code=f"X{letter}", name=f"Đảng bộ xã {letter}", kind=K.COMMUNE
        )
        cell = make_organisation(commune, code=f"CB{letter}", name=f"Chi bộ {letter}")
        make_member(cell, decision_date=dt.date(2016, 3, 1))
    bloc = make_organisation(province, code="K01", name="Đảng bộ Khối cơ quan", kind=K.BLOC)
    for n in (1, 2):
        cell = make_organisation(bloc, code=f"K01C{n}", name=f"Chi bộ cơ quan {n}")
        make_member(cell, decision_date=dt.date(2018, 3, 1))
    officer = User.objects.create_user(username="huyen", password="mat-khau-thu-nghiem-1")
    RoleAssignment.objects.create(user=officer, role=Role.ORG_BOARD, organisation=district)
    return district, officer


def _draft(root, actor, operations=()):
    return plans.create_plan(
        root=root,
        effective_date=JULY_1,
        decision_number="31-HD/BTCTW",
        handover_reference="BB-2025",
        operations=operations,
        actor=actor,
    )


def _operations(plan):
    return [{"kind": op.kind, "spec": op.spec} for op in plan.operations.order_by("position")]


def test_the_file_gives_the_plan_built_by_hand(persona_tree, national_admin, world, client_for):
    province = persona_tree.region_north
    imported = _draft(province, national_admin)
    response = client_for("region_officer").post(
        f"/organisations/plans/{imported.pk}/", {"action": "import", "file": upload(GOOD_ROWS)}
    )
    assert response.status_code == 302, response.content.decode()
    assert _operations(imported) == BY_HAND
    assert AuditEvent.objects.filter(
        action="organisations.reorganisation_plan.imported", data__operations=3, data__rows=6
    ).exists()

    by_hand = _draft(province, national_admin, BY_HAND)
    got = plans.preview_plan(imported, actor=national_admin)
    expected = plans.preview_plan(by_hand, actor=national_admin)
    assert got.ok and expected.ok
    assert got.operations == expected.operations
    assert got.totals == expected.totals
    merge, dissolve, split = got.operations
    assert dissolve.sources == ["H01 — Huyện ủy Đông"]
    assert merge.sources == ["XA — Đảng bộ xã A", "XB — Đảng bộ xã B", "XC — Đảng bộ xã C"]
    assert merge.targets == ["XM — Đảng bộ xã Mới"]
    assert split.targets == ["K01A — Đảng bộ khối A", "K01B — Đảng bộ khối B"]
    assert not Organisation.objects.filter(code__in=["XM", "K01A"]).exists()  # a draft only

    # the same through the API, on another draft
    api_plan = _draft(province, national_admin)
    answer = client_for("national_admin").post(
        f"/api/v1/organisations/reorganisation-plans/{api_plan.pk}/import",
        {"file": upload(GOOD_ROWS)},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["operations"][2]["spec"] == BY_HAND[2]["spec"]


BAD_ROWS = [
    ["Hợp nhất, sáp nhập", "XA", "XM", "Đảng bộ xã Mới", "commune", "T01"],
    ["Hợp nhất, sáp nhập", "XB", "XM", "Đảng bộ xã Mường Luân", "commune", "T01"],
    ["Hợp nhất, sáp nhập", "XZ", "XM"],
    ["Giải thể", "H01"],
]


def test_a_bad_file_is_refused_row_by_row_and_changes_nothing(
    persona_tree, national_admin, world, client_for
):
    plan = _draft(persona_tree.region_north, national_admin, BY_HAND[1:2])
    audit_before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    with pytest.raises(plan_import.PlanRowsRefused) as refused:
        plan_import.import_upload(plan, upload=upload(BAD_ROWS), actor=national_admin)
    assert [(e.row, e.column, e.message) for e in refused.value.errors] == [
        (
            3,
            "Tên mới",
            "Mã mới «XM» đã ghi ở dòng 2 là «Đảng bộ xã Mới», dòng này ghi «Đảng bộ xã Mường "
            "Luân»; các dòng cùng một mã mới phải ghi giống nhau (hoặc để trống).",
        ),
        (4, "Mã cũ", "Không tìm thấy tổ chức mã «XZ» trong «Tỉnh ủy miền Bắc»."),
    ]
    assert refused.value.message == (
        "Tệp có 2 lỗi ở 2 dòng; phương án không thay đổi. Hãy sửa các dòng được nêu rồi tải lên "
        "lại."
    )
    assert _operations(plan) == BY_HAND[1:2]
    new_events = AuditEvent.objects.filter(pk__gt=audit_before).values_list("action", flat=True)
    assert set(new_events) <= {"accounts.user.logged_in"}  # the clients' logins, nothing else

    # the page lists them and offers the file with a «Lỗi» column
    page = client_for("national_admin").post(
        f"/organisations/plans/{plan.pk}/", {"action": "import", "file": upload(BAD_ROWS)}
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "Không tìm thấy tổ chức mã «XZ» trong «Tỉnh ủy miền Bắc»." in body
    assert "Tải tệp kèm cột lỗi" in body
    errors = load_workbook(io.BytesIO(plan_import.error_workbook(refused.value))).active
    assert errors.cell(1, 9).value == "Lỗi"
    assert (
        errors.cell(4, 9).value == "Mã cũ: Không tìm thấy tổ chức mã «XZ» trong «Tỉnh ủy miền Bắc»."
    )
    # the API: 400, every error with its row and column
    answer = client_for("national_admin").post(
        f"/api/v1/organisations/reorganisation-plans/{plan.pk}/import", {"file": upload(BAD_ROWS)}
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][1] == {
        "field": "Mã cũ",
        "row": 4,
        "message": "Không tìm thấy tổ chức mã «XZ» trong «Tỉnh ủy miền Bắc».",
    }
    assert _operations(plan) == BY_HAND[1:2]
    new_events = AuditEvent.objects.filter(pk__gt=audit_before).values_list("action", flat=True)
    assert set(new_events) <= {"accounts.user.logged_in"}  # the clients' logins, nothing else


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [["Chia tách", "K01", "", "", "", "", "", "x"]],
            [(2, "Mã mới", "Chia tách cần «Mã mới»: mỗi phần sau chia tách ghi một dòng.")],
        ),
        (
            [["Hợp nhất, sáp nhập", "XA", "XB"], ["Giải thể", "XA"]],
            [
                (
                    3,
                    "Mã cũ",
                    "Tổ chức «XA» đã có ở dòng 2; mỗi tổ chức cũ chỉ thuộc một thao tác (các "
                    "phần của một lần chia tách ghi cùng mã cũ).",
                )
            ],
        ),
        (
            [["Đổi tên", "XA", "CB01"]],
            [(2, "Mã mới", "Mã mới «CB01» đã được dùng cho một tổ chức khác.")],
        ),
        (
            [["Hợp nhất, sáp nhập", "XA", "XN", "Xã N"]],
            [(2, "Loại tổ chức mới", "Tổ chức mới «XN» cần «Loại tổ chức mới».")],
        ),
        (
            [["Chuyển trực thuộc", "XA"]],
            [(2, "Mã cấp trên", "Chuyển trực thuộc cần «Mã cấp trên» mới.")],
        ),
        (
            [["Giải thể", "XA", "", "", "", "T01"]],
            [
                (
                    2,
                    "Mã cấp trên",
                    "Chỉ ghi khi thành lập tổ chức mới hoặc chuyển trực thuộc.",
                )
            ],
        ),
        (
            [["Gộp lại", "XA", "XB"]],
            [(2, "Thao tác", "«Gộp lại» không có trong danh mục thao tác.")],
        ),
    ],
)
def test_inconsistent_rows_are_named(persona_tree, national_admin, world, rows, expected):
    plan = _draft(persona_tree.region_north, national_admin)
    with pytest.raises(plan_import.PlanRowsRefused) as refused:
        plan_import.import_upload(plan, upload=upload(rows), actor=national_admin)
    assert [(e.row, e.column, e.message) for e in refused.value.errors] == expected
    assert plan.operations.count() == 0


def test_a_wrong_header_refuses_the_file(persona_tree, national_admin, world):
    plan = _draft(persona_tree.region_north, national_admin)
    content = xlsx([["Giải thể", "H01"]], header=["Thao tác", "Mã tổ chức"])
    with pytest.raises(ImportRefused, match="thiếu cột bắt buộc: «Mã cũ»"):
        plan_import.import_upload(
            plan, upload=SimpleUploadedFile("a.xlsx", content), actor=national_admin
        )


def test_scope(persona_tree, national_admin, world, client_for):
    """The district's board plans on its district only: a code outside reads as unknown; the
    province's plan is 404 to it (page and API), and to the other region's users."""
    district, officer = world
    own = _draft(district, officer)
    with pytest.raises(plan_import.PlanRowsRefused) as refused:
        plan_import.import_upload(own, upload=upload([["Giải thể", "K01"]]), actor=officer)
    assert [(e.row, e.column, e.message) for e in refused.value.errors] == [
        (2, "Mã cũ", "Không tìm thấy tổ chức mã «K01» trong «Huyện ủy Đông»."),
    ]
    plan_import.import_upload(
        own,
        upload=upload([["Hợp nhất, sáp nhập", "XA", "XB"], ["Hợp nhất, sáp nhập", "XC", "XB"]]),
        actor=officer,
    )
    assert _operations(own) == [{"kind": "merge", "spec": {"sources": ["XA", "XC"], "into": "XB"}}]

    province_plan = _draft(persona_tree.region_north, national_admin)
    client = client_for("anonymous")
    force_login_with_mfa(client, officer)
    for asker in (client, client_for("outsider")):
        page = asker.post(
            f"/organisations/plans/{province_plan.pk}/",
            {"action": "import", "file": upload(GOOD_ROWS)},
        )
        assert page.status_code == 404
        answer = asker.post(
            f"/api/v1/organisations/reorganisation-plans/{province_plan.pk}/import",
            {"file": upload(GOOD_ROWS)},
        )
        assert answer.status_code == 404
    assert ReorganisationPlan.objects.get(pk=province_plan.pk).operations.count() == 0


def test_the_template(client_for, tmp_path: Path):
    response = client_for("viewer").get("/organisations/plans/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Dữ liệu", "Danh mục", "Hướng dẫn"]
    headers = [cell.value for cell in workbook["Dữ liệu"][1]]
    assert headers[:8] == HEADER
    # the template, filled in, is read back
    sheet = workbook["Dữ liệu"]
    sheet.append(["Giải thể", "H01"])
    path = tmp_path / "filled.xlsx"
    workbook.save(path)
    assert len(plan_import.read_sheet(path).rows) == 1
