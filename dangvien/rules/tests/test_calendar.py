import datetime as dt

import pytest

from dangvien.core.calendar import add_working_days, is_working_day, working_days_between
from dangvien.rules.models import CalendarDay

D = dt.date


@pytest.mark.django_db
def test_tet_2025_days_are_not_working_days():
    # Tết Ất Tỵ: Mon 27/1/2025 – Fri 31/1/2025 off, then the weekend.
    for day in range(27, 32):
        assert not is_working_day(D(2025, 1, day))
    assert is_working_day(D(2025, 1, 24))
    assert is_working_day(D(2025, 2, 3))


@pytest.mark.django_db
def test_add_working_days_across_tet_2025():
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 2, 3)
    assert add_working_days(D(2025, 1, 24), 5) == D(2025, 2, 7)
    # 60 working days from a cell resolution of Fri 10/1/2025: Tết and Hùng Kings day
    # (Mon 7/4/2025) are skipped.
    assert add_working_days(D(2025, 1, 10), 60) == D(2025, 4, 14)
    assert working_days_between(D(2025, 1, 10), D(2025, 4, 14)) == 60
    assert working_days_between(D(2025, 1, 24), D(2025, 2, 3)) == 1


@pytest.mark.django_db
def test_add_working_days_across_tet_2026():
    # Tết Bính Ngọ: Mon 16/2/2026 – Fri 20/2/2026 off.
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert add_working_days(D(2026, 2, 2), 30) == D(2026, 3, 23)
    assert working_days_between(D(2026, 2, 2), D(2026, 3, 23)) == 30
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 22)) == 0


@pytest.mark.django_db
def test_administrator_overrides_change_the_count():
    CalendarDay.objects.create(date=D(2026, 2, 14), kind=CalendarDay.Kind.WORKING_DAY)
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    CalendarDay.objects.all().delete()
    CalendarDay.objects.create(date=D(2026, 2, 23), kind=CalendarDay.Kind.DAY_OFF)
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 24)
    assert not is_working_day(D(2026, 2, 23))


@pytest.mark.django_db
def test_zero_and_backwards():
    assert add_working_days(D(2025, 3, 3), 0) == D(2025, 3, 3)
    assert working_days_between(D(2025, 3, 10), D(2025, 3, 3)) == 0
    with pytest.raises(ValueError):
        add_working_days(D(2025, 3, 3), -1)


@pytest.mark.django_db
def test_add_working_days_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        add_working_days(D(2025, 1, 10), 60)


@pytest.mark.django_db
def test_setting_the_same_calendar_day_again_is_not_audited(persona_tree):
    from dangvien.audit.models import AuditEvent
    from dangvien.rules import services

    admin = persona_tree.users["national_admin"]
    for _ in range(3):
        services.set_calendar_day(
            date=dt.date(2026, 9, 1), kind="day_off", note="Nghỉ bù", actor=admin
        )
    assert AuditEvent.objects.filter(action="rules.calendar_day.set").count() == 1
