"""Settings for dangvien. One file; every value comes from the environment (see .env.example)."""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_raw, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DANGVIEN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# DANGVIEN_PRODUCTION=1 flips every security default to its production value (HTTPS only,
# HSTS, secure cookies, no built-in secret); each stays overridable on its own.
PRODUCTION = env_bool("DANGVIEN_PRODUCTION", False)
# The public demo key: `make run` and the tests use it; production refuses it (below).
DEMO_SECRET_KEY = "dev-only-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"
_secret = env_raw("SECRET_KEY")
if not _secret:
    if not DEBUG and not env_bool("DANGVIEN_ALLOW_DEV_SECRET", not PRODUCTION):
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    _secret = DEMO_SECRET_KEY
if PRODUCTION and (
    _secret == DEMO_SECRET_KEY or _secret.startswith("django-insecure") or len(set(_secret)) < 5
):
    raise ImproperlyConfigured(
        "SECRET_KEY is the public demo key (or a placeholder); production needs its own secret: "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )
if PRODUCTION and len(_secret) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production")
SECRET_KEY = _secret
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "treebeard",
    "django_tables2",
    "django_filters",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    # --- security (issue 7): login with MFA, lockout, CSP ---
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "dangvien.core",
    "dangvien.accounts",
    "dangvien.organisations",
    "dangvien.people",
    "dangvien.audit",
    "dangvien.rules",
    "dangvien.training",
    "dangvien.admissions",
    "dangvien.members",
    "dangvien.targets",
    "dangvien.grading",
    "dangvien.screening",
    "dangvien.badges",
    "dangvien.reports",
    "dangvien.imports",
    "dangvien.api",
    "dangvien.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dangvien.core.middleware.RequestIdMiddleware",
    "dangvien.core.errorpages.RejectNulMiddleware",
    "dangvien.core.replica.ReplicaReadsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # --- security (issue 7) ---
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "dangvien.accounts.middleware.MfaRequiredMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dangvien.accounts.context_processors.navigation",
            ],
            "builtins": ["dangvien.core.templatetags.vn"],
        },
    }
]

# --- Database: embedded SQLite by default, PostgreSQL through DATABASE_URL ---
_database_url = env_str("DATABASE_URL", "")
if _database_url:
    try:
        DATABASES = {"default": environ.Env.db_url_config(_database_url)}
    except Exception as exc:  # django-environ raises plain exceptions on junk
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "dangvien.sqlite3",
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections for the production server (each gunicorn thread keeps its own).
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 0, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})
if env_raw("DANGVIEN_TEST_DB_NAME"):
    DATABASES["default"]["TEST"]["NAME"] = env_str("DANGVIEN_TEST_DB_NAME", "")

# A read replica for the reports (docs/scaling.md): fact reads of the report pages, the report
# API and the report command go there; everything else, and every write, stays on the primary.
_replica_url = env_str("DATABASE_REPLICA_URL", "")
if _replica_url:
    try:
        DATABASES["replica"] = environ.Env.db_url_config(_replica_url)
    except Exception as exc:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL is not a valid database URL: {exc}"
        ) from exc
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# PostgreSQL's JIT compiler starts on queries its planner thinks costly: on the report's
# aggregates it spent 0,5 s compiling a 0,1 s query (docs/performance.md, bench.scale's EXPLAIN).
# Off for our connections unless DB_JIT=1.
if not env_bool("DB_JIT", False):
    for _database in DATABASES.values():
        if "postgresql" in str(_database.get("ENGINE", "")):
            _options = _database.setdefault("OPTIONS", {})
            _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DATABASE_ROUTERS = ["dangvien.core.replica.ReplicaRouter"]
REPLICA_READ_PATHS = ("/reports/", "/api/v1/reports/")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out username+address pairs
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's similarity ratio lets "bithu12345" through for "bithu": refuse the username inside.
    {"NAME": "dangvien.accounts.passwords.UsernameInPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- Language and formats: Vietnamese first ---
CSRF_FAILURE_VIEW = "dangvien.core.errorpages.csrf_failure"
# The placeholder of every select (core.apps.set_empty_choice_label does the same for forms).
FILTERS_EMPTY_CHOICE_LABEL = "— Chọn —"
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["dangvien.core.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "dangvien.core.staticfiles.ManifestStaticFilesStorage"
            if env_bool("DANGVIEN_MANIFEST_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Sessions and security ---
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("SECURE_PROXY_SSL_HEADER", False):  # behind a TLS-terminating reverse proxy
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp 4): no inline or third-party scripts, no framing.
# Inline *styles* stay allowed (Bootstrap components and a few style attributes use them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Login: django-allauth (username + password, then TOTP) ---
AUTHENTICATION_BACKENDS.append("allauth.account.auth_backends.AuthenticationBackend")
ACCOUNT_ADAPTER = "dangvien.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False  # the session always ends with the browser or on idle
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Lockout is django-axes' job (below); allauth's own failed-login throttle is switched off so
# there is one rule and one message. Its other throttles stay.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
MFA_ADAPTER = "dangvien.accounts.mfa.MfaAdapter"
# allauth's TOTP throttle is its "login_failed" rate, switched off above; the code step is
# throttled by accounts.services instead (counted in the database, so every worker process sees
# the same count): MFA_FAILURE_LIMIT wrong codes within MFA_LOCKOUT_MINUTES lock the second
# factor of that account for MFA_LOCKOUT_MINUTES, whatever the address.
MFA_FORMS = {
    "authenticate": "dangvien.accounts.forms.AuthenticateForm",
    "reauthenticate": "dangvien.accounts.forms.ReauthenticateForm",
}
MFA_FAILURE_LIMIT = env_int("MFA_FAILURE_LIMIT", 5, minimum=1)
MFA_LOCKOUT_MINUTES = env_int("MFA_LOCKOUT_MINUTES", 15, minimum=1)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Phát triển đảng viên")
MFA_RECOVERY_CODE_COUNT = 10
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TRUST_ENABLED = False
# Roles whose users must use a second factor (everyone above the cell secretary by default;
# superusers always). A user holding any of these roles anywhere is asked for TOTP.
MFA_REQUIRED_ROLES = env_list(
    "MFA_REQUIRED_ROLES",
    [
        "system_admin",
        "org_board",
        "grassroots_office",
        "training_centre",
        "area_committee",
        "viewer",
    ],
)

# --- Lockout: django-axes, per username *and* address ---
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 60, minimum=0) / 60 or None  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "dangvien.accounts.views.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_USERNAME_CALLABLE = "dangvien.accounts.adapters.axes_username"
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "code"]
# The client address lockouts, throttles and audit rows use (dangvien.core.client_ip). 0: the
# TCP peer (REMOTE_ADDR), forwarding headers ignored. Behind N reverse proxies that append to
# X-Forwarded-For: N, so the address the outermost proxy saw is used and one locked-out user
# does not lock the username for everybody behind the proxy.
CLIENT_IP_PROXY_COUNT = env_int("CLIENT_IP_PROXY_COUNT", 0, minimum=0)
CLIENT_IP_HEADER = "HTTP_" + env_str("CLIENT_IP_HEADER", "X-Forwarded-For").strip().upper().replace(
    "-", "_"
)
CLIENT_IP_TRUSTED_PROXIES = env_list("CLIENT_IP_TRUSTED_PROXIES", [])
AXES_CLIENT_IP_CALLABLE = "dangvien.core.client_ip.client_ip"
# allauth's per-address limits (30 logins a minute) read the same proxy count: behind the TLS
# proxy every request comes from 127.0.0.1, which would count a whole province as one address.
ALLAUTH_TRUSTED_PROXY_COUNT = CLIENT_IP_PROXY_COUNT
AXES_VERBOSE = False

# --- Cache: rate limits and used TOTP codes live here, so every server process must share it.
# The default (per-process memory) is right for `make run` and the tests; the production server
# runs several processes, so it gets a file cache on the same disk unless CACHE_DIR says otherwise.
_cache_dir = env_str("CACHE_DIR", str(VAR_DIR / "cache") if PRODUCTION else "")
if _cache_dir:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": _cache_dir,
        }
    }

# --- Background tasks: database-backed worker, immediate in tests ---
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_FILE_BYTES = env_int("IMPORT_MAX_FILE_MB", 20, minimum=1) * 1024 * 1024
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000, minimum=1)
# Zip-bomb limits, checked from the zip directory and a streamed read before any parsing.
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_MB", 256, minimum=1) * 1024 * 1024
IMPORT_MAX_ZIP_RATIO = env_int("IMPORT_MAX_ZIP_RATIO", 100, minimum=2)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 32_767, minimum=1)
# Address space an import task may add to its worker process (RLIMIT_AS); 0 switches it off.
IMPORT_WORKER_MEMORY_MB = env_int("IMPORT_WORKER_MEMORY_MB", 1024, minimum=0)

AUDITLOG_INCLUDE_ALL_MODELS = False

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact": {"()": "dangvien.accounts.logging.RedactSecretsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
