"""Designed answers for the core pages (see dangvien/accounts/matrix.py)."""

from dangvien.accounts.matrix import LOGIN, Page, answers

PERMISSIONS = [
    Page("core:home", get=answers(200, anonymous=LOGIN)),
]
