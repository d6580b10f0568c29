import io

import pytest
from django.core.management import CommandError, call_command

from dangvien.imports.tests.conftest import DATA
from dangvien.members.models import Membership
from dangvien.people.models import Person

pytestmark = pytest.mark.django_db


def test_import_members_checks_then_commits_with_progress(persona_tree):
    out = io.StringIO()
    call_command(
        "import_members", str(DATA / "members_ok.xlsx"), "--as", "region_officer", stdout=out
    )
    assert "mới 2" in out.getvalue() and "Chưa ghi gì" in out.getvalue()
    assert Membership.objects.count() == 0
    out = io.StringIO()
    call_command(
        "import_members",
        str(DATA / "members_ok.xlsx"),
        "--as",
        "region_officer",
        "--commit",
        stdout=out,
    )
    assert "Ghi vào cơ sở dữ liệu" in out.getvalue() and "Đã ghi: thêm mới 2" in out.getvalue()
    assert Membership.objects.count() == 2


def test_import_people_refuses_a_bad_file(persona_tree):
    with pytest.raises(CommandError, match="công thức"):
        call_command(
            "import_people",
            str(DATA / "formula.xlsx"),
            "--as",
            "region_officer",
            "--commit",
            stdout=io.StringIO(),
        )
    with pytest.raises(CommandError, match="còn lỗi"):
        call_command(
            "import_people",
            str(DATA / "people_errors.xlsx"),
            "--as",
            "branch_secretary",
            "--commit",
            stdout=io.StringIO(),
        )
    assert Person.objects.count() == 0
