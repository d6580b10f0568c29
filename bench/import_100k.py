"""100,000 existing members from one xlsx: upload → analyse (preview) → commit, timed.

Runs against a fresh SQLite database in a temporary directory (or ``DATABASE_URL`` when set),
through the same services the page and the background task call. Usage::

    .venv/bin/python -m bench.import_100k [--rows 100000] [--kind members|people]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Lò", "Quàng"]
MIDDLES = ["Văn", "Thị", "Minh", "Đức", "Thu", "Hữu", "Ngọc"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hoa", "Khánh", "Lan", "Mai", "Nam", "Páo", "Xuân"]
ETHNIC = ["Kinh", "Thái", "Hmong", "Mường", "Tày", "Dao"]
OCCUPATIONS = ["Nông dân", "Giáo viên", "Công nhân", "Sinh viên", "Bộ đội"]


def build_file(path: Path, rows: int, cells: list[str], kind: str) -> None:
    import xlsxwriter

    from dangvien.imports.importers import IMPORTERS

    headers = [c.header for c in IMPORTERS[kind](user=None).columns_list]
    rng = random.Random(2024)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Dữ liệu")
    date_fmt = book.add_format({"num_format": "dd/mm/yyyy"})
    index = {h: i for i, h in enumerate(headers)}
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header)
    for r in range(1, rows + 1):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 14_000))
        values = {
            "Mã tổ chức": cells[r % len(cells)],
            "Họ và tên": f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)} {r}",
            "Giới tính": rng.choice(["Nam", "Nữ"]),
            "Dân tộc": rng.choice(ETHNIC),
            "Số CCCD": f"{r:012d}",
            "Nghề nghiệp": rng.choice(OCCUPATIONS),
            "Trình độ giáo dục phổ thông": "12/12",
            "Đoàn viên": "x" if r % 3 == 0 else "",
        }
        for header, value in values.items():
            sheet.write_string(r, index[header], value)
        # Half the dates as Excel date cells, half as dd/mm/yyyy text.
        if r % 2:
            sheet.write_datetime(
                r, index["Ngày sinh"], dt.datetime.combine(born, dt.time()), date_fmt
            )
        else:
            sheet.write_string(r, index["Ngày sinh"], born.strftime("%d/%m/%Y"))
        if kind == "members":
            decision = born + dt.timedelta(days=365 * 25)
            sheet.write_string(r, index["Số quyết định kết nạp"], f"{r}-QĐ/ĐU")
            sheet.write_string(r, index["Ngày quyết định kết nạp"], decision.strftime("%d/%m/%Y"))
            sheet.write_string(
                r, index["Ngày kết nạp"], (decision + dt.timedelta(days=14)).strftime("%d/%m/%Y")
            )
    book.close()


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--kind", default="members", choices=["members", "people"])
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="dangvien-bench-"))
    os.environ.setdefault("DANGVIEN_VAR_DIR", str(workdir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.files import File
    from django.core.management import call_command

    settings.MEDIA_ROOT = workdir / "media"
    print(f"→ database: {settings.DATABASES['default']['NAME']}", flush=True)
    call_command("migrate", verbosity=0)

    from dangvien.accounts.models import User
    from dangvien.imports import services
    from dangvien.members.models import Membership
    from dangvien.organisations.choices import OrganisationKind as K
    from dangvien.organisations.tests.factories import make_organisation
    from dangvien.people.models import Person

    root = make_organisation(None, code="BTW", name="Trung ương", kind=K.CENTRAL)
    commune = make_organisation(root, code="BX01", name="Xã thử", kind=K.COMMUNE)
    cells = [f"BC{i:02d}" for i in range(20)]
    for code in cells:
        make_organisation(commune, code=code, name=f"Chi bộ {code}", kind=K.CELL)
    actor = User.objects.create_superuser(username="bench", password="bench-bench-bench-1")

    path = workdir / f"{args.kind}_{args.rows}.xlsx"
    t0 = time.perf_counter()
    build_file(path, args.rows, cells, args.kind)
    t_build = time.perf_counter() - t0
    print(f"→ built {path.name}: {path.stat().st_size / 1e6:.1f} MB in {t_build:.1f} s", flush=True)

    phases: list[tuple[str, float]] = []  # (phase, when it started): where the time goes

    def echo(phase: str, done: int, total: int) -> None:
        if not phases or phases[-1][0] != phase:
            phases.append((phase, time.perf_counter()))
        sys.stdout.write(f"\r   {phase:<10} {done:>7}/{total:<7}")
        sys.stdout.flush()

    def phase_times(end: float) -> str:
        spans = [
            (name, (phases[i + 1][1] if i + 1 < len(phases) else end) - start)
            for i, (name, start) in enumerate(phases)
        ]
        phases.clear()
        return ", ".join(f"{name} {seconds:.1f}" for name, seconds in spans if seconds >= 0.05)

    # The background task's memory cap (IMPORT_WORKER_MEMORY_MB over the process's address
    # space at its start): the largest allowed file must pass under it.
    import resource

    from dangvien.core.memory import address_space, address_space_cap

    cap = settings.IMPORT_WORKER_MEMORY_MB * 1024 * 1024
    base_vm, base_rss = address_space(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    capped = address_space_cap(cap)
    capped.__enter__()
    t0 = time.perf_counter()
    with path.open("rb") as handle:
        upload = File(handle, name=path.name)
        upload.size = path.stat().st_size
        job, _new = services.create_import_job(actor=actor, kind=args.kind, upload=upload)
    job = services.analyse_import(job, actor=actor, progress=echo)
    t_analyse = time.perf_counter() - t0
    print(f"\n→ analyse (preview): {t_analyse:.1f} s — {job.summary}", flush=True)
    print(f"   phases (s): {phase_times(t0 + t_analyse)}", flush=True)
    assert job.status == "ready" and not job.errors, job.message or job.errors[:5]

    t0 = time.perf_counter()
    job = services.start_commit(job, actor=actor)
    job = services.commit_import(job, actor=actor, progress=echo)
    t_commit = time.perf_counter() - t0
    print(f"\n→ commit: {t_commit:.1f} s — {job.status} {job.summary}", flush=True)
    print(f"   phases (s): {phase_times(t0 + t_commit)}", flush=True)
    assert job.status == "committed", job.message
    assert Person.objects.count() == args.rows
    if args.kind == "members":
        assert Membership.objects.count() == args.rows
    capped.__exit__(None, None, None)
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"→ memory: cap {cap // 2**20} MB over {base_vm // 2**20} MB address space; "
        f"peak RSS {base_rss // 1024} → {peak_rss // 1024} MB",
        flush=True,
    )
    total = t_analyse + t_commit
    print(
        f"RESULT rows={args.rows} kind={args.kind} analyse={t_analyse:.1f}s "
        f"commit={t_commit:.1f}s total={total:.1f}s ({args.rows / total:,.0f} rows/s)"
    )
    return {"analyse": t_analyse, "commit": t_commit, "total": total}


if __name__ == "__main__":
    main()
