import pytest

from dangvien.people.models import EthnicGroup, Occupation, Religion

pytestmark = pytest.mark.django_db


def test_the_54_ethnic_groups_plus_other_and_foreign_origin_are_loaded():
    assert EthnicGroup.objects.count() == 56
    assert EthnicGroup.objects.get(code="01").name == "Kinh"
    assert EthnicGroup.objects.get(code="54").name == "Rơ Măm"
    assert not EthnicGroup.objects.get(code="01").is_minority
    assert EthnicGroup.objects.get(code="08").is_minority


def test_religions_and_occupations_are_loaded():
    assert Religion.objects.filter(code="none").exists()
    assert Occupation.objects.filter(code="farmer").exists()
    assert Occupation.objects.count() == 15
