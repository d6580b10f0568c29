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
