"""The list exports: each list page's rows, with its filters, inside the user's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from dangvien.core.exporting import ListExporter
from dangvien.people.masking import mask_citizen_id, mask_phone


class PeopleExport(ListExporter):
    title = _("Danh sách quần chúng, đảng viên")
    filename = "danh-sach-nguoi"
    headers = (
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Dân tộc",
        "Số CCCD",
        "Số điện thoại",
        "Nghề nghiệp",
        "Mã tổ chức",
        "Tổ chức quản lý",
    )

    def iterate_rows(self) -> Iterator[Sequence[Any]]:
        from dangvien.people.selectors import list_people

        people = list_people(user=self.user, filters=self.filters)
        for person in people.iterator(chunk_size=2000):
            yield (
                person.full_name,
                person.date_of_birth,
                person.get_sex_display(),
                person.ethnic_group.name,
                mask_citizen_id(person.citizen_id),
                mask_phone(person.phone),
                person.occupation.name,
                person.organisation.code,
                person.organisation.name,
            )


class DossiersExport(ListExporter):
    title = _("Danh sách hồ sơ kết nạp")
    filename = "ho-so-ket-nap"
    headers = ("Họ và tên", "Ngày sinh", "Bước", "Trạng thái", "Ngày lập", "Mã chi bộ", "Chi bộ")

    def iterate_rows(self) -> Iterator[Sequence[Any]]:
        from dangvien.admissions.selectors import list_dossiers

        for dossier in list_dossiers(user=self.user, filters=self.filters).iterator(
            chunk_size=2000
        ):
            yield (
                dossier.person.full_name,
                dossier.person.date_of_birth,
                dossier.get_stage_display(),
                dossier.get_status_display(),
                dossier.opened_on,
                dossier.organisation.code,
                dossier.organisation.name,
            )


class MembersExport(ListExporter):
    title = _("Danh sách đảng viên")
    filename = "dang-vien"
    headers = (
        "Họ và tên",
        "Ngày sinh",
        "Số CCCD",
        "Trạng thái",
        "Ngày quyết định kết nạp",
        "Ngày kết nạp",
        "Ngày công nhận chính thức",
        "Mã chi bộ",
        "Chi bộ",
    )

    def iterate_rows(self) -> Iterator[Sequence[Any]]:
        # The member list page's own selector and filters: the export is what the page shows.
        from dangvien.members.selectors import list_members

        members = list_members(user=self.user, filters=self.filters)
        for membership in members.iterator(chunk_size=2000):
            yield (
                membership.person.full_name,
                membership.person.date_of_birth,
                mask_citizen_id(membership.person.citizen_id),
                membership.get_status_display(),
                membership.decision_date,
                membership.ceremony_date,
                membership.official_date,
                membership.organisation.code,
                membership.organisation.name,
            )


class WorklistExport(ListExporter):
    title = _("Việc cần làm")
    filename = "viec-can-lam"
    headers = ("Hạn", "Quá hạn", "Việc", "Người, hồ sơ", "Tổ chức", "Ghi chú")

    def iterate_rows(self) -> Iterator[Sequence[Any]]:
        from dangvien.core.worklist import collect

        today = self.filters.get("today") or dt.date.today()
        for item in collect(self.user, today):
            yield (
                item.due,
                "Quá hạn" if item.is_overdue(today) else "",
                item.label,
                item.subject,
                str(item.organisation),
                item.detail,
            )
