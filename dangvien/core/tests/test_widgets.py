import re

from django import forms

from dangvien.core.widgets import PlainSelect

CHOICES = [("", "— Chọn —"), ("1", 'Chi bộ <Bản> "Co" & Kham'), ("2", "Đảng bộ xã Pú Nhi")]


def _parts(html: str) -> tuple[str, list[tuple[str, bool, str]]]:
    """The select's attributes (sorted) and its options (value, selected, label)."""
    head = re.match(r"<select([^>]*)>", html)
    assert head is not None
    attrs = " ".join(sorted(re.findall(r'[\w-]+="[^"]*"', head.group(1))))
    options = [
        (value, bool(selected), label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html
        )
    ]
    return attrs, options


def test_plain_select_renders_what_django_select_renders():
    for value in ("", "1", "2", "9"):
        django = forms.Select(choices=CHOICES).render("org", value, {"class": "form-select"})
        plain = PlainSelect(choices=CHOICES).render("org", value, {"class": "form-select"})
        assert _parts(plain) == _parts(django)
        assert len(_parts(plain)[1]) == 3
    html = PlainSelect(choices=CHOICES).render("org", "1", {"class": "form-select"})
    assert "&lt;Bản&gt; &quot;Co&quot; &amp; Kham" in html  # labels are escaped
    assert '<option value="1" selected>' in html
