"""Report reads on a read replica: a second database, copied from the primary and then left
behind by a later write, stands in for a lagging streaming replica."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext

from dangvien.audit.models import AuditEvent
from dangvien.core.replica import REPLICA, replica_reads
from dangvien.members.models import Membership
from dangvien.people.models import Person
from dangvien.reports.tests.builders import Traits, admit_people

pytestmark = pytest.mark.django_db(transaction=True)

REPORT = {"org": "X01", "from": "2024-01-01", "to": "2024-12-31"}


@contextmanager
def standing_replica(tmp_path: Path) -> Iterator[None]:
    """A copy of the primary as it is now, declared as the ``replica`` alias."""
    primary = connections[DEFAULT_DB_ALIAS]
    settings = dict(primary.settings_dict)
    if primary.vendor == "sqlite":
        copy = tmp_path / "replica.sqlite3"
        with primary.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        settings.update(NAME=str(copy), TEST={})
        drop = None
    else:
        name = f"{settings['NAME']}_replica"
        primary.close()  # a template database takes no other sessions
        admin = psycopg.connect(
            host=settings["HOST"] or "127.0.0.1",
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            dbname="postgres",
            autocommit=True,
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{settings["NAME"]}"')
        settings.update(NAME=name, TEST={})
        drop = name
    configured = connections.configure_settings({DEFAULT_DB_ALIAS: {}, REPLICA: settings})
    connections.settings[REPLICA] = configured[REPLICA]
    # connected here: the test case only lets through connections it knew of or that are open
    connections[REPLICA].connect()
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]
        if drop:
            admin.execute(f'DROP DATABASE IF EXISTS "{drop}"')
            admin.close()


def admitted(client) -> int:
    response = client.get("/api/v1/reports/admissions", REPORT)
    assert response.status_code == 200, response.content
    return response.json()["admitted"]


def test_report_reads_come_from_the_replica_and_everything_else_from_the_primary(
    tmp_path, persona_tree, client_for
):
    branch = persona_tree.branch_two
    admit_people([branch], Traits(2, women=1), dates=[dt.date(2024, 3, 1)], tag="a")
    client = client_for("region_officer")
    with standing_replica(tmp_path):
        # written after the copy: on the primary only, as if the replica lagged behind
        admit_people([branch], Traits(1), dates=[dt.date(2024, 4, 1)], tag="b")
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            assert admitted(client) == 2
            page = client.get("/reports/admissions/", {**REPORT, "org": "X01"})
        assert page.status_code == 200
        assert page.context["report"].admitted == 2
        assert on_replica.captured_queries
        read_tables = " ".join(q["sql"] for q in on_replica.captured_queries)
        assert "admissions_" in read_tables
        # sessions, users and second factors were read on the primary
        assert "django_session" not in read_tables and "accounts_user" not in read_tables

        # outside the report paths everything reads the primary: the new people are there
        assert client.get("/people/", {"q": "b"}).status_code == 200
        assert Person.objects.count() == 3

        # the report command reads the replica too; its audit row is written on the primary
        before = AuditEvent.objects.count()
        out = io.StringIO()
        call_command(
            "report",
            "--org",
            "X01",
            "--from",
            "2024-01-01",
            "--to",
            "2024-12-31",
            "--format",
            "json",
            stdout=out,
        )
        assert json.loads(out.getvalue())["admitted"] == 2
        assert AuditEvent.objects.count() == before + 1

        # inside a transaction on the primary, reads stay there (read your own writes)
        with (
            replica_reads(),
            CaptureQueriesContext(connections[REPLICA]) as in_atomic,
            transaction.atomic(),
        ):
            Membership.objects.count()
        assert not in_atomic.captured_queries
    # without a replica the same request counts every admission
    assert admitted(client) == 3
