from __future__ import annotations

from django.apps import AppConfig, apps

# django-auditlog's automatic field history: the safety net beneath the explicit domain events
# that services write with ``audit.services.record``. (app label, model name, options).
AUDITLOG_MODELS: tuple[tuple[str, str, dict[str, list[str]]], ...] = (
    ("organisations", "Organisation", {"exclude_fields": ["name_folded"]}),
    (
        "people",
        "Person",
        {
            "exclude_fields": ["full_name_folded", "updated_at"],
            "mask_fields": ["citizen_id", "phone"],
        },
    ),
    ("members", "Membership", {}),
    ("members", "MembershipEvent", {}),
    ("admissions", "Dossier", {}),
    ("admissions", "Step", {}),
    ("training", "TrainingClass", {}),
    ("training", "Enrolment", {}),
    ("training", "ClassCorrection", {}),
    ("training", "ClassProposal", {}),
    ("targets", "Target", {}),
    ("rules", "RuleSet", {}),
    ("rules", "CalendarDay", {}),
    ("accounts", "RoleAssignment", {}),
)


def register_auditlog_models() -> list[str]:
    """Register the domain models with django-auditlog; models that do not exist (yet) are
    skipped. Returns the labels registered."""
    from auditlog.registry import auditlog

    registered = []
    for app_label, model_name, options in AUDITLOG_MODELS:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        if not auditlog.contains(model):
            auditlog.register(model, **options)
        registered.append(model._meta.label)
    return registered


class AuditConfig(AppConfig):
    name = "dangvien.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        register_auditlog_models()
