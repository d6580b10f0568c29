"""Fixtures the admissions service and stage-handler tests share: a frozen day (30/06/2026),
the north cell CB01 and the system administrator."""

import datetime as dt

import pytest
import time_machine


@pytest.fixture
def today():
    with time_machine.travel(dt.datetime(2026, 6, 30, 9, 0), tick=False):
        yield dt.date(2026, 6, 30)


@pytest.fixture
def cell(persona_tree):
    return persona_tree.branch


@pytest.fixture
def admin(persona_tree):
    return persona_tree.users["national_admin"]
