"""gunicorn settings for the production server (`make serve`, docs/deployment.md).

Sized for the reference machine of 2 cores: 3 processes (cores + 1) of 4 threads each, so 12
requests are served at once while others wait for the database. Every value can be overridden
from the environment (GUNICORN_*), and any gunicorn flag on the command line wins over this file.
The access log goes through the same redaction filter as the application's logs, so a citizen ID
typed into a search box (`GET /people/?q=0011…`) never reaches the log file.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.glogging import Logger

from dangvien.accounts.logging import RedactSecretsFilter

_cores = os.cpu_count() or 2


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# Only the TLS proxy on the same machine talks to gunicorn (see docs/deployment.md).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
wsgi_app = "config.wsgi:application"
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", _cores + 1)
threads = _int("GUNICORN_THREADS", 4)
# A request that runs longer than this is killed and logged (reports and exports take well under
# 10 s on the demo data; Excel imports run in the background worker, not here).
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle a process now and then so a slow leak cannot grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Refuse oversized request lines and headers early (Django limits bodies: 5 MB, imports 20 MB).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# X-Forwarded-Proto is trusted from the local proxy only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips
# gunicorn 27's control socket (gunicornc) is not used; one per user would clash between instances.
control_socket_disable = True
preload_app = False  # each process loads the app itself: a bad deploy fails per process, loudly

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Remote address as the proxy saw it, request line, status, bytes, duration in ms.
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(M)sms'


class RedactingLogger(Logger):
    """gunicorn's logger with dangvien's redaction filter on the access and error logs."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        redact = RedactSecretsFilter()
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactSecretsFilter) for f in log.filters):
                log.addFilter(redact)


logger_class = RedactingLogger
