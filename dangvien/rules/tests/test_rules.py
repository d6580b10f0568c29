import datetime as dt
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.rules import services
from dangvien.rules.defaults import COMMON_VALUES
from dangvien.rules.models import CalendarDay, RuleSet
from dangvien.rules.selectors import get_rule_set, get_rule_set_or_earliest

D = dt.date


@pytest.mark.django_db
def test_rule_set_in_force_changes_on_1_july_2025():
    assert "24-QĐ/TW" in get_rule_set(on=D(2021, 7, 30)).name
    assert "232-QĐ/TW" in get_rule_set(on=D(2025, 6, 30)).name
    assert "294-QĐ/TW" in get_rule_set(on=D(2025, 7, 1)).name
    rule_set = get_rule_set(on=D(2026, 1, 1))
    assert rule_set.int_value("age_min_months") == 216
    assert rule_set.int_value("decision_working_days") == 60
    assert rule_set.fraction("cell_vote_fraction") == Fraction(2, 3)
    for key in COMMON_VALUES:
        rule_set.value(key)


@pytest.mark.django_db
def test_no_rule_set_before_2021_is_a_vietnamese_error():
    with pytest.raises(DomainError) as err:
        get_rule_set(on=D(2021, 7, 29))
    assert "29/07/2021" in err.value.message
    assert err.value.rule == "rule_set_in_force"


@pytest.mark.django_db
def test_dates_before_the_first_rule_set_use_the_earliest_one():
    earliest = RuleSet.objects.order_by("effective_from").first()
    assert get_rule_set_or_earliest(on=D(2019, 5, 1)) == earliest
    assert get_rule_set_or_earliest(on=D(2025, 7, 1)) == get_rule_set(on=D(2025, 7, 1))


@pytest.mark.django_db
def test_no_rule_set_at_all_is_still_the_vietnamese_error():
    RuleSet.objects.all().delete()
    with pytest.raises(DomainError) as err:
        get_rule_set_or_earliest(on=D(2019, 5, 1))
    assert err.value.rule == "rule_set_in_force"
    assert err.value.found == "01/05/2019"


@pytest.mark.django_db
def test_missing_key_names_the_key():
    with pytest.raises(DomainError) as err:
        get_rule_set(on=D(2026, 1, 1)).value("no_such_rule")
    assert "no_such_rule" in err.value.message


@pytest.mark.django_db
def test_admin_adds_a_rule_set_and_it_applies_from_its_date(national_admin):
    values = dict(COMMON_VALUES, decision_working_days=45)
    rule_set = services.create_rule_set(
        name="Quy định mới",
        effective_from=D(2030, 1, 1),
        source="Quy định số 1-QĐ/TW",
        values=values,
        actor=national_admin,
    )
    assert get_rule_set(on=D(2030, 1, 1)) == rule_set
    assert get_rule_set(on=D(2029, 12, 31)).int_value("decision_working_days") == 60
    assert AuditEvent.objects.filter(action="rules.rule_set.created").count() == 1
    # not yet in force and not used: may be corrected
    services.update_rule_set(rule_set, actor=national_admin, today=D(2029, 1, 1), name="Sửa tên")
    assert RuleSet.objects.get(pk=rule_set.pk).name == "Sửa tên"
    assert AuditEvent.objects.filter(action="rules.rule_set.changed").count() == 1
    # the same correction again changes nothing: no write, no audit event
    services.update_rule_set(rule_set, actor=national_admin, today=D(2029, 1, 1), name="Sửa tên")
    services.update_rule_set(rule_set, actor=national_admin, today=D(2029, 1, 1))
    assert AuditEvent.objects.filter(action="rules.rule_set.changed").count() == 1


@pytest.mark.django_db
def test_a_used_rule_set_is_never_edited(national_admin):
    rule_set = get_rule_set(on=D(2025, 7, 1))
    with pytest.raises(DomainError) as err:
        services.update_rule_set(
            rule_set, actor=national_admin, today=D(2026, 1, 1), values=dict(COMMON_VALUES)
        )
    assert err.value.rule == "rule_set_immutable"
    assert RuleSet.objects.get(pk=rule_set.pk).values == rule_set.values


@pytest.mark.django_db
def test_bad_values_are_refused(national_admin):
    with pytest.raises(DomainError) as err:
        services.create_rule_set(
            name="x",
            effective_from=D(2030, 1, 1),
            source="y",
            values=dict(COMMON_VALUES, cell_vote_fraction="3/2"),
            actor=national_admin,
        )
    assert err.value.field == "cell_vote_fraction"
    with pytest.raises(DomainError):
        services.create_rule_set(
            name="x",
            effective_from=D(2025, 7, 1),
            source="y",
            values=dict(COMMON_VALUES),
            actor=national_admin,
        )
    assert RuleSet.objects.count() == 3


@pytest.mark.django_db
def test_only_administrators_change_rules_and_calendar(branch_secretary, national_admin):
    with pytest.raises(PermissionDenied):
        services.set_calendar_day(date=D(2026, 2, 14), kind="working_day", actor=branch_secretary)
    with pytest.raises(PermissionDenied):
        services.create_rule_set(
            name="x", effective_from=D(2030, 1, 1), source="y", values={}, actor=branch_secretary
        )
    day = services.set_calendar_day(
        date=D(2026, 2, 14), kind="working_day", note="Làm bù", actor=national_admin
    )
    services.set_calendar_day(date=D(2026, 2, 14), kind="day_off", actor=national_admin)
    assert CalendarDay.objects.get().kind == "day_off"
    services.remove_calendar_day(day, actor=national_admin)
    assert not CalendarDay.objects.exists()
