"""The Vietnamese interface: every user-facing string goes through gettext, and the Vietnamese
catalogue has no untranslated or fuzzy entry and is compiled.

Our own strings are written in Vietnamese (the msgid is the Vietnamese text); the catalogue
``locale/vi/LC_MESSAGES/django.po`` translates the English strings of the libraries that reach
users (allauth's forms and messages, Django's validation errors).
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
PO = BASE / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# Calls whose first text argument is shown to a user, and keywords that label a field.
MESSAGE_CALLS = {"DomainError", "ValidationError"}  # PermissionDenied carries an action code
MESSAGE_FUNCTIONS = {"success", "error", "warning", "info"}  # django.contrib.messages.*
LABEL_KEYWORDS = {"label", "help_text", "verbose_name"}
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext"}


def _entries() -> list[dict[str, object]]:
    """(flags, msgid, msgid_plural, msgstr) of every entry of the .po file (a small parser; a
    plural entry's one form — Vietnamese has one — is its msgstr)."""
    entries: list[dict[str, object]] = []
    current: dict[str, object] = {"flags": "", "msgid": "", "msgid_plural": "", "msgstr": ""}
    field = ""

    def unquote(text: str) -> str:
        return ast.literal_eval(text)

    for line in PO.read_text(encoding="utf-8").splitlines():
        if line.startswith("#,"):
            current["flags"] = str(current["flags"]) + line[2:]
        elif line.startswith("msgid "):
            if field:
                entries.append(current)
                current = {"flags": "", "msgid": "", "msgid_plural": "", "msgstr": ""}
            field = "msgid"
            current["msgid"] = unquote(line[6:])
        elif line.startswith("msgid_plural "):
            field = "msgid_plural"
            current["msgid_plural"] = unquote(line[13:])
        elif line.startswith(("msgstr ", "msgstr[0] ")):
            field = "msgstr"
            current["msgstr"] = unquote(line.split(" ", 1)[1])
        elif line.startswith('"') and field:
            current[field] = str(current[field]) + unquote(line)
        elif line.startswith("#,") or not line.strip():
            continue
    if field:
        entries.append(current)
    return [entry for entry in entries if entry["msgid"]]  # the header has an empty msgid


def test_catalogue_has_no_untranslated_or_fuzzy_entry() -> None:
    entries = _entries()
    assert entries
    assert [e["msgid"] for e in entries if not e["msgstr"]] == []
    assert [e["msgid"] for e in entries if "fuzzy" in str(e["flags"])] == []


def test_compiled_catalogue_matches_the_po_file() -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in _entries():
        if entry["msgid_plural"]:
            found = compiled.ngettext(str(entry["msgid"]), str(entry["msgid_plural"]), 1)
        else:
            found = compiled.gettext(str(entry["msgid"]))
        assert found == entry["msgstr"], entry["msgid"]


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_text(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(re.search(r"[^\W\d_]", node.value))
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):  # "..." % value, "..." + value
        return _is_text(node.left)
    return False


def untranslated_strings() -> list[str]:
    """User-facing literals in production code that do not go through gettext, and gettext
    calls on an f-string (which the catalogue can never hold)."""
    found: list[str] = []
    for path in sorted((BASE / "dangvien").rglob("*.py")):
        parts = path.relative_to(BASE).parts
        if "tests" in parts or "migrations" in parts or parts[1] == "demo":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            shown: list[ast.AST] = []
            if name in MESSAGE_CALLS and node.args:
                shown.append(node.args[0])
            elif (
                name in MESSAGE_FUNCTIONS
                and isinstance(node.func, ast.Attribute)
                and _name(node.func.value) == "messages"
                and len(node.args) >= 2
            ) or (name == "add_error" and len(node.args) >= 2):
                shown.append(node.args[1])
            shown += [kw.value for kw in node.keywords if kw.arg in LABEL_KEYWORDS]
            where = f"{path.relative_to(BASE)}:{node.lineno}"
            found += [f"{where} {name}(…)" for value in shown if _is_text(value)]
            if name in GETTEXT and node.args and isinstance(node.args[0], ast.JoinedStr):
                found.append(f"{where} {name}(f-string)")
    return found


def test_every_user_facing_string_goes_through_gettext() -> None:
    assert untranslated_strings() == []


def test_django_messages_read_as_reviewed() -> None:
    """Django's own messages come from our catalogue: "ký tự" (not "kí tự"), no space before the
    final stop, a whole number called a whole number."""
    from django import forms
    from django.utils import translation

    with translation.override("vi"):
        field = forms.IntegerField(min_value=0, max_value=10)
        errors = []
        for value in ("abc", "-1", "99999999999999999999999"):
            try:
                field.clean(value)
            except forms.ValidationError as exc:
                errors += exc.messages
        try:
            forms.CharField(max_length=3).clean("abcd")
        except forms.ValidationError as exc:
            errors += exc.messages
    assert errors == [
        "Hãy nhập một số nguyên.",
        "Giá trị phải lớn hơn hoặc bằng 0.",
        "Giá trị phải nhỏ hơn hoặc bằng 10.",
        "Chỉ được có tối đa 3 ký tự (đã nhập 4).",
    ]
    for entry in _entries():
        text = str(entry["msgstr"])
        assert "kí tự" not in text and not re.search(r"\s[.,]$", text), entry["msgid"]
