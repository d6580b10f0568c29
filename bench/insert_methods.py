"""Multi-row INSERT (``dangvien.core.bulk.insert_rows``) against Django's ``bulk_create``.

The rows are those a 100,000-member import hands to the services: one person, one membership
and one or two membership events per member. Each repetition times both methods in the same
process, on the same database, one after the other (the order alternates), each inside a
transaction that is rolled back, so both start from the same empty tables. The medians and
their ratio are printed; ``docs/decisions/0001-bulk-insert-in-services.md`` has the figures.

Usage::

    .venv/bin/python -m bench.insert_methods [--rows 100000] [--repeat 5]

SQLite in a temporary directory unless ``DATABASE_URL`` is set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

BATCH = 1000


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def build_rows(rows: int, cells: list[Any], refs: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Person rows by attname, as ``bulk_create_people`` passes them to ``insert_rows``."""
    from dangvien.core.text import fold

    rng = random.Random(2024)
    people = []
    for r in range(1, rows + 1):
        name = f"Nguyễn {rng.choice(['Văn', 'Thị', 'Minh'])} {rng.choice(['An', 'Hoa'])} {r}"
        people.append(
            {
                "full_name": name,
                "full_name_folded": fold(name),
                "date_of_birth": dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(14_000)),
                "sex": rng.choice(["male", "female"]),
                "ethnic_group_id": rng.choice(refs["ethnic"]),
                "religion_id": refs["religion"][0],
                "occupation_id": rng.choice(refs["occupation"]),
                "citizen_id": f"{r:012d}",
                "phone": "",
                "hometown": "",
                "residence": "",
                "youth_union_member": r % 3 == 0,
                "trade_union_member": False,
                "organisation_id": cells[r % len(cells)].pk,
            }
        )
    return people


def membership_rows(people: list[dict[str, Any]], ids: list[int]) -> list[dict[str, Any]]:
    rows = []
    for person, pk in zip(people, ids, strict=True):
        decision = person["date_of_birth"] + dt.timedelta(days=365 * 25)
        rows.append(
            {
                "person_id": pk,
                "organisation_id": person["organisation_id"],
                "admitted_in_id": person["organisation_id"],
                "dossier_id": None,
                "status": "official" if pk % 2 else "probationary",
                "decision_date": decision,
                "decision_number": f"{pk}-QĐ/ĐU",
                "ceremony_date": decision + dt.timedelta(days=14),
                "probation_end": decision + dt.timedelta(days=379),
                "official_date": decision + dt.timedelta(days=379) if pk % 2 else None,
                "card_number": None,
            }
        )
    return rows


def event_rows(memberships: list[dict[str, Any]], ids: list[int]) -> list[dict[str, Any]]:
    events = []
    for membership, pk in zip(memberships, ids, strict=True):
        events.append(
            {
                "membership_id": pk,
                "status": "probationary",
                "organisation_id": membership["organisation_id"],
                "date": membership["ceremony_date"],
                "decision_number": membership["decision_number"],
                "note": "Nhập đảng viên hiện có",
                "actor_id": None,
            }
        )
        if membership["official_date"]:
            events.append(
                {
                    "membership_id": pk,
                    "status": "official",
                    "organisation_id": membership["organisation_id"],
                    "date": membership["official_date"],
                    "decision_number": "",
                    "note": "",
                    "actor_id": None,
                }
            )
    return events


def with_raw(people: list[dict[str, Any]]) -> int:
    from dangvien.core.bulk import insert_rows
    from dangvien.members.models import Membership, MembershipEvent
    from dangvien.people.models import Person

    ids: list[int] = []
    for start in range(0, len(people), BATCH):
        ids.extend(insert_rows(Person, people[start : start + BATCH]))
    memberships = membership_rows(people, ids)
    member_ids: list[int] = []
    for start in range(0, len(memberships), BATCH):
        member_ids.extend(insert_rows(Membership, memberships[start : start + BATCH]))
    events = event_rows(memberships, member_ids)
    for start in range(0, len(events), BATCH):
        insert_rows(MembershipEvent, events[start : start + BATCH], returning=False)
    return len(ids) + len(member_ids) + len(events)


def with_bulk_create(people: list[dict[str, Any]]) -> int:
    from dangvien.members.models import Membership, MembershipEvent
    from dangvien.people.models import Person

    persons = Person.objects.bulk_create([Person(**row) for row in people], batch_size=BATCH)
    ids = [person.pk for person in persons]
    memberships = membership_rows(people, ids)
    objects = Membership.objects.bulk_create(
        [Membership(**row) for row in memberships], batch_size=BATCH
    )
    member_ids = [membership.pk for membership in objects]
    events = event_rows(memberships, member_ids)
    MembershipEvent.objects.bulk_create(
        [MembershipEvent(**row) for row in events], batch_size=BATCH
    )
    return len(ids) + len(member_ids) + len(events)


def timed(method: Any, people: list[dict[str, Any]]) -> tuple[float, int]:
    from django.db import transaction

    with transaction.atomic():
        started = time.perf_counter()
        count = method(people)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed, count


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="dangvien-bench-"))
    os.environ.setdefault("DANGVIEN_VAR_DIR", str(workdir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    database = settings.DATABASES["default"]
    print(f"→ database: {connection.vendor} {database['NAME']}", flush=True)
    call_command("migrate", verbosity=0)

    from dangvien.organisations.choices import OrganisationKind as K
    from dangvien.organisations.models import Organisation
    from dangvien.organisations.tests.factories import make_organisation
    from dangvien.people.models import EthnicGroup, Occupation, Person, Religion

    codes = [f"BC{i:02d}" for i in range(20)]
    cells = list(Organisation.objects.filter(code__in=codes).order_by("code"))
    if len(cells) != len(codes):  # a fresh database (a DATABASE_URL one is kept between runs)
        root = make_organisation(None, code="BTW", name="Trung ương", kind=K.CENTRAL)
        commune = make_organisation(root, code="BX01", name="Xã thử", kind=K.COMMUNE)
        cells = [
            make_organisation(commune, code=code, name=f"Chi bộ {code}", kind=K.CELL)
            for code in codes
        ]
    refs = {
        "ethnic": list(EthnicGroup.objects.values_list("pk", flat=True)[:6]),
        "religion": list(Religion.objects.filter(code="none").values_list("pk", flat=True)),
        "occupation": list(Occupation.objects.values_list("pk", flat=True)[:5]),
    }
    people = build_rows(args.rows, cells, refs)
    methods = {"insert_rows": with_raw, "bulk_create": with_bulk_create}
    times: dict[str, list[float]] = {name: [] for name in methods}
    print(f"→ load before: {load_average()}", flush=True)
    for repetition in range(args.repeat):
        order = list(methods) if repetition % 2 == 0 else list(reversed(methods))
        for name in order:
            elapsed, count = timed(methods[name], people)
            times[name].append(elapsed)
            print(f"   {repetition + 1}. {name:<12} {elapsed:6.2f} s ({count:,} rows)", flush=True)
        assert Person.objects.count() == 0
    print(f"→ load after: {load_average()}", flush=True)
    raw = statistics.median(times["insert_rows"])
    orm = statistics.median(times["bulk_create"])
    print(
        f"RESULT vendor={connection.vendor} members={args.rows} repeat={args.repeat} "
        f"insert_rows={raw:.2f}s bulk_create={orm:.2f}s ratio={orm / raw:.2f} "
        f"(medians; min {min(times['insert_rows']):.2f}s / {min(times['bulk_create']):.2f}s)"
    )
    return {"insert_rows": raw, "bulk_create": orm, "ratio": orm / raw}


if __name__ == "__main__":
    main()
