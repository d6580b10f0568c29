"""How the report groups the admission criteria (``members.breakdowns``) on the page and in
the exports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

GROUP_LABELS = {
    "main": gettext_lazy("Trong đó"),
    "occupation": gettext_lazy("Nghề nghiệp"),
    "age": gettext_lazy("Tuổi đời (tại ngày quyết định kết nạp)"),
    "education": gettext_lazy("Trình độ giáo dục phổ thông"),
    "professional": gettext_lazy("Trình độ chuyên môn, nghiệp vụ"),
}
