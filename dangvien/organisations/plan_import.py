"""A reorganisation plan from an xlsx sheet (issue 11, item 2).

One row is one (old code → new code) pair with its operation; the rows are grouped into the
plan's operations, in the order their first row appears:

- **merge** («Hợp nhất, sáp nhập»): the rows with the same «Mã mới» form one merge; each row
  names one source («Mã cũ»). The new code is an organisation of the plan's subtree (merge into
  it) or a new one (then «Tên mới» and «Loại tổ chức mới» are needed, «Mã cấp trên» optional);
- **split** («Chia tách»): the rows with the same «Mã cũ» form one split, one row per part
  («Mã mới», new or existing); «Tổ chức trực thuộc chuyển về» lists the children that go to that
  part; the first part takes everything not listed; «Cách chia số liệu» is required;
- **move** («Chuyển trực thuộc»): «Mã cấp trên» is the new parent; «Mã mới» empty;
- **rename** («Đổi tên»): «Mã mới» and/or «Tên mới»;
- **dissolve** («Giải thể»): «Mã mới» is the optional successor.

The file is read with the import machinery (``core.importing``: the same bomb and header checks
as every import), every row is checked, and a single bad row refuses the whole file with every
error listed by row and column: the draft is not touched. A good file replaces the draft's
operations in one transaction (audited ``organisations.reorganisation_plan.imported``). The
deeper rules (orphans, facts, dates) are the plan's preview.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from dangvien.audit.services import record
from dangvien.core.importing import (
    CellError,
    Column,
    ImportRefused,
    Lookup,
    RowError,
    Sheet,
    check_workbook,
    read_rows,
    write_template,
)
from dangvien.core.typing import Actor
from dangvien.organisations import plans
from dangvien.organisations import reorganisation as ops
from dangvien.organisations.choices import OrganisationKind, ReorganisationKind
from dangvien.organisations.models import Organisation, OrganisationAlias, ReorganisationPlan

PLAN_MAX_ROWS = 5_000  # a province's plan is a few hundred rows

K = ReorganisationKind


def columns() -> list[Column]:
    return [
        Column(
            "operation",
            _("Thao tác"),
            _(
                "Hợp nhất, sáp nhập: mỗi tổ chức cũ một dòng, các dòng cùng «Mã mới» là một lần "
                "sáp nhập. Chia tách: mỗi phần sau chia tách một dòng, các dòng cùng «Mã cũ». "
                "Chuyển trực thuộc, Đổi tên, Giải thể: một dòng."
            ),
            required=True,
            kind="choice",
            choices=[str(label) for _value, label in K.choices],
            example=str(K.MERGE.label),
        ),
        Column(
            "old_code",
            _("Mã cũ"),
            _(
                "Mã tổ chức trước sắp xếp (mã hiện tại, hoặc mã cũ của tổ chức đã đổi tên), "
                "thuộc phạm vi phương án; hoặc mã một tổ chức mới thành lập ở dòng trên."
            ),
            required=True,
            aliases=("Mã tổ chức cũ",),
            example="XA",
            max_length=32,
        ),
        Column(
            "new_code",
            _("Mã mới"),
            _(
                "Sáp nhập: mã tổ chức nhận (đang có, hoặc mã chưa dùng để thành lập mới). Chia "
                "tách: mã của phần này. Đổi tên: mã mới (để trống nếu giữ mã). Giải thể: mã tổ "
                "chức kế thừa (không bắt buộc). Chuyển trực thuộc: để trống."
            ),
            aliases=("Mã tổ chức mới",),
            example="XM",
            max_length=32,
        ),
        Column(
            "new_name",
            _("Tên mới"),
            _(
                "Tên tổ chức thành lập mới (sáp nhập, chia tách), hoặc tên mới khi đổi tên. Các "
                "dòng cùng một mã mới ghi cùng tên (hoặc để trống từ dòng thứ hai)."
            ),
            example="Đảng bộ xã Mới",
            max_length=255,
        ),
        Column(
            "new_kind",
            _("Loại tổ chức mới"),
            _("Loại của tổ chức thành lập mới (sáp nhập, chia tách)."),
            kind="choice",
            choices=[str(label) for _value, label in OrganisationKind.choices],
            example=str(OrganisationKind.COMMUNE.label),
        ),
        Column(
            "parent_code",
            _("Mã cấp trên"),
            _(
                "Tổ chức thành lập mới: mã cấp trên (để trống là cấp trên của tổ chức cũ). "
                "Chuyển trực thuộc: mã cấp trên mới (bắt buộc)."
            ),
            example="T01",
            max_length=32,
        ),
        Column(
            "children",
            _("Tổ chức trực thuộc chuyển về"),
            _(
                "Chia tách: mã các tổ chức trực thuộc tổ chức cũ chuyển về phần này, cách nhau "
                "bằng dấu phẩy. Phần ở dòng đầu tiên nhận các tổ chức, đảng viên, hồ sơ không "
                "ghi ở dòng nào."
            ),
            example="CB01, CB02",
            max_length=2000,
        ),
        Column(
            "reason",
            _("Cách chia số liệu"),
            _(
                "Chia tách: bắt buộc; được ghi kèm các so sánh «ước tính» của các phần sau chia "
                "tách."
            ),
            example=_("các chi bộ chia theo cơ quan chuyển về"),
            max_length=500,
        ),
        Column(
            "end_scopes",
            _("Kết thúc phân quyền"),
            _(
                "«Có»: phân quyền người dùng trên tổ chức cũ kết thúc thay vì chuyển sang tổ chức "
                "mới. Để trống: phân quyền chuyển theo."
            ),
            kind="bool",
        ),
        Column("note", _("Ghi chú"), _("Không bắt buộc."), max_length=500),
    ]


def template_workbook() -> bytes:
    notes = [
        _("Điền dữ liệu vào trang «Dữ liệu», bắt đầu từ dòng 2; giữ nguyên dòng tiêu đề."),
        _("Không dùng công thức, không gộp ô. Mỗi dòng là một cặp mã cũ → mã mới và thao tác."),
        _(
            "Ví dụ sáp nhập: ba dòng «Hợp nhất, sáp nhập | XA | XM | Đảng bộ xã Mới | Đảng bộ "
            "xã, phường, đặc khu | T01», «… | XB | XM», «… | XC | XM»."
        ),
        _("Ví dụ giải thể: một dòng «Giải thể | H01 | T01» (T01 kế thừa)."),
        _(
            "Ví dụ chia tách: hai dòng «Chia tách | K01 | K01A | …» và «Chia tách | K01 | K01B "
            "| …», mỗi phần một dòng."
        ),
        _(
            "Các thao tác được thực hiện theo thứ tự dòng đầu tiên của mỗi thao tác. Tải lên "
            "thay toàn bộ thao tác của dự thảo; một dòng sai thì cả tệp bị từ chối, dự thảo giữ "
            "nguyên."
        ),
    ]
    return write_template(columns(), title=_("Mẫu phương án sắp xếp tổ chức"), notes=notes, rows=())


class PlanRowsRefused(ImportRefused):
    """Rows of the plan's file are refused: every error, by row and column; nothing written."""

    def __init__(self, errors: Sequence[RowError], sheet: Sheet) -> None:
        rows = len({error.row for error in errors})
        super().__init__(
            _(
                "Tệp có %(errors)s lỗi ở %(rows)s dòng; phương án không thay đổi. Hãy sửa các "
                "dòng được nêu rồi tải lên lại."
            )
            % {"errors": len(errors), "rows": rows},
            rule="plan_file_rows",
            found=len(errors),
            required=0,
            field="file",
        )
        self.errors = list(errors)
        self.sheet = sheet


def read_sheet(path: Path) -> Sheet:
    check_workbook(
        path,
        max_bytes=settings.IMPORT_MAX_FILE_BYTES,
        max_rows=PLAN_MAX_ROWS,
        max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
        max_ratio=settings.IMPORT_MAX_ZIP_RATIO,
        max_cell_chars=settings.IMPORT_MAX_CELL_CHARS,
    )
    return read_rows(
        path, columns(), max_rows=PLAN_MAX_ROWS, max_cell_chars=settings.IMPORT_MAX_CELL_CHARS
    )


# --- rows → operations -------------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    kind: str
    old: str
    new: str
    name: str
    org_kind: str
    parent: str
    children: list[str]
    reason: str
    end_scopes: bool
    note: str


@dataclass
class _Group:
    kind: str
    line: int  # the first row
    rows: list[_Row] = field(default_factory=list)


@dataclass
class _NewOrg:
    line: int
    code: str
    group: tuple[str, str]
    name: str
    kind: str
    parent: str


_SPLIT_CODES = re.compile(r"[,;\n]+")


class _Reader:
    """Parses and checks every row against the plan's subtree (loaded once: codes, former
    codes) and the codes founded by earlier rows."""

    def __init__(self, sheet: Sheet, *, root: Organisation) -> None:
        self.sheet = sheet
        self.root = root
        self.errors: list[RowError] = []
        self.columns = {column.key: column for column in columns()}
        self.kinds = Lookup(
            entries=[(value, str(label)) for value, label in K.choices],
            aliases={
                "sáp nhập": K.MERGE,
                "hợp nhất": K.MERGE,
                "tách": K.SPLIT,
                "chia": K.SPLIT,
                "chuyển": K.MOVE,
                "di chuyển": K.MOVE,
                "đổi mã": K.RENAME,
            },
            label=_("thao tác"),
        )
        self.org_kinds = Lookup(
            entries=[(value, str(label)) for value, label in OrganisationKind.choices],
            label=_("loại tổ chức"),
        )
        subtree = Organisation.objects.filter(path__startswith=root.path)
        self.existing: dict[str, tuple[str, str]] = {
            code.upper(): (code, name) for code, name in subtree.values_list("code", "name")
        }
        for code, current, name in OrganisationAlias.objects.filter(
            organisation__in=subtree
        ).values_list("code", "organisation__code", "organisation__name"):
            self.existing.setdefault(code.upper(), (current, name))
        self.founded: dict[str, _NewOrg] = {}  # new code (upper) → where it is founded
        self.claimed_old: dict[str, tuple[int, tuple[str, str]]] = {}  # old code → row, group

    def error(self, line: int, key: str, message: str) -> None:
        header = str(self.columns[key].header) if key else ""
        self.errors.append(RowError(line, header, message))

    # cells

    def _cells(self, line: int, values: list[Any]) -> dict[str, Any] | None:
        cells: dict[str, Any] = {}
        ok = True
        for key, column in self.columns.items():
            position = self.sheet.positions.get(key)
            raw = values[position] if position is not None and position < len(values) else None
            try:
                value = column.parse(raw)
                if key == "operation" and value:
                    value = self.kinds.match(value)
                elif key == "new_kind" and value:
                    value = self.org_kinds.match(value)
            except CellError as exc:
                self.error(line, key, str(exc))
                ok = False
                continue
            if column.required and not value:
                self.error(line, key, _("Không được để trống."))
                ok = False
            cells[key] = value
        return cells if ok else None

    def read(self) -> list[dict[str, Any]]:
        groups: dict[tuple[str, str], _Group] = {}
        for offset, values in enumerate(self.sheet.rows):
            line = offset + 2
            if all(value in ("", None) for value in values):
                continue
            cells = self._cells(line, values)
            if cells is None:
                continue
            row = _Row(
                line=line,
                kind=cells["operation"],
                old=cells["old_code"],
                new=cells["new_code"],
                name=cells["new_name"],
                org_kind=cells["new_kind"],
                parent=cells["parent_code"],
                children=[c.strip() for c in _SPLIT_CODES.split(cells["children"]) if c.strip()],
                reason=cells["reason"],
                end_scopes=bool(cells["end_scopes"]),
                note=cells["note"],
            )
            key = self._group_key(row)
            if key is None:
                continue
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group(kind=row.kind, line=line)
            if self._check_row(row, key, group):
                group.rows.append(row)
        operations = []
        for key, group in groups.items():
            if group.rows:
                operations.append(self._operation(key, group))
        return operations

    # checks

    def _known(self, code: str, *, before: int) -> str | None:
        """The canonical code of an organisation of the subtree, or one founded above."""
        found = self.existing.get(code.upper())
        if found is not None:
            return found[0]
        new = self.founded.get(code.upper())
        if new is not None and new.line < before:
            return new.code
        return None

    def _unknown(self, line: int, key: str, code: str) -> None:
        self.error(
            line,
            key,
            _("Không tìm thấy tổ chức mã «%(code)s» trong «%(root)s».")
            % {"code": code, "root": self.root.name},
        )

    def _group_key(self, row: _Row) -> tuple[str, str] | None:
        if row.kind == K.MERGE:
            if not row.new:
                self.error(
                    row.line,
                    "new_code",
                    _(
                        "Sáp nhập cần «Mã mới»: mã của tổ chức nhận (đang có, hoặc mã chưa dùng "
                        "để thành lập mới)."
                    ),
                )
                return None
            return (K.MERGE, row.new.upper())
        if row.kind == K.SPLIT:
            if not row.new:
                self.error(
                    row.line,
                    "new_code",
                    _("Chia tách cần «Mã mới»: mỗi phần sau chia tách ghi một dòng."),
                )
                return None
            return (K.SPLIT, row.old.upper())
        return (str(row.kind), f"{row.old.upper()}#{row.line}")

    def _check_row(self, row: _Row, key: tuple[str, str], group: _Group) -> bool:
        before = len(self.errors)
        old = self._known(row.old, before=row.line)
        if old is None:
            self._unknown(row.line, "old_code", row.old)
        else:
            claimed = self.claimed_old.get(old.upper())
            if claimed is not None and (claimed[1] != key or row.kind != K.SPLIT):
                self.error(
                    row.line,
                    "old_code",
                    _(
                        "Tổ chức «%(code)s» đã có ở dòng %(row)s; mỗi tổ chức cũ chỉ thuộc một "
                        "thao tác (các phần của một lần chia tách ghi cùng mã cũ)."
                    )
                    % {"code": row.old, "row": claimed[0]},
                )
            else:
                self.claimed_old.setdefault(old.upper(), (row.line, key))
        if row.parent and self._known(row.parent, before=row.line) is None:
            self._unknown(row.line, "parent_code", row.parent)
        if row.kind in (K.MERGE, K.SPLIT):
            self._check_target(row, key, group)
        if row.kind == K.SPLIT:
            self._check_split(row, group)
        elif row.children or (row.reason and row.kind != K.SPLIT):
            self.error(
                row.line,
                "children" if row.children else "reason",
                _("Chỉ ghi ở dòng chia tách; thao tác «%(kind)s» không dùng cột này.")
                % {"kind": K(row.kind).label},
            )
        if row.kind == K.MOVE:
            if not row.parent:
                self.error(row.line, "parent_code", _("Chuyển trực thuộc cần «Mã cấp trên» mới."))
            if row.new and row.new.upper() != row.old.upper():
                self.error(
                    row.line,
                    "new_code",
                    _(
                        "Chuyển trực thuộc giữ nguyên mã: để trống «Mã mới» (đổi mã là thao tác "
                        "Đổi tên, ghi ở một dòng khác)."
                    ),
                )
        if row.kind == K.RENAME:
            if not (row.new or row.name):
                self.error(row.line, "new_code", _("Đổi tên cần «Mã mới» hoặc «Tên mới»."))
            elif row.new and row.new.upper() != row.old.upper():
                self._claim_new_code(row, key, name=row.name, kind="", parent="")
        if row.kind == K.DISSOLVE:
            if row.new and self._known(row.new, before=row.line) is None:
                self._unknown(row.line, "new_code", row.new)
            if row.name:
                self.error(
                    row.line, "new_name", _("Giải thể không thành lập tổ chức: để trống «Tên mới».")
                )
        if row.parent and row.kind in (K.RENAME, K.DISSOLVE):
            self.error(
                row.line,
                "parent_code",
                _("Chỉ ghi khi thành lập tổ chức mới hoặc chuyển trực thuộc."),
            )
        if row.org_kind and row.kind not in (K.MERGE, K.SPLIT):
            self.error(
                row.line,
                "new_kind",
                _("Chỉ ghi khi sáp nhập hoặc chia tách thành lập tổ chức mới."),
            )
        return len(self.errors) == before

    def _claim_new_code(
        self, row: _Row, key: tuple[str, str], *, name: str, kind: str, parent: str
    ) -> bool:
        """A code that is founded (or given by a rename): not used anywhere, nor by another
        operation of the file. Return False when refused."""
        code = row.new.upper()
        earlier = self.founded.get(code)
        if earlier is not None and earlier.group != key:
            self.error(
                row.line,
                "new_code",
                _("Mã mới «%(code)s» đã dùng ở dòng %(row)s cho một thao tác khác.")
                % {"code": row.new, "row": earlier.line},
            )
            return False
        if earlier is None:
            if (
                Organisation.objects.annotate(upper=Upper("code")).filter(upper=code).exists()
                or OrganisationAlias.objects.annotate(upper=Upper("code"))
                .filter(upper=code)
                .exists()
            ):
                self.error(
                    row.line,
                    "new_code",
                    _("Mã mới «%(code)s» đã được dùng cho một tổ chức khác.") % {"code": row.new},
                )
                return False
            self.founded[code] = _NewOrg(
                line=row.line, code=row.new, group=key, name=name, kind=kind, parent=parent
            )
        return True

    def _check_target(self, row: _Row, key: tuple[str, str], group: _Group) -> None:
        existing = self.existing.get(row.new.upper())
        if existing is not None:
            if row.org_kind or row.parent or (row.name and row.name != existing[1]):
                self.error(
                    row.line,
                    "new_code",
                    _(
                        "Mã mới «%(code)s» là của tổ chức đang có «%(name)s»: để trống «Tên mới», "
                        "«Loại tổ chức mới» và «Mã cấp trên», hoặc dùng một mã chưa có."
                    )
                    % {"code": row.new, "name": existing[1]},
                )
            return
        earlier = self.founded.get(row.new.upper())
        if earlier is not None and earlier.group == key and row.kind == K.MERGE:
            # a later row of the same merge: the same new organisation, or blank
            for column, mine, theirs in (
                ("new_name", row.name, earlier.name),
                ("new_kind", row.org_kind, earlier.kind),
                ("parent_code", row.parent, earlier.parent),
            ):
                if mine and theirs and mine.upper() != theirs.upper():
                    shown = {
                        "new_kind": lambda v: str(OrganisationKind(v).label),
                    }.get(column, lambda v: v)
                    self.error(
                        row.line,
                        column,
                        _(
                            "Mã mới «%(code)s» đã ghi ở dòng %(row)s là «%(other)s», dòng này ghi "
                            "«%(value)s»; các dòng cùng một mã mới phải ghi giống nhau (hoặc để "
                            "trống)."
                        )
                        % {
                            "code": row.new,
                            "row": earlier.line,
                            "other": shown(theirs),
                            "value": shown(mine),
                        },
                    )
            return
        if earlier is not None and row.kind == K.SPLIT and earlier.group == key:
            self.error(
                row.line,
                "new_code",
                _("Mã mới «%(code)s» đã dùng ở dòng %(row)s cho một phần khác của lần chia tách.")
                % {"code": row.new, "row": earlier.line},
            )
            return
        if not self._claim_new_code(row, key, name=row.name, kind=row.org_kind, parent=row.parent):
            return
        if not row.name:
            self.error(
                row.line,
                "new_name",
                _("Tổ chức mới «%(code)s» cần «Tên mới».") % {"code": row.new},
            )
        if not row.org_kind:
            self.error(
                row.line,
                "new_kind",
                _("Tổ chức mới «%(code)s» cần «Loại tổ chức mới».") % {"code": row.new},
            )

    def _check_split(self, row: _Row, group: _Group) -> None:
        first = group.rows[0] if group.rows else None
        if first is not None and row.reason and first.reason and row.reason != first.reason:
            self.error(
                row.line,
                "reason",
                _(
                    "Cách chia số liệu đã ghi ở dòng %(row)s là «%(other)s»; ghi giống nhau hoặc "
                    "để trống."
                )
                % {"row": first.line, "other": first.reason},
            )
        listed = {c.upper(): r.line for r in group.rows for c in r.children}
        for child in row.children:
            if self._known(child, before=row.line) is None:
                self._unknown(row.line, "children", child)
            elif child.upper() in listed:
                self.error(
                    row.line,
                    "children",
                    _("Tổ chức «%(code)s» đã được chuyển về một phần khác ở dòng %(row)s.")
                    % {"code": child, "row": listed[child.upper()]},
                )

    # operations

    def _target(self, code: str) -> Any:
        existing = self.existing.get(code.upper())
        if existing is not None:
            return existing[0]
        new = self.founded[code.upper()]
        spec: dict[str, Any] = {"code": new.code, "name": new.name, "kind": new.kind}
        return spec

    def _operation(self, key: tuple[str, str], group: _Group) -> dict[str, Any]:
        rows = group.rows
        first = rows[0]
        end = {"end_facts": ["role_assignments"]} if any(r.end_scopes for r in rows) else {}
        note = "; ".join(r.note for r in rows if r.note)
        extra: dict[str, Any] = {**end, **({"note": note} if note else {})}

        def known(code: str) -> str:
            return self._known(code, before=10**9) or code

        if group.kind == K.MERGE:
            into = self._target(first.new)
            if isinstance(into, dict):
                parent = next((r.parent for r in rows if r.parent), "")
                name = next((r.name for r in rows if r.name), "")
                kind = next((r.org_kind for r in rows if r.org_kind), "")
                into.update(name=name, kind=kind)
                if parent:
                    into["parent"] = known(parent)
            return {
                "kind": K.MERGE.value,
                "spec": {"sources": [known(r.old) for r in rows], "into": into, **extra},
            }
        if group.kind == K.SPLIT:
            parts = []
            children: dict[str, str] = {}
            for r in rows:
                part = self._target(r.new)
                if isinstance(part, dict) and r.parent:
                    part["parent"] = known(r.parent)
                parts.append(part)
                code = part["code"] if isinstance(part, dict) else part
                for child in r.children:
                    children[known(child)] = code
            default = parts[0]["code"] if isinstance(parts[0], dict) else parts[0]
            return {
                "kind": K.SPLIT.value,
                "spec": {
                    "source": known(first.old),
                    "parts": parts,
                    "children": children,
                    "default_part": default,
                    "reason": next((r.reason for r in rows if r.reason), ""),
                    **extra,
                },
            }
        if group.kind == K.MOVE:
            return {
                "kind": K.MOVE.value,
                "spec": {"node": known(first.old), "new_parent": known(first.parent), **extra},
            }
        if group.kind == K.RENAME:
            spec: dict[str, Any] = {"organisation": known(first.old)}
            if first.new and first.new.upper() != first.old.upper():
                spec["code"] = first.new
            if first.name:
                spec["name"] = first.name
            return {"kind": K.RENAME.value, "spec": {**spec, **extra}}
        spec = {"organisation": known(first.old)}
        if first.new:
            spec["successor"] = known(first.new)
        return {"kind": K.DISSOLVE.value, "spec": {**spec, **extra}}


def operations_from_sheet(
    sheet: Sheet, *, root: Organisation
) -> tuple[list[dict[str, Any]], list[RowError]]:
    """The plan's operations (``[{"kind", "spec"}]``) and every row error."""
    reader = _Reader(sheet, root=root)
    operations = reader.read()
    if not reader.errors and not operations:
        reader.errors.append(RowError(2, "", _("Tệp không có thao tác nào.")))
    return operations, reader.errors


def import_plan_file(
    plan: ReorganisationPlan, *, path: Path, actor: Actor, filename: str = ""
) -> ReorganisationPlan:
    """Replace a draft's operations by those of the xlsx at ``path``, all or nothing: the file
    (``ImportRefused``) or any row (``PlanRowsRefused``, every error listed) refused changes
    nothing."""
    plan = ReorganisationPlan.objects.select_related("root").get(pk=plan.pk)
    ops.require_reorganise(actor, [plan.root])
    plans.require_draft(plan)
    sheet = read_sheet(path)
    operations, errors = operations_from_sheet(sheet, root=plan.root)
    if errors:
        raise PlanRowsRefused(errors, sheet)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with transaction.atomic():
        plan = plans.store_operations(plan, operations=operations, actor=actor, audit=False)
        record(
            actor=actor,
            action="organisations.reorganisation_plan.imported",
            target=plan,
            organisation=plan.root,
            data={
                "file": filename,
                "sha256": digest,
                "rows": len(sheet.rows),
                "operations": len(operations),
            },
        )
    return plan


def import_upload(plan: ReorganisationPlan, *, upload: Any, actor: Actor) -> ReorganisationPlan:
    """``import_plan_file`` for an uploaded file (kept in a temporary file while it is read)."""
    import tempfile

    if upload is None:
        raise ImportRefused(
            _("Hãy chọn tệp Excel (.xlsx) của phương án."), rule="required", field="file"
        )
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        return import_plan_file(
            plan, path=Path(handle.name), actor=actor, filename=str(upload.name or "")[:255]
        )


def error_workbook(refusal: PlanRowsRefused) -> bytes:
    """The uploaded rows with a «Lỗi» column (as the other imports' error file)."""
    from dangvien.core.importing import write_error_file

    return write_error_file(refusal.sheet, refusal.errors)
