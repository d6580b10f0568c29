from django import template

from dangvien.audit.labels import label_for

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return label_for(action)
