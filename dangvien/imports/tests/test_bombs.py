"""Upload bombs, formula text and interrupted imports (issue 15, items 4, 5 and 9).

The bomb files are generated here (small on disk); each is refused with a Vietnamese message
before anything is parsed, and the memory of the process that refuses it is measured.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from dangvien.core.importing import ImportRefused, check_workbook, read_rows
from dangvien.imports import services, tasks
from dangvien.imports.models import ImportStatus
from dangvien.imports.progress import progress_path
from dangvien.imports.tests.conftest import upload
from dangvien.people.models import Person

ROOT = Path(__file__).resolve().parents[3]
MB = 1024 * 1024

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    "</Types>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Dữ liệu" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org'
    '/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org'
    '/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org'
    '/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org'
    '/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><dimension ref="%s"/><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def make_xlsx(path: Path, *, dimension: str, rows, level: int = 9) -> Path:
    """A minimal xlsx whose sheet rows come from an iterator of XML strings (streamed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write((SHEET_HEAD % dimension).encode())
            batch: list[str] = []
            for row in rows:
                batch.append(row)
                if len(batch) == 10_000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write("".join(batch).encode())
            sheet.write(SHEET_TAIL.encode())
    return path


def one_big_cell(path: Path, size: int) -> Path:
    """One cell of ``size`` bytes, written in 1 MB pieces: a 400 MB cell packs to ~400 KB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write((SHEET_HEAD % "A1:A2").encode())
            sheet.write(b'<row r="1">' + _cell("A1", "Họ và tên").encode() + b"</row>")
            sheet.write(b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
            piece = b"A" * MB
            for _ in range(size // MB):
                sheet.write(piece)
            sheet.write(b"</t></is></c></row>" + SHEET_TAIL.encode())
    return path


def shared_string_rows(path: Path, *, rows: int, text: str) -> Path:
    """``rows`` cells in column A that all point at one shared string."""
    rels = RELS.replace(
        "</Relationships>",
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    strings = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" count="{rows}" uniqueCount="1"><si><t>{text}</t></si></sst>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr("xl/sharedStrings.xml", strings)
        body = "".join(
            f'<row r="{i}"><c r="A{i}" t="s"><v>0</v></c></row>' for i in range(1, rows + 1)
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml", (SHEET_HEAD % f"A1:A{rows}") + body + SHEET_TAIL
        )
    return path


def many_rows(path: Path, count: int, *, dimension: str = "A1:B3") -> Path:
    """``count`` rows behind a false dimension (the sheet claims three rows)."""
    return make_xlsx(
        path,
        dimension=dimension,
        rows=(f'<row r="{i}">{_cell(f"A{i}", "x")}</row>' for i in range(1, count + 1)),
    )


LIMITS = {
    "max_bytes": 20 * MB,
    "max_rows": 200_000,
    "max_unpacked_bytes": 256 * MB,
    "max_ratio": 100,
    "max_cell_chars": 32_767,
}

PROBE = textwrap.dedent(
    """
    import json, os, resource, sys
    from pathlib import Path
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django
    django.setup()
    from dangvien.core.importing import ImportRefused, check_workbook, read_rows
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        check_workbook(Path(sys.argv[1]), **json.loads(sys.argv[2]))
        read_rows(Path(sys.argv[1]), [], max_rows=200_000)
        outcome = {"rule": "", "message": ""}
    except ImportRefused as exc:
        outcome = {"rule": exc.rule, "message": exc.message}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({**outcome, "base_kb": base, "peak_kb": peak}))
    """
)


def probe(path: Path) -> dict:
    """Run the file checks in a fresh process; its refusal and its peak resident memory."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), json.dumps(LIMITS)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_400_mb_cell_bomb_is_refused_within_a_memory_bound(tmp_path):
    bomb = one_big_cell(tmp_path / "bomb.xlsx", 400 * MB)
    assert bomb.stat().st_size < 1 * MB  # small on disk, like the 403 KB file of the test

    outcome = probe(bomb)

    assert outcome["rule"] == "max_zip_ratio"
    assert outcome["message"].startswith("Tệp nén bất thường: phần «xl/worksheets/sheet1.xml»")
    # before the fix the worker went from 120 MB to 1.311 MB; the refusal costs under 20 MB
    assert outcome["peak_kb"] - outcome["base_kb"] < 20 * 1024


def test_a_million_rows_behind_a_false_dimension_are_refused_within_a_memory_bound(tmp_path):
    bomb = many_rows(tmp_path / "rows.xlsx", 1_000_000)
    assert bomb.stat().st_size < 5 * MB

    outcome = probe(bomb)

    assert outcome["rule"] == "max_rows"
    assert outcome["message"] == (
        "Trang tính có hơn 200.000 dòng dữ liệu, vượt giới hạn mỗi lần nhập (đã dừng đọc ở "
        "dòng 200.002). Hãy chia thành nhiều tệp."
    )
    assert outcome["peak_kb"] - outcome["base_kb"] < 20 * 1024


def test_the_real_row_count_is_read_not_the_claimed_dimension(tmp_path):
    path = many_rows(tmp_path / "rows.xlsx", 1_500)
    with pytest.raises(ImportRefused) as refused:
        check_workbook(path, **{**LIMITS, "max_rows": 1_000})
    assert refused.value.rule == "max_rows"
    assert refused.value.found == 1_001
    # calamine's own read stops too, whatever passes the first gate
    with pytest.raises(ImportRefused) as refused:
        read_rows(path, [], max_rows=1_000)
    assert refused.value.rule == "max_rows"


def test_the_total_unpacked_size_is_read_from_the_zip_directory(tmp_path):
    # rows of varied text pack at a modest ratio, so only the total catches them
    path = make_xlsx(
        tmp_path / "big.xlsx",
        dimension="A1:A3",
        rows=(
            f'<row r="{i}">{_cell(f"A{i}", os.urandom(30).hex())}</row>' for i in range(1, 40_000)
        ),
        level=1,
    )
    with pytest.raises(ImportRefused) as refused:
        check_workbook(path, **{**LIMITS, "max_unpacked_bytes": 1 * MB})
    assert refused.value.rule == "max_unpacked_bytes"
    assert refused.value.message.startswith("Tệp giải nén ra ")
    assert refused.value.message.endswith("vượt giới hạn 1,0 MB. Hãy chia thành nhiều tệp nhỏ hơn.")


def test_a_cell_of_excels_maximum_length_passes(tmp_path):
    path = make_xlsx(
        tmp_path / "cell.xlsx",
        dimension="A1:A1",
        rows=iter([f'<row r="1">{_cell("A1", "&amp;" * 32_767)}</row>']),
    )
    assert check_workbook(path, **LIMITS).rows == 1


def test_an_oversized_cell_is_refused_before_parsing(tmp_path):
    # 200 KB: under the ratio floor, over Excel's 32.767 characters
    path = make_xlsx(
        tmp_path / "cell.xlsx",
        dimension="A1:A2",
        rows=iter([f'<row r="1">{_cell("A1", "A" * 200_000)}</row>']),
    )
    with pytest.raises(ImportRefused) as refused:
        check_workbook(path, **LIMITS)
    assert refused.value.rule == "max_cell_chars"
    assert refused.value.message == (
        "Tệp có một ô dài hơn 32.767 ký tự (khoảng 195 KB); Excel chỉ cho phép 32.767 ký tự "
        "mỗi ô. Hãy kiểm tra lại tệp."
    )


@pytest.mark.django_db
def test_an_uploaded_bomb_is_refused_by_the_analysis_and_writes_nothing(tmp_path, region_officer):
    bomb = one_big_cell(tmp_path / "bomb.xlsx", 64 * MB)
    job, _new = services.create_import_job(
        actor=region_officer, kind="people", upload=upload("bomb.xlsx", bomb.read_bytes())
    )
    tasks.analyse_import_task.enqueue(job.pk, region_officer.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.REFUSED
    assert job.message.startswith("Tệp nén bất thường")
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_a_task_over_its_memory_cap_refuses_the_file_and_the_worker_goes_on(
    settings, tmp_path, region_officer
):
    settings.IMPORT_WORKER_MEMORY_MB = 1  # far less than reading this file needs
    # 50.000 cells pointing at one shared string of 10.000 characters: a 100 KB file whose
    # reading needs about 500 MB, far beyond whatever free memory the process already holds
    path = shared_string_rows(tmp_path / "rows.xlsx", rows=50_000, text="Đảng" * 2_500)
    job, _new = services.create_import_job(
        actor=region_officer, kind="people", upload=upload("rows.xlsx", path.read_bytes())
    )
    tasks.analyse_import_task.enqueue(job.pk, region_officer.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.REFUSED
    assert job.message == (
        "Tệp cần hơn 1 MB bộ nhớ để đọc, vượt giới hạn của máy chủ; không dòng nào được ghi. "
        "Hãy chia thành nhiều tệp nhỏ hơn."
    )
    # the cap is lifted after the task: the next file is read as usual
    settings.IMPORT_WORKER_MEMORY_MB = 1024
    ok, _new = services.create_import_job(
        actor=region_officer, kind="people", upload=upload("people_ok.xlsx")
    )
    tasks.analyse_import_task.enqueue(ok.pk, region_officer.pk)
    ok.refresh_from_db()
    assert ok.status == ImportStatus.READY


# --- Formula text (item 4, imports) ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x.example","bấm")', "+1+cmd", "-2+3", "@SUM(A1)"]
)
def test_a_name_starting_with_a_formula_character_is_refused_per_row(
    tmp_path, region_officer, text
):
    from openpyxl import load_workbook

    source = load_workbook(ROOT / "tests" / "data" / "people_ok.xlsx")
    sheet = source.active
    sheet["B2"].data_type = "s"
    sheet["B2"].value = text
    sheet["B2"].data_type = "s"
    path = tmp_path / "formula_text.xlsx"
    source.save(path)
    job, _new = services.create_import_job(
        actor=region_officer, kind="people", upload=upload("f.xlsx", path.read_bytes())
    )
    job = services.analyse_import(job, actor=region_officer)
    assert job.status == ImportStatus.READY
    assert job.errors == [
        {
            "row": 2,
            "column": "Họ và tên",
            "message": f"«{text}» bắt đầu bằng ký tự «{text[0]}»; ô văn bản không được bắt đầu "
            "bằng = + - @ (Excel hiểu là công thức). Hãy bỏ ký tự đó.",
        }
    ]


def test_a_signed_plain_number_is_not_a_formula():
    from dangvien.core.importing import Column

    column = Column("phone", "Điện thoại", "")
    assert column.parse("+84 912 345 678") == "+84 912 345 678"
    assert column.parse("-5") == "-5"


# --- Interrupted imports (item 9) ------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _task_row(job_id: int, actor_id: int):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [job_id, actor_id], "kwargs": {}},
        task_path="dangvien.imports.tasks.commit_import_task",
        backend_name="default",
        run_after=timezone.now(),
        started_at=timezone.now(),
        exception_class_path="",
        traceback="",
    )


@pytest.mark.django_db
def test_an_import_whose_worker_died_is_shown_interrupted_and_can_be_committed_again(
    client_for, region_officer
):
    from django_tasks import TaskResultStatus

    job, _new = services.create_import_job(
        actor=region_officer, kind="people", upload=upload("people_ok.xlsx")
    )
    job = services.analyse_import(job, actor=region_officer)
    job = services.start_commit(job, actor=region_officer)
    row = _task_row(job.pk, region_officer.pk)
    # the worker wrote «30.000/60.000» and was killed (its transaction rolled back)
    progress_path(job.pk).write_text(
        json.dumps(
            {
                "phase": "write",
                "label": "Ghi vào cơ sở dữ liệu",
                "done": 30_000,
                "total": 60_000,
                "at": timezone.now().timestamp(),
                "pid": _dead_pid(),
                "host": os.uname().nodename,
            }
        )
    )

    page = client_for("region_officer").get(reverse("imports:import-detail", args=[job.pk]))
    assert page.status_code == 200, page

    job.refresh_from_db()
    assert job.status == ImportStatus.INTERRUPTED
    assert job.message == (
        "Lần ghi bị gián đoạn (tiến trình nền đã dừng giữa chừng, ở bước «Ghi vào cơ sở dữ "
        "liệu» 30.000/60.000 dòng). Không dòng nào được ghi; hãy bấm «Ghi vào hệ thống» lại."
    )
    body = page.content.decode()
    assert "Bị gián đoạn" in body
    assert "Đang ghi" not in body
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert Person.objects.count() == 0

    job = services.start_commit(job, actor=region_officer)
    job = services.commit_import(job, actor=region_officer)
    assert job.status == ImportStatus.COMMITTED
    assert Person.objects.count() == 3


@pytest.mark.django_db
def test_a_live_worker_is_not_interrupted_and_the_command_marks_dead_ones(region_officer):
    from django.core.management import call_command

    job, _new = services.create_import_job(
        actor=region_officer, kind="people", upload=upload("people_ok.xlsx")
    )
    job = services.analyse_import(job, actor=region_officer)
    job = services.start_commit(job, actor=region_officer)  # heartbeat from this live process
    assert services.mark_interrupted(job) is False
    assert job.status == ImportStatus.COMMITTING

    data = json.loads(progress_path(job.pk).read_text())
    progress_path(job.pk).write_text(json.dumps({**data, "pid": _dead_pid()}))
    out = io.StringIO()
    call_command("mark_interrupted_imports", stdout=out)
    assert out.getvalue() == f"Đã đánh dấu 1 lượt nhập bị gián đoạn: #{job.pk}\n"
    job.refresh_from_db()
    assert job.status == ImportStatus.INTERRUPTED
