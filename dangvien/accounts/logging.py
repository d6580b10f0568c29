"""A logging filter that keeps secrets out of log files, whatever a library decides to log.

Citizen IDs (12 digits), phone numbers (9–11 digits starting with 0 or +84) and anything that
looks like ``password=…`` / ``"password": "…"`` are replaced before a record is written.
"""

from __future__ import annotations

import logging
import re

_PATTERNS = (
    (re.compile(r"(?<!\d)\d{12}(?!\d)"), "[cccd]"),
    (re.compile(r"(?<![\d+])(?:\+84|0)\d{8,10}(?!\d)"), "[phone]"),
    (
        re.compile(
            r"""(?i)(["']?(?:password\d?|passwd|secret|token|otp|code)["']?\s*[=:]\s*)"""
            r"""(["']?)[^\s"'&,}]+"""
        ),
        r"\1\2[redacted]",
    ),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the formatter to complain
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True
