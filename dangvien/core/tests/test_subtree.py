"""``<foreign key>__in_subtree``: the same rows as the path-prefix join, in the key-array shape
on PostgreSQL (``core.subtree``)."""

import pytest
from django.db import connection
from django.db.models import Q

from dangvien.core.scoping import path_prefix_q
from dangvien.people.models import Person
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(persona_tree):
    for node in (
        persona_tree.branch,
        persona_tree.branch_two,
        persona_tree.commune_north,
        persona_tree.branch_south,
        persona_tree.region_south,
    ):
        PersonFactory.create_batch(2, organisation=node)
    return persona_tree


def _by_join(paths):
    return set(Person.objects.filter(path_prefix_q(paths, "organisation__path")).values_list("pk"))


def _by_keys(paths):
    return set(Person.objects.filter(organisation__in_subtree=paths).values_list("pk"))


def test_the_same_rows_as_the_path_prefix(people):
    tree = people
    for paths in (
        (tree.root.path,),  # a root: the IN (SELECT …) shape
        (tree.region_north.path,),
        (tree.commune_north.path,),
        (tree.branch.path,),
        (tree.branch.path, tree.region_south.path),
        (tree.root.path, tree.branch_south.path),
    ):
        assert _by_keys(paths) == _by_join(paths), paths
    assert len(_by_keys((tree.region_north.path,))) == 6
    # one path given as a string, not its characters
    assert set(
        Person.objects.filter(organisation__in_subtree=tree.branch.path).values_list("pk")
    ) == _by_join((tree.branch.path,))


def test_the_whole_tree_and_nothing(people):
    assert len(_by_keys(("",))) == Person.objects.count() == 10
    assert _by_keys(()) == set()
    # an empty reach drops its branch of an OR, as an empty ``__in`` does
    either = Person.objects.filter(
        Q(organisation__in_subtree=()) | Q(organisation=people.branch)
    ).count()
    assert either == 2


def test_the_shape_on_postgresql(people):
    below = str(Person.objects.filter(organisation__in_subtree=people.region_north.path).query)
    root = str(Person.objects.filter(organisation__in_subtree=people.root.path).query)
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in below
    else:
        assert "IN (SELECT" in below
    assert "IN (SELECT" in root and "ANY" not in root


def test_at_paths_is_exactly_those_nodes(people):
    tree = people
    paths = (tree.commune_north.path, tree.region_south.path)
    exact = set(Person.objects.filter(organisation__path__in=paths).values_list("pk"))
    assert set(Person.objects.filter(organisation__at_paths=paths).values_list("pk")) == exact
    assert len(exact) == 4
    # OR-ed with a subtree, as the class list does (the classes organised above a cell)
    either = Person.objects.filter(
        Q(organisation__in_subtree=tree.branch.path) | Q(organisation__at_paths=paths)
    )
    assert either.count() == 6
    assert not Person.objects.filter(organisation__at_paths=()).exists()
