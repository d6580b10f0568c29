import datetime as dt

import pytest

from dangvien.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_subtree_includes_self_and_all_descendants(persona_tree):
    codes = set(
        Organisation.objects.subtree(persona_tree.region_north).values_list("code", flat=True)
    )
    assert codes == {"T01", "X01", "CB01", "CB02"}


def test_subtree_can_exclude_self(persona_tree):
    codes = set(
        Organisation.objects.subtree(persona_tree.commune_north, include_self=False).values_list(
            "code", flat=True
        )
    )
    assert codes == {"CB01", "CB02"}


def test_ancestors_are_ordered_from_the_top(persona_tree):
    codes = list(
        Organisation.objects.ancestors_of(persona_tree.branch).values_list("code", flat=True)
    )
    assert codes == ["TW", "T01", "X01"]


def test_children_are_one_level_down(persona_tree):
    codes = list(Organisation.objects.children_of(persona_tree.root).values_list("code", flat=True))
    assert codes == ["T01", "T02"]


def test_valid_on_respects_the_interval(persona_tree):
    branch = persona_tree.branch_two
    Organisation.objects.filter(pk=branch.pk).update(
        valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2025, 6, 30)
    )
    valid_2024 = set(
        Organisation.objects.valid_on(dt.date(2024, 1, 1)).values_list("code", flat=True)
    )
    valid_2026 = set(
        Organisation.objects.valid_on(dt.date(2026, 1, 1)).values_list("code", flat=True)
    )
    assert "CB02" in valid_2024
    assert "CB02" not in valid_2026
    assert "CB01" in valid_2026


def test_visible_to_is_the_union_of_assigned_subtrees(persona_tree):
    users = persona_tree.users
    assert set(
        Organisation.objects.visible_to(users["branch_secretary"]).values_list("code", flat=True)
    ) == {"CB01"}
    assert "CB03" not in set(
        Organisation.objects.visible_to(users["region_officer"]).values_list("code", flat=True)
    )
    assert Organisation.objects.visible_to(users["national_admin"]).count() == 8


def test_subtree_filter_uses_the_path_index_on_sqlite(persona_tree):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite-specific index")
    sql, params = Organisation.objects.subtree(persona_tree.region_north).query.sql_with_params()
    with connection.cursor() as cursor:
        plan = cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    assert any("organisation_path_nocase" in str(row) for row in plan), plan
