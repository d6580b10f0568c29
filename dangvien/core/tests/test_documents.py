"""The shared pieces of the printed forms: Vietnamese long dates, dotted blanks, the QR PNG, and
the committed templates being exactly what ``scripts/make_form_templates.py`` builds."""

from __future__ import annotations

import datetime as dt
import importlib.util
import struct
import sys
import zlib
from pathlib import Path

from dangvien.core.documents import long_date, or_dots, place_and_date, qr_png

ROOT = Path(__file__).resolve().parents[3]


def test_long_dates_and_blanks():
    assert long_date(dt.date(2024, 2, 20)) == "ngày 20 tháng 02 năm 2024"
    assert long_date(None) == "ngày …… tháng …… năm ………"
    assert place_and_date("Hà Nội", dt.date(2026, 1, 5)) == "Hà Nội, ngày 05 tháng 01 năm 2026"
    assert or_dots("") == "……………" and or_dots(0) == "0"


def test_the_qr_code_is_a_valid_png():
    data = qr_png("https://dangvien.example.vn/admissions/12/#step-40", scale=4)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    assert width == height and width % 4 == 0 and width >= 100
    # every chunk's CRC holds (a reader would refuse the picture otherwise)
    position = 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        body = data[position + 4 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert zlib.crc32(body) == crc
        position += 12 + length


def test_the_committed_templates_are_what_the_script_builds(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_form_templates", ROOT / "scripts" / "make_form_templates.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_form_templates"] = module
    spec.loader.exec_module(module)
    module.main(tmp_path)
    built = sorted(tmp_path.glob("*/documents/*.docx"))
    assert len(built) == 16
    for path in built:
        committed = ROOT / "dangvien" / path.relative_to(tmp_path)
        assert committed.read_bytes() == path.read_bytes(), f"run the script again: {committed}"
