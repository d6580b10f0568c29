"""Generic Excel import machinery: file checks, reading with calamine, cell parsing, templates
and the error workbook. The kinds of import (people, members…) live in ``dangvien/imports``.

A file goes through three gates, each refusing the whole file with a Vietnamese message:

1. ``check_workbook`` — size, a real xlsx (zip with a workbook), the sheet's declared
   dimension (so a million-row sheet is refused before a single row is parsed), merged cells
   and formulas (read from the sheet XML, in chunks).
2. ``read_rows`` — the header row is matched (accent- and case-insensitively) to the columns
   of the spec; missing required columns and unknown headers are named.
3. Per row: every cell goes through a ``Column`` parser; errors are collected per row and
   column, never raised, so the user sees all of them at once.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from django.utils.translation import gettext as _

# loaded with the module, not inside the parse: the parse runs under the worker's memory cap
# (``core.memory``), where mapping a shared library for the first time can fail
from python_calamine import CalamineWorkbook

from dangvien.core.errors import DomainError
from dangvien.core.formatting import format_number, parse_date
from dangvien.core.memory import active_cap, run_capped
from dangvien.core.text import fold

DATA_SHEET = "Dữ liệu"
HELP_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
ERROR_HEADER = "Lỗi"
EXCEL_EPOCH = dt.date(1899, 12, 30)


class ImportRefused(DomainError):
    """The whole file is refused (not an xlsx, empty, wrong header, too large…)."""


@dataclass(frozen=True)
class RowError:
    row: int  # the Excel row number (the header is row 1)
    column: str  # the Vietnamese header, or "" for the whole row
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class CellError(ValueError):
    """A cell's value is refused; the message is Vietnamese."""


# --- Tolerant matching of reference values ---------------------------------------------------


def _compact(key: str) -> str:
    return re.sub(r"[\s\-'’.]", "", key)


@dataclass
class Lookup:
    """Match free text to a code: exact label, code, alias, then an unambiguous prefix.

    ``entries`` are (code, label); aliases map a folded spelling to a code. Keys are compared
    folded (case and accents ignored) and also with spaces, hyphens and apostrophes removed.
    """

    entries: Sequence[tuple[str, str]]
    aliases: Mapping[str, str] = field(default_factory=dict)
    label: str = ""

    def __post_init__(self) -> None:
        self.cache: dict[str, str | CellError] = {}
        self.names = dict(self.entries)
        self.index: dict[str, set[str]] = {}
        for code, name in self.entries:
            for key in (fold(name), fold(code)):
                self._add(key, code)
        for alias, code in self.aliases.items():
            self._add(fold(alias), code)

    def _add(self, key: str, code: str) -> None:
        self.index.setdefault(key, set()).add(code)
        self.index.setdefault(_compact(key), set()).add(code)

    def match(self, text: str) -> str:
        """The code for ``text``; the answer is cached, since a file repeats its values."""
        found = self.cache.get(text)
        if found is None:
            try:
                found = self._match(text)
            except CellError as exc:
                found = exc
            self.cache[text] = found
        if isinstance(found, CellError):
            raise CellError(str(found))
        return found

    def _match(self, text: str) -> str:
        key = fold(text)
        codes = self.index.get(key) or self.index.get(_compact(key))
        if not codes and len(key) >= 3:
            codes = {
                code
                for code, name in self.entries
                if fold(name).startswith(key) or f" {key}" in f" {fold(name)}"
            }
        if not codes:
            raise CellError(
                _("«%(value)s» không có trong danh mục %(label)s.")
                % {"value": text, "label": self.label}
            )
        if len(codes) > 1:
            names = "; ".join(sorted(self.names[code] for code in codes))
            raise CellError(
                _("«%(value)s» không rõ ràng, khớp với nhiều giá trị: %(names)s. Hãy ghi đầy đủ.")
                % {"value": text, "names": names}
            )
        return next(iter(codes))


# --- Cell parsers ------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as trimmed text; numbers typed as numbers lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def cell_date(value: Any) -> dt.date | None:
    """An Excel date cell, a dd/mm/yyyy text, or an Excel serial number; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 100_000:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellError(_("Ngày «%s» không hợp lệ; cần dạng ngày/tháng/năm.") % cell_text(value))
    text = str(value).strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise CellError(str(exc)) from exc


def cell_citizen_id(value: Any) -> str:
    """Digits as text. A number cell (Excel dropped the leading zeros) is padded back to 12."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(_("Số CCCD «%s» không hợp lệ.") % value)
        digits = str(int(value))
        return digits.zfill(12) if len(digits) <= 12 else digits
    return "".join(str(value).split())


TRUE_WORDS = frozenset({"x", "co", "1", "true", "dung", "yes", "v", "la doan vien"})
FALSE_WORDS = frozenset({"", "khong", "0", "false", "sai", "no", "chua"})


def cell_bool(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    key = fold(cell_text(value))
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    raise CellError(_("«%s» không hợp lệ; ghi «Có» hoặc để trống.") % cell_text(value))


# A text cell starting with one of these is read by Excel (and LibreOffice) as a formula when
# the value is later exported or pasted: the import refuses it (see docs/import.md).
# A signed plain number («+84 912 345 678», «-5») is not a formula and stays accepted.
FORMULA_PREFIXES = frozenset("=+-@")
_PLAIN_NUMBER = re.compile(r"^[+-]?[\d\s.,]+$")


# --- Columns and specs -------------------------------------------------------------------------


@dataclass
class Column:
    """One column of an import file."""

    key: str
    header: str
    help: str
    required: bool = False
    kind: str = "text"  # text | date | bool | citizen_id | choice
    choices: Sequence[str] = ()  # display values, offered as a dropdown in the template
    aliases: Sequence[str] = ()  # other accepted headers
    example: Any = ""
    max_length: int | None = None

    def header_keys(self) -> set[str]:
        return {fold(self.header), *(fold(alias) for alias in self.aliases)}

    def parse(self, value: Any) -> Any:
        if self.kind == "date":
            return cell_date(value)
        if self.kind == "bool":
            return cell_bool(value)
        if self.kind == "citizen_id":
            return cell_citizen_id(value)
        text = cell_text(value)
        if text[:1] in FORMULA_PREFIXES and not _PLAIN_NUMBER.match(text):
            raise CellError(
                _(
                    "«%(value)s» bắt đầu bằng ký tự «%(char)s»; ô văn bản không được bắt đầu "
                    "bằng = + - @ (Excel hiểu là công thức). Hãy bỏ ký tự đó."
                )
                % {"value": text[:40], "char": text[0]}
            )
        if self.max_length and len(text) > self.max_length:
            raise CellError(
                _("Dài %(n)d ký tự, tối đa %(max)d.") % {"n": len(text), "max": self.max_length}
            )
        return text

    def is_empty(self, value: Any) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())


# --- File checks -------------------------------------------------------------------------------

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell[\s>/]")
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _first_sheet_member(archive: zipfile.ZipFile) -> str:
    """The zip member of the workbook's first sheet (order of <sheets>, not of file names)."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    except (KeyError, ElementTree.ParseError) as exc:
        raise ImportRefused(_("Tệp không phải là tệp Excel (.xlsx) hợp lệ."), rule="xlsx") from exc
    sheet = next((el for el in workbook.iter() if el.tag.endswith("}sheet")), None)
    if sheet is None:
        raise ImportRefused(_("Tệp Excel không có trang tính nào."), rule="empty")
    rel_id = sheet.get(f"{{{_NS_REL}}}id")
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            target = target.lstrip("/")
            return target if target.startswith("xl/") else f"xl/{target}"
    raise ImportRefused(_("Tệp không phải là tệp Excel (.xlsx) hợp lệ."), rule="xlsx")


@dataclass
class SheetCheck:
    declared_rows: int | None
    rows: int = 0  # the <row> elements actually in the sheet XML
    unpacked_bytes: int = 0


_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
UNPACK_CHUNK = 1 << 20
RATIO_FLOOR = 1 << 20  # members smaller than this unpacked are not held to the ratio


def _mb(size: int) -> str:
    return format_number(size / 1024 / 1024, 1)


def _check_archive(archive: zipfile.ZipFile, *, max_unpacked_bytes: int, max_ratio: int) -> int:
    """Refuse from the central directory alone: total unpacked size and compression ratio."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        packed = max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and info.file_size / packed > max_ratio:
            raise ImportRefused(
                _(
                    "Tệp nén bất thường: phần «%(member)s» nén %(packed)s KB nhưng giải nén ra "
                    "%(size)s MB (gấp %(ratio)s lần, tối đa %(max)s lần). Tệp Excel thật không "
                    "như vậy; hãy lưu lại tệp bằng Excel rồi tải lên."
                )
                % {
                    "member": info.filename,
                    "packed": format_number(packed / 1024, 0),
                    "size": _mb(info.file_size),
                    "ratio": format_number(info.file_size // packed),
                    "max": format_number(max_ratio),
                },
                rule="max_zip_ratio",
                found=info.file_size // packed,
                required=max_ratio,
            )
    if total > max_unpacked_bytes:
        raise ImportRefused(
            _(
                "Tệp giải nén ra %(size)s MB, vượt giới hạn %(max)s MB. Hãy chia thành nhiều "
                "tệp nhỏ hơn."
            )
            % {"size": _mb(total), "max": _mb(max_unpacked_bytes)},
            rule="max_unpacked_bytes",
            found=total,
            required=max_unpacked_bytes,
        )
    return total


class _XmlScan:
    """Streams one zip member (the real bytes, whatever the directory claims) and checks the
    longest text run between two tags (a cell's text, read before any parser holds it)."""

    def __init__(self, *, max_run: int, max_cell_chars: int) -> None:
        self.max_run = max_run
        self.max_cell_chars = max_cell_chars
        self.run = 0

    def feed(self, chunk: bytes) -> None:
        pieces = chunk.split(b"<")
        if len(pieces) == 1:
            self.run += len(chunk)
        else:
            longest = max(self.run + len(pieces[0]), max(map(len, pieces[1:-1]), default=0))
            self.run = len(pieces[-1])
            if longest > self.max_run:
                self._refuse(longest)
        if self.run > self.max_run:
            self._refuse(self.run)

    def _refuse(self, found: int) -> None:
        raise ImportRefused(
            _(
                "Tệp có một ô dài hơn %(max)s ký tự (khoảng %(size)s KB); Excel chỉ cho phép "
                "%(max)s ký tự mỗi ô. Hãy kiểm tra lại tệp."
            )
            % {"max": format_number(self.max_cell_chars), "size": format_number(found // 1024)},
            rule="max_cell_chars",
            found=found,
            required=self.max_cell_chars,
        )


def check_workbook(
    path: Path,
    *,
    max_bytes: int,
    max_rows: int,
    max_unpacked_bytes: int = 256 * 1024 * 1024,
    max_ratio: int = 100,
    max_cell_chars: int = 32_767,
) -> SheetCheck:
    """Refuse a file that is too large (packed or unpacked), a zip bomb, not an xlsx, too long
    (declared and real row count), with an oversized cell, merged cells or formulas.

    Nothing is parsed into memory: the zip directory is read first, then every member is
    streamed in 1 MB chunks (so a member that lies about its size fails its CRC check).
    """
    size = path.stat().st_size
    if size == 0:
        raise ImportRefused(_("Tệp rỗng (0 byte)."), rule="empty", found=0)
    if size > max_bytes:
        raise ImportRefused(
            _("Tệp nặng %(size)s MB, vượt giới hạn %(max)s MB. Hãy chia thành nhiều tệp nhỏ hơn.")
            % {
                "size": format_number(size / 1024 / 1024, 1),
                "max": format_number(max_bytes / 1024 / 1024, 0),
            },
            rule="max_file_bytes",
            found=size,
            required=max_bytes,
        )
    if not zipfile.is_zipfile(path):
        raise ImportRefused(
            _("Tệp không phải là tệp Excel (.xlsx). Hãy lưu lại bằng Excel dạng «Excel Workbook»."),
            rule="xlsx",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = _check_archive(
                archive, max_unpacked_bytes=max_unpacked_bytes, max_ratio=max_ratio
            )
            member = _first_sheet_member(archive)
            check = _scan_sheet(archive, member, max_rows=max_rows, max_cell_chars=max_cell_chars)
            check.unpacked_bytes = unpacked
            for info in archive.infolist():
                if info.filename != member and info.filename.endswith(".xml"):
                    scan = _XmlScan(max_run=max_cell_chars * 6 + 64, max_cell_chars=max_cell_chars)
                    with archive.open(info) as stream:
                        while chunk := stream.read(UNPACK_CHUNK):
                            scan.feed(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise ImportRefused(
            _("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx."),
            rule="xlsx",
        ) from exc
    return check


def _too_many_rows(found: int, max_rows: int, *, at_least: bool = False) -> ImportRefused:
    if at_least:
        return ImportRefused(
            _(
                "Trang tính có hơn %(max)s dòng dữ liệu, vượt giới hạn mỗi lần nhập (đã dừng "
                "đọc ở dòng %(found)s). Hãy chia thành nhiều tệp."
            )
            % {"found": format_number(found + 1), "max": format_number(max_rows)},
            rule="max_rows",
            found=found,
            required=max_rows,
        )
    return ImportRefused(
        _(
            "Trang tính có %(found)s dòng, vượt giới hạn %(max)s dòng mỗi lần "
            "nhập. Hãy chia thành nhiều tệp."
        )
        % {"found": format_number(found), "max": format_number(max_rows)},
        rule="max_rows",
        found=found,
        required=max_rows,
    )


def _scan_sheet(
    archive: zipfile.ZipFile, member: str, *, max_rows: int, max_cell_chars: int
) -> SheetCheck:
    try:
        info = archive.getinfo(member)
    except KeyError as exc:
        raise ImportRefused(_("Tệp không phải là tệp Excel (.xlsx) hợp lệ."), rule="xlsx") from exc
    declared: int | None = None
    rows = 0
    scan = _XmlScan(max_run=max_cell_chars * 6 + 64, max_cell_chars=max_cell_chars)
    with archive.open(info) as stream:
        head = stream.read(4096)
        match = _DIMENSION.search(head)
        if match:
            declared = int(match.group(4) or match.group(2))
            if declared - 1 > max_rows:
                raise _too_many_rows(declared - 1, max_rows)
        tail = b""
        chunk = head
        while chunk:
            scan.feed(chunk)
            window = tail + chunk
            for found in _ROW.finditer(window):
                if found.end() > len(tail):
                    rows += 1
                    if rows - 1 > max_rows:
                        # The real count, whatever the dimension claims: stop reading here.
                        raise _too_many_rows(rows - 1, max_rows, at_least=True)
            if _FORMULA.search(window):
                raise ImportRefused(
                    _(
                        "Trang tính có ô chứa công thức. Hãy sao chép và dán «chỉ giá trị» "
                        "(Paste Values) rồi tải lên lại."
                    ),
                    rule="formula",
                )
            if _MERGE.search(window):
                raise ImportRefused(
                    _("Trang tính có ô gộp (merge). Hãy bỏ gộp ô rồi tải lên lại."),
                    rule="merged_cells",
                )
            tail = window[-32:]
            chunk = stream.read(UNPACK_CHUNK)
    return SheetCheck(declared_rows=declared, rows=rows)


@dataclass
class Sheet:
    headers: list[str]
    positions: dict[str, int]  # column key → index in the row
    rows: list[list[Any]]  # data rows, header excluded, trailing empty rows dropped


def read_rows(
    path: Path, columns: Sequence[Column], *, max_rows: int, max_cell_chars: int = 32_767
) -> Sheet:
    """Read the first sheet with calamine and map its header to the columns.

    Under a memory cap (``core.memory.address_space_cap``) calamine reads in a forked child under
    the same cap: a Rust allocation that fails aborts its process instead of raising.
    """
    cap = active_cap()
    if cap:
        data = run_capped(_read_sheet, path, max_rows, max_cell_chars, extra_bytes=cap)
    else:
        data = _read_sheet(path, max_rows, max_cell_chars)
    return _map_header(data, columns)


def _read_sheet(path: Path, max_rows: int, max_cell_chars: int) -> list[list[Any]]:
    data: list[list[Any]] = []
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        if sheet.height - 1 > max_rows:
            raise _too_many_rows(sheet.height - 1, max_rows)
        # Rows are streamed and counted as they come: past the limit, reading stops.
        # iter_rows pads the empty rows above the data but not the empty columns before it.
        pad = [""] * ((sheet.start or (0, 0))[1])
        for row_values in sheet.iter_rows():
            values = [*pad, *row_values] if pad else list(row_values)
            if len(data) > max_rows:
                raise _too_many_rows(len(data), max_rows, at_least=True)
            for value in values:
                if isinstance(value, str) and len(value) > max_cell_chars:
                    raise ImportRefused(
                        _("Dòng %(row)d có một ô dài %(n)s ký tự, tối đa %(max)s ký tự mỗi ô.")
                        % {
                            "row": len(data) + 1,
                            "n": format_number(len(value)),
                            "max": format_number(max_cell_chars),
                        },
                        rule="max_cell_chars",
                        found=len(value),
                        required=max_cell_chars,
                    )
            data.append(values)
    except ImportRefused:
        raise
    except Exception as exc:  # calamine raises its own errors on broken files
        raise ImportRefused(
            _("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx."),
            rule="xlsx",
        ) from exc
    while data and all(cell in ("", None) for cell in data[-1]):
        data.pop()
    return data


def _map_header(data: list[list[Any]], columns: Sequence[Column]) -> Sheet:
    if not data:
        raise ImportRefused(_("Tệp không có dữ liệu (trang tính đầu tiên trống)."), rule="empty")
    headers = [cell_text(cell) for cell in data[0]]
    positions: dict[str, int] = {}
    unknown: list[str] = []
    by_key = {key: column for column in columns for key in column.header_keys()}
    for index, header in enumerate(headers):
        if not header:
            continue
        column = by_key.get(fold(header))
        if column is None:
            unknown.append(header)
        elif column.key in positions:
            raise ImportRefused(
                _("Cột «%s» xuất hiện hai lần ở dòng tiêu đề.") % header, rule="header"
            )
        else:
            positions[column.key] = index
    missing = [
        column.header for column in columns if column.required and column.key not in positions
    ]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("thiếu cột bắt buộc: %s") % ", ".join(f"«{h}»" for h in missing))
        if unknown:
            parts.append(_("cột không nhận ra: %s") % ", ".join(f"«{h}»" for h in unknown))
        raise ImportRefused(
            _(
                "Dòng tiêu đề (dòng 1) không đúng mẫu — %s. Hãy dùng tệp mẫu tải về từ trang "
                "Nhập Excel."
            )
            % "; ".join(parts),
            rule="header",
            found=", ".join(headers),
        )
    rows = data[1:]
    if not rows:
        raise ImportRefused(_("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."), rule="empty")
    return Sheet(headers=headers, positions=positions, rows=rows)


# --- Writing workbooks (templates, error files, exports) --------------------------------------


def write_template(
    columns: Sequence[Column],
    *,
    title: str,
    notes: Sequence[str] = (),
    rows: Sequence[Sequence[str]] = (),
) -> bytes:
    """An xlsx template: the data sheet with headers, one example row as a comment-free guide
    in the help sheet, dropdowns for fixed lists, and a help sheet explaining every column.
    ``rows`` prefill the data sheet (as text), e.g. a cell's members on its grading sheet."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format(
        {"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True}
    )
    required_fmt = workbook.add_format(
        {"bold": True, "bg_color": "#E6B8B7", "border": 1, "text_wrap": True}
    )
    text_fmt = workbook.add_format({"num_format": "@"})
    data = workbook.add_worksheet(DATA_SHEET)
    lists = workbook.add_worksheet(LISTS_SHEET)
    helpsheet = workbook.add_worksheet(HELP_SHEET)
    list_col = 0
    for index, column in enumerate(columns):
        data.write_string(0, index, str(column.header), required_fmt if column.required else bold)
        width = max(14, min(40, len(column.header) + 4))
        # Text format for every column keeps leading zeros and stops Excel guessing.
        data.set_column(index, index, width, text_fmt if column.kind != "date" else None)
        if column.choices:
            lists.write_string(0, list_col, str(column.header), bold)
            for row, choice in enumerate(column.choices, start=1):
                lists.write_string(row, list_col, str(choice))
            letter = xlsxwriter.utility.xl_col_to_name(list_col)
            data.data_validation(
                1,
                index,
                200_000,
                index,
                {
                    "validate": "list",
                    "source": f"='{LISTS_SHEET}'!${letter}$2:${letter}${len(column.choices) + 1}",
                    "error_type": "warning",
                },
            )
            list_col += 1
        elif column.kind == "date":
            data.set_column(index, index, width, workbook.add_format({"num_format": "dd/mm/yyyy"}))
    for row_index, values in enumerate(rows, start=1):
        for col_index, value in enumerate(values):
            if value != "":
                data.write_string(row_index, col_index, str(value))
    data.freeze_panes(1, 0)
    helpsheet.set_column(0, 0, 34)
    helpsheet.set_column(1, 1, 12)
    helpsheet.set_column(2, 2, 90)
    helpsheet.set_column(3, 3, 24)
    helpsheet.write_string(0, 0, str(title), workbook.add_format({"bold": True, "font_size": 14}))
    row = 1
    for note in notes:
        helpsheet.write_string(row, 0, str(note))
        row += 1
    row += 1
    for col, text in enumerate(
        (_("Cột"), _("Bắt buộc"), _("Cách ghi, giá trị cho phép"), _("Ví dụ"))
    ):
        helpsheet.write_string(row, col, str(text), bold)
    for column in columns:
        row += 1
        helpsheet.write_string(row, 0, str(column.header))
        helpsheet.write_string(row, 1, _("Có") if column.required else "")
        allowed = column.help
        if column.choices:
            allowed = f"{allowed} {_('Một trong')}: {'; '.join(map(str, column.choices))}."
        helpsheet.write_string(row, 2, str(allowed), workbook.add_format({"text_wrap": True}))
        helpsheet.write_string(row, 3, str(column.example))
    workbook.close()
    return buffer.getvalue()


def write_table(
    sheets: Sequence[tuple[str, Sequence[str], Iterator[Sequence[Any]] | Sequence[Sequence[Any]]]],
    *,
    header_lines: Sequence[str] = (),
    highlight_column: str | None = None,
) -> bytes:
    """Render (sheet name, headers, rows) to xlsx; dates as Excel dates, text as text."""
    import xlsxwriter

    from dangvien.core.xlsx import CellWriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    error_fmt = workbook.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    cells = CellWriter(workbook)
    for name, headers, rows in sheets:
        sheet = workbook.add_worksheet(name[:31])
        top = 0
        for line in header_lines:
            sheet.write_string(top, 0, str(line))
            top += 1
        if header_lines:
            top += 1
        # columns as wide as their heading and the first rows need (streamed rows: peeked)
        rows = iter(rows)
        first = list(itertools.islice(rows, 200))
        for col, header in enumerate(headers):
            sheet.write_string(top, col, str(header), bold)
            longest = max(
                (_shown_width(values[col]) for values in first if col < len(values)), default=0
            )
            sheet.set_column(col, col, max(10, min(50, max(len(header), longest) + 2)))
        marked = headers.index(highlight_column) if highlight_column in headers else -1
        for r, values in enumerate(itertools.chain(first, rows), start=top + 1):
            for c, value in enumerate(values):
                cells.write(sheet, r, c, value, error_fmt if c == marked else None)
        sheet.freeze_panes(top + 1, 0)
        # printed as it is: A4, one page wide, the heading row on every page
        sheet.set_paper(9)
        if len(headers) > 5:
            sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(top)
        sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        sheet.set_footer("&C&P / &N")
    workbook.close()
    return buffer.getvalue()


def _shown_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    return len(str(value))


def write_error_file(sheet: Sheet, errors: Sequence[RowError]) -> bytes:
    """The uploaded rows as read, with a «Lỗi» column listing each row's errors."""
    by_row: dict[int, list[str]] = {}
    for error in errors:
        prefix = f"{error.column}: " if error.column else ""
        by_row.setdefault(error.row, []).append(prefix + error.message)
    headers = [*sheet.headers, ERROR_HEADER]

    def rows() -> Iterator[list[Any]]:
        for offset, values in enumerate(sheet.rows):
            line = offset + 2
            yield [*values, "\n".join(by_row.get(line, []))]

    return write_table([(DATA_SHEET, headers, rows())], highlight_column=ERROR_HEADER)


ProgressCallback = Callable[[str, int, int], None]


def claim_in_file(
    seen: dict[str, int], value: str, row: int, *, message: str, rule: str, field: str
) -> None:
    """Remember that ``value`` (a key that must be unique in one file) stands on ``row``;
    refuse it when an earlier row already holds it. ``message`` is translated, with
    ``%(value)s`` and ``%(row)d`` for the value and the earlier row."""
    if value in seen:
        raise DomainError(
            message % {"value": value, "row": seen[value]}, rule=rule, found=value, field=field
        )
    seen[value] = row


def no_progress(phase: str, done: int, total: int) -> None:
    return None
