"""PersonFilterSet: the list's filters inside the user's scope."""

from __future__ import annotations

from django.urls import reverse

from dangvien.organisations.models import Organisation
from dangvien.people.filtersets import PersonFilterSet
from dangvien.people.tests.factories import PersonFactory


def _names(queryset):
    return sorted(person.full_name for person in queryset)


def test_organisation_choices_are_the_users_visible_organisations(persona_tree):
    user = persona_tree.users["region_officer"]
    field = PersonFilterSet(user=user).form.fields["organisation"]
    assert set(field.queryset) == set(Organisation.objects.visible_to(user))
    assert persona_tree.branch_south not in field.queryset


def test_filters_narrow_the_scoped_list(persona_tree):
    PersonFactory(organisation=persona_tree.branch, full_name="Lò Thị Xuân", sex="female")
    PersonFactory(organisation=persona_tree.branch, full_name="Lò Văn Páo", sex="male")
    PersonFactory(organisation=persona_tree.branch_two, full_name="Lò Thị Hai", sex="female")
    PersonFactory(organisation=persona_tree.branch_south, full_name="Lò Thị Nam", sex="female")
    user = persona_tree.users["region_officer"]
    assert _names(PersonFilterSet({"q": "lo thi"}, user=user).qs) == ["Lò Thị Hai", "Lò Thị Xuân"]
    both = PersonFilterSet({"sex": "female", "organisation": persona_tree.branch.pk}, user=user)
    assert _names(both.qs) == ["Lò Thị Xuân"]
    assert both.description() == f"Tổ chức: {persona_tree.branch}; Giới tính: Nữ"


def test_an_out_of_scope_organisation_is_invalid_and_the_page_shows_the_whole_scope(
    client_for, persona_tree
):
    PersonFactory(organisation=persona_tree.branch, full_name="Trong phạm vi")
    PersonFactory(organisation=persona_tree.branch_south, full_name="Ngoài phạm vi")
    user = persona_tree.users["region_officer"]
    filterset = PersonFilterSet({"organisation": persona_tree.branch_south.pk}, user=user)
    assert not filterset.is_valid()
    assert "organisation" in filterset.form.errors
    assert _names(filterset.page_qs) == ["Trong phạm vi"]
    response = client_for("region_officer").get(
        reverse("people:person-list"), {"organisation": persona_tree.branch_south.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
    assert [p.full_name for p in response.context["page"].object_list] == ["Trong phạm vi"]
