from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "dangvien.organisations"
    label = "organisations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.core.pickers import PickerSource, register_picker
        from dangvien.organisations import selectors

        for name, queryset in (
            ("organisations", selectors.picker_organisations),
            ("organisations-ever", selectors.picker_organisations_ever),
            ("cells", selectors.picker_cells),
            ("cells-anywhere", selectors.picker_cells_anywhere),
        ):
            register_picker(
                name,
                PickerSource(
                    queryset=queryset,
                    folded_field="name_folded",
                    present=selectors.describe_for_picker,
                ),
            )
