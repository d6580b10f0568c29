from django.apps import AppConfig


class GradingConfig(AppConfig):
    name = "dangvien.grading"
    label = "grading"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.grading.models import MemberGrade, OrganisationGrade
        from dangvien.rules.registry import register_rule_set_user

        # a grade rests on the rule set in force at the end of its period: once a grade is
        # recorded, that rule set is never edited again
        register_rule_set_user("grading.member_grade", lambda: MemberGrade.objects.all())
        register_rule_set_user(
            "grading.organisation_grade", lambda: OrganisationGrade.objects.all()
        )
