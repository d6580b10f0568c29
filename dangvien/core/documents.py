"""Printable Word forms: the pieces every app's forms share (no domain knowledge).

A form is a docxtpl template kept in the owning app's ``documents/`` folder (built by
``scripts/make_form_templates.py``) and a context the app computes. This module adds what every
form carries: the date written out as Vietnamese documents write it ("ngày 20 tháng 02 năm
2024"), dotted blanks for a hand to fill, and the QR code (a PNG made here from the ``qrcode``
matrix, so no imaging library is needed) with the short reference printed under it, so that a
scanned signed copy finds its way back to the record it was printed from.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOTS = "……………"


@dataclass(frozen=True)
class FormSpec:
    """One printed form of an app: its code (``6-KNĐ``), title, the step it belongs to, whose
    header it carries (the candidate or member: none; the cell, the grassroots committee, the
    deciding committee, the union committee) and the kind of number in that header ("NQ",
    "BC", "QĐ"). Each app subclasses it to say where its templates are (``folder``)."""

    code: str
    title: str | Promise
    stage: str
    level: str
    number: str = ""
    folder: ClassVar[Path]

    @property
    def slug(self) -> str:
        return self.code.lower().replace("đ", "d")

    @property
    def template(self) -> Path:
        return self.folder / f"form_{self.slug}.docx"


def long_date(value: dt.date | None) -> str:
    """'ngày 20 tháng 02 năm 2024'; dotted blanks when the date is not known yet."""
    if value is None:
        return gettext("ngày %(d)s tháng %(m)s năm %(y)s") % {"d": "……", "m": "……", "y": "………"}
    return gettext("ngày %(d)s tháng %(m)s năm %(y)s") % {
        "d": f"{value.day:02d}",
        "m": f"{value.month:02d}",
        "y": value.year,
    }


def place_and_date(place: str, value: dt.date | None) -> str:
    """'Hòa Bình, ngày 20 tháng 02 năm 2024' (the line under "ĐẢNG CỘNG SẢN VIỆT NAM")."""
    return "{}, {}".format(place or "…………", long_date(value))


def or_dots(value: object, dots: str = DOTS) -> str:
    """The value as text, or a dotted blank where a hand must write it."""
    if value is None or value == "":
        return dots
    return str(value)


# a party document number: "05-NQ/CB", "12-QĐ/ĐU", "7-BC/ĐU" (the figure, the kind, the issuer)
_DOCUMENT_NUMBER = re.compile(r"(\d+[a-zA-Z]?)\s*-\s*([A-ZĐ]{2,4})\s*/\s*([\wĐđ.\-]+)")
_BARE_NUMBER = re.compile(r"(?:(?:số|NQ|QĐ|BC)\s*)?(\d+[a-zA-Z]?)", re.IGNORECASE)


def document_number(recorded: str | None, suffix: str) -> str:
    """The number of a resolution, report or decision as its form prints it: the recorded
    number when it is one of that kind ("05-NQ/CB"), a bare figure completed with the form's
    ``suffix`` ("05" → "05-NQ/CB"), else a dotted blank and the suffix for the hand
    ("……-NQ/CB"). A recorded value that is not such a number — a form's code ("6-KNĐ"), a
    minutes number ("BB 01/CB"), a number of another kind — is never printed as one."""
    kind = suffix.lstrip("-").split("/")[0]
    text = (recorded or "").strip()
    match = _DOCUMENT_NUMBER.search(text)
    if match is not None and match.group(2) == kind:
        return "{}-{}/{}".format(*match.groups())
    match = _BARE_NUMBER.fullmatch(text)
    if match is not None:
        return f"{match.group(1)}{suffix}"
    return f"……{suffix}"


def number_line(recorded: str | None, suffix: str) -> str:
    """The header's "Số 05-NQ/CB" (or "Số ……-NQ/CB" to write by hand)."""
    return gettext("Số %(number)s") % {"number": document_number(recorded, suffix)}


def _png(matrix: list[list[bool]], scale: int) -> bytes:
    """A black-on-white greyscale PNG of a boolean matrix, each module ``scale`` pixels."""
    rows = []
    for line in matrix:
        pixels = bytes(0 if dark else 255 for dark in line for _ in range(scale))
        rows.extend([b"\x00" + pixels] * scale)
    width = len(matrix[0]) * scale
    height = len(matrix) * scale

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def qr_png(data: str, *, scale: int = 6) -> bytes:
    """The QR code of ``data`` (medium error correction, quiet zone of 2 modules) as PNG."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=2)
    code.add_data(data)
    code.make(fit=True)
    return _png(code.get_matrix(), scale)


def render_form(template: Path, context: Mapping[str, Any], *, qr_data: str | None = None) -> bytes:
    """Fill ``template`` with ``context`` (escaped); ``qr_data`` becomes the ``qr`` image
    (2,2 cm) the templates place next to the reference."""
    from docx.shared import Cm
    from docxtpl import DocxTemplate, InlineImage

    document = DocxTemplate(template)
    values = dict(context)
    if qr_data:
        values["qr"] = InlineImage(document, io.BytesIO(qr_png(qr_data)), width=Cm(2.2))
    else:
        values["qr"] = ""
    document.render(values, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
