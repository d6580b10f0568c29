from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "dangvien.people"
    label = "people"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.organisations.registry import register_subtree_count
        from dangvien.people.models import Person

        register_subtree_count("people", label=_("Người trong danh sách"), rows=Person.objects.all)

        from dangvien.organisations.registry import register_fact_mover
        from dangvien.people import services as people_services

        # after the members (who move with their membership): the rest of the list
        register_fact_mover(
            "people",
            label=_("Người trong danh sách"),
            ids=people_services.reorganisation_person_ids,
            move=people_services.reorganisation_hand_over_people,
            order=30,
        )

        from dangvien.core.pickers import PickerSource, register_picker
        from dangvien.people.selectors import describe_for_picker

        register_picker(
            "people",
            PickerSource(
                queryset=lambda user: Person.objects.visible_to(user),
                folded_field="full_name_folded",
                present=describe_for_picker,
            ),
        )
