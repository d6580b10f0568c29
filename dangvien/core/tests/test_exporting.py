"""The one export path: a Table's columns over any rows, the header lines, text as text."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import django_tables2 as tables
import pytest
import xlsxwriter
from django import forms
from django.utils import timezone
from openpyxl import load_workbook

from dangvien.core.exporting import ListExport, table_rows
from dangvien.core.filtering import describe_errors, describe_form
from dangvien.core.tables import DateColumn, ListTable
from dangvien.core.xlsx import CellWriter

FORMULA = '=HYPERLINK("http://x")'


class ThingTable(ListTable):
    name = tables.Column(verbose_name="Tên")
    born = DateColumn(verbose_name="Ngày sinh")
    secret = tables.Column(verbose_name="Mã", visible=False)
    page_only = tables.Column(
        verbose_name="Chỉ trên trang", accessor="name", exclude_from_export=True
    )

    def value_secret(self, value):
        return "••" + value[-2:]


class User:
    def __str__(self):
        return "Người Thử"

    def get_username(self):
        return "tester"


def test_table_rows_use_file_columns_typed_and_masked():
    records = [SimpleNamespace(name="An", born=dt.date(2000, 1, 2), secret="123456")]
    table = ThingTable(records)
    assert list(table_rows(table, records)) == [["An", dt.date(2000, 1, 2), "••56"]]


def test_list_export_header_lines_then_headers_then_rows():
    records = [
        SimpleNamespace(name=FORMULA, born=None, secret="99"),
        SimpleNamespace(name="Bình", born=dt.date(1990, 5, 6), secret="1234"),
    ]
    export = ListExport(
        title="Danh sách thử",
        filename="thu",
        table=ThingTable(records),
        records=records,
        user=User(),
        filters="Tổ chức: Chi bộ 1",
    )
    book = load_workbook(io.BytesIO(export.render()))
    sheet = book.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Danh sách thử"
    assert values[1][0] == "Người xuất: Người Thử (tester)"
    assert values[2][0].startswith("Thời điểm xuất: ")
    assert values[3][0] == "Điều kiện lọc: Tổ chức: Chi bộ 1"
    assert values[4][0] == "Tài liệu mật: số CCCD, số điện thoại đã được che."
    assert values[6][:3] == ["Tên", "Ngày sinh", "Mã"]
    assert values[7][:3] == [FORMULA, None, "••99"]
    assert sheet.cell(row=8, column=1).data_type == "s"
    assert values[8][:3] == ["Bình", dt.datetime(1990, 5, 6), "••34"]
    assert export.count == 2


def test_max_rows_stops_the_file():
    records = [SimpleNamespace(name=str(i), born=None, secret="00") for i in range(5)]
    export = ListExport(
        title="T", filename="t", table=ThingTable(records), records=records, user=User(), max_rows=3
    )
    export.render()
    assert export.count == 3


@pytest.mark.parametrize(
    ("value", "expected", "data_type"),
    [
        (FORMULA, FORMULA, "s"),
        ("=1+1", "=1+1", "s"),
        (True, "Có", "s"),
        (3, 3, "n"),
        (Decimal("2.5"), 2.5, "n"),
        (dt.date(2024, 2, 20), dt.datetime(2024, 2, 20), "d"),
    ],
)
def test_cell_writer_keeps_text_as_text(value, expected, data_type):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("S")
    CellWriter(book).write(sheet, 0, 0, value)
    book.close()
    cell = load_workbook(io.BytesIO(buffer.getvalue())).active["A1"]
    assert cell.value == expected
    assert cell.data_type == data_type


def test_cell_writer_writes_aware_datetimes_in_local_time(settings):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("S")
    moment = dt.datetime(2024, 2, 20, 1, 30, tzinfo=dt.UTC)
    CellWriter(book).write(sheet, 0, 0, moment)
    book.close()
    cell = load_workbook(io.BytesIO(buffer.getvalue())).active["A1"]
    assert cell.value == timezone.localtime(moment).replace(tzinfo=None)
    assert cell.number_format == "dd/mm/yyyy hh:mm:ss"


class _Form(forms.Form):
    name = forms.CharField(label="Họ tên", required=False)
    kind = forms.ChoiceField(
        label="Loại", required=False, choices=[("", "Tất cả"), ("a", "Loại A")]
    )
    day = forms.DateField(label="Từ ngày", required=False)
    only = forms.BooleanField(label="Chỉ dự bị", required=False)
    age = forms.IntegerField(label="Tuổi", required=False, min_value=0)


def test_describe_form_uses_labels_and_display_values_of_set_filters():
    form = _Form({"name": "lan", "kind": "a", "day": "2024-02-20", "only": "on", "age": "0"})
    assert form.is_valid()
    assert describe_form(form) == (
        "Họ tên: lan; Loại: Loại A; Từ ngày: 20/02/2024; Chỉ dự bị: có; Tuổi: 0"
    )
    empty = _Form({"kind": "", "only": ""})
    assert empty.is_valid()
    assert describe_form(empty) == ""


def test_describe_errors_names_the_label():
    form = _Form({"kind": "zzz", "age": "-1"})
    assert not form.is_valid()
    text = describe_errors(form)
    assert text.startswith("Loại: ") and "; Tuổi: " in text
