"""Designed answers for the typing pickers (``dangvien.core.pickers``).

Every signed-in user may search; what they find is their own scope (``core/tests/
test_pickers.py`` checks the scope). POST is not allowed (405)."""

from tests.support.matrix import LOGIN, Page, answers

PERMISSIONS = [
    Page(
        "pick",
        get=answers(200, anonymous=LOGIN),
        post=answers(405, anonymous=LOGIN),
        kwargs=lambda w: {"source": "people"},
    ),
]
