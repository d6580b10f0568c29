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


# --- the announced swaps: the weekday given off and the Saturday worked ---------------------

SWAPPED = [
    # (day off, make-up Saturday): 2450/VPCP-KGVX (2024), 6150/TB-BLĐTBXH (2025),
    # 12729/VPCP-KGVX (New Year 2026), National Day 2026
    (D(2024, 4, 29), D(2024, 5, 4)),
    (D(2025, 5, 2), D(2025, 4, 26)),
    (D(2026, 1, 2), D(2026, 1, 10)),
    (D(2026, 8, 31), D(2026, 8, 22)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("day_off", "make_up"), SWAPPED)
def test_a_swap_takes_the_weekday_off_and_makes_the_saturday_a_working_day(day_off, make_up):
    assert day_off.weekday() < 5 and make_up.weekday() == 5
    assert not is_working_day(day_off)
    assert is_working_day(make_up)
    # the Saturday after the make-up one stays a day off
    assert not is_working_day(make_up + dt.timedelta(days=7))


@pytest.mark.django_db
def test_deadlines_around_30_4_2024():
    # Fri 26/4/2024 + 1: Mon 29/4 (swapped), 30/4, 1/5 off → Thu 2/5.
    assert add_working_days(D(2024, 4, 26), 1) == D(2024, 5, 2)
    # Fri 3/5/2024 + 1 is the make-up Saturday 4/5, not Mon 6/5.
    assert add_working_days(D(2024, 5, 3), 1) == D(2024, 5, 4)
    assert add_working_days(D(2024, 4, 26), 5) == D(2024, 5, 7)
    assert working_days_between(D(2024, 4, 26), D(2024, 5, 7)) == 5


@pytest.mark.django_db
def test_deadlines_around_30_4_2025():
    # Fri 25/4/2025 + 1 is the make-up Saturday 26/4.
    assert add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)
    # Tue 29/4/2025 + 1: 30/4, 1/5 and the swapped Fri 2/5 off → Mon 5/5.
    assert add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)
    # the pipeline docs' example: 90 working days from Fri 10/1/2025 (60 + 30 extension)
    assert add_working_days(D(2025, 1, 10), 90) == D(2025, 5, 28)
    # 30 working days from Fri 11/4/2025 count the Saturday 26/4
    assert add_working_days(D(2025, 4, 11), 30) == D(2025, 5, 27)
    assert working_days_between(D(2025, 4, 11), D(2025, 5, 27)) == 30


@pytest.mark.django_db
def test_deadlines_around_2_9():
    # 2024: Mon 2/9 and Tue 3/9 off, no swap.
    assert add_working_days(D(2024, 8, 30), 1) == D(2024, 9, 4)
    # 2025: Mon 1/9 and Tue 2/9 off, no swap.
    assert add_working_days(D(2025, 8, 29), 1) == D(2025, 9, 3)
    # 2026: Sat 22/8 worked, Mon 31/8 (swapped), Tue 1/9 and Wed 2/9 off.
    assert add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 22)
    assert add_working_days(D(2026, 8, 28), 1) == D(2026, 9, 3)
    assert add_working_days(D(2026, 8, 14), 10) == D(2026, 8, 27)
    assert working_days_between(D(2026, 8, 14), D(2026, 9, 3)) == 12


@pytest.mark.django_db
def test_new_year_2026_swap():
    # Thu 1/1 and the swapped Fri 2/1/2026 off; Sat 10/1 worked.
    assert add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 5)
    assert add_working_days(D(2026, 1, 9), 1) == D(2026, 1, 10)


@pytest.mark.django_db
def test_an_administrator_can_still_cancel_a_make_up_day():
    CalendarDay.objects.create(date=D(2025, 4, 26), kind=CalendarDay.Kind.DAY_OFF)
    assert not is_working_day(D(2025, 4, 26))
    assert add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 28)


def test_the_package_substituted_days_become_pairs():
    from dangvien.core.calendar import all_swaps, make_up_days

    swaps = all_swaps()
    # 2019 comes only from the holidays package: Mon 29/4 off for Sat 4/5
    assert swaps[D(2019, 4, 29)].make_up == D(2019, 5, 4)
    assert D(2019, 5, 4) in make_up_days(2019)
    # a swap across the year end (2015: Fri 2/1/2015 for Sat 27/12/2014)
    assert make_up_days(2014)[D(2014, 12, 27)] == D(2015, 1, 2)


def test_holiday_names_are_vietnamese():
    from dangvien.core.calendar import public_holidays

    names = public_holidays(2025)
    assert names[D(2025, 1, 29)] == "Tết Nguyên Đán"
    assert names[D(2025, 1, 28)] == "Giao thừa Tết Nguyên Đán"
    assert names[D(2025, 9, 2)] == "Quốc khánh"
    assert names[D(2025, 5, 2)] == "Nghỉ hoán đổi, làm bù ngày 26/04/2025"
    assert not any("Day" in name or "Lunar" in name for name in names.values())
