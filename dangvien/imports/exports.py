"""The list exports: each list page's rows, with its filters, inside the user's scope.

Each export is the page's FilterSet (rows and the filters in words) and the page's Table
(columns), rendered by the one export path in ``core.exporting``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from dangvien.core.exporting import ListExport


def people_export(*, user: Any, data: Any) -> ListExport:
    from dangvien.people.filtersets import PersonFilterSet
    from dangvien.people.tables import PersonTable

    return ListExport.from_filterset(
        PersonFilterSet(data, user=user),
        PersonTable,
        title=_("Danh sách quần chúng, đảng viên"),
        filename="danh-sach-nguoi",
        user=user,
    )


def dossiers_export(*, user: Any, data: Any) -> ListExport:
    from dangvien.admissions.filtersets import DossierFilterSet
    from dangvien.admissions.tables import DossierTable

    return ListExport.from_filterset(
        DossierFilterSet(data, user=user),
        DossierTable,
        title=_("Danh sách hồ sơ kết nạp"),
        filename="ho-so-ket-nap",
        user=user,
    )


def members_export(*, user: Any, data: Any) -> ListExport:
    # The member list page's own FilterSet and Table: the export is what the page shows.
    from dangvien.members.filtersets import MemberFilterSet
    from dangvien.members.tables import MemberTable

    return ListExport.from_filterset(
        MemberFilterSet(data, user=user),
        MemberTable,
        title=_("Danh sách đảng viên"),
        filename="dang-vien",
        user=user,
    )


def worklist_export(*, user: Any, today: dt.date) -> ListExport:
    from dangvien.admissions.tables import WorkItemTable
    from dangvien.core.worklist import collect

    items = collect(user, today)
    return ListExport(
        title=_("Việc cần làm"),
        filename="viec-can-lam",
        table=WorkItemTable(items, today=today),
        records=items,
        user=user,
    )
