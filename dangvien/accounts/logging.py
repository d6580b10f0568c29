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


# Loggers that write request lines or request data through handlers of their own (not only
# through the root handler, which has the filter in settings.LOGGING): Django's development
# server, Django's request errors, and gunicorn's access and error logs, whose handlers gunicorn
# sets up itself. A filter on the *logger* applies whatever handler is attached later.
REDACTED_LOGGERS = ("django.server", "django.request", "gunicorn.access", "gunicorn.error")


def install_redaction(names: tuple[str, ...] = REDACTED_LOGGERS) -> None:
    """Put ``RedactSecretsFilter`` on each named logger (once); called from ``AppConfig.ready``,
    i.e. in every process that serves requests (runserver, each gunicorn worker)."""
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretsFilter) for f in logger.filters):
            logger.addFilter(RedactSecretsFilter())
