"""Django settings for ZhenGai.

Everything that differs between a laptop demo and a college's production server comes from the
environment, parsed strictly (an unknown boolean is an error, not a silent False). Secrets may be
given as ``NAME_FILE`` pointing at a file, as container and systemd deployments prefer.
Thresholds, cadences and grading rules are policy: they live in database rows, not here.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """Read ``name`` or, if ``name_FILE`` is set, the contents of that file."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envbool(name: str, default: str) -> bool:
    value = env(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: str) -> int:
    value = env(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    """A comma-separated list; blanks around items are dropped, empty items are an error."""
    value = env(name, default).strip()
    if not value:
        return []
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name} must be a comma-separated list without empty items, not {value!r}")
    return items


def envnetworks(name: str, default: str = "") -> list:
    """A comma-separated list of addresses or networks in CIDR form (``10.0.0.0/8,::1``)."""
    import ipaddress

    networks = []
    for item in envlist(name, default):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(f"{name} must list IP addresses or CIDR networks, not {item!r}") from None
    return networks


DATA_DIR = Path(env("ZHENGAI_DATA_DIR", str(BASE_DIR / "data")))

DEBUG = envbool("DEBUG", "false")
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and envbool("ZHENGAI_REQUIRE_SECRET_KEY", "false"):
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    # A per-checkout key for the embedded default, so a demo never runs on a key from the repository.
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        SECRET_KEY = key_file.read_text().strip()
    else:
        from django.utils.crypto import get_random_string

        SECRET_KEY = get_random_string(50)
        try:
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            key_file.write_text(SECRET_KEY)
        except OSError:
            pass

ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
SITE_ROOT = env("SITE_ROOT", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_cas_ng",
    "auditlog",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN
    "zhengai.core",
    "zhengai.org",
    "zhengai.datacenter",
    "zhengai.intake",
    "zhengai.xapi",
    "zhengai.indicators",
    "zhengai.chains",
    "zhengai.monitoring",
    "zhengai.notifications",
    "zhengai.portraits",
    "zhengai.statedata",
    "zhengai.cycles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "zhengai.core.middleware.QueryStringGuard",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session timeouts, and the steps a sign-in still owes (a password change).
    "zhengai.core.signin.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "zhengai.core.middleware.ExportAudit",
    # Last, as django-axes requires: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Bench instrument (bench/pages.py): a Server-Timing header with each response's time in Django and
# in SQL. Off by default and in production: it tells anyone how long the database took.
ZHENGAI_BENCH_QUERY_TIMING = envbool("ZHENGAI_BENCH_QUERY_TIMING", "false")
if ZHENGAI_BENCH_QUERY_TIMING:
    MIDDLEWARE.insert(0, "zhengai.core.middleware.QueryTiming")

ROOT_URLCONF = "zhengai.urls"
WSGI_APPLICATION = "zhengai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhengai" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhengai.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'zhengai.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "0"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a monitoring run or an import writes; IMMEDIATE avoids
    # "database is locked" when two writers start transactions at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": env("ZHENGAI_TEST_SQLITE", "") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "zhengai.org.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    # A CAS ticket, checked with the CAS server (only when ZHENGAI_CAS_SERVER_URL is set).
    "zhengai.datacenter.sso.CASBackend",
]
# Brute-force protection (django-axes): five wrong passwords for one username from one address
# lock that pair out for 15 minutes; every attempt is also in the audit trail (core.AuditEvent).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zhengai.core.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are audited in core.AuditEvent
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, or the last X-Forwarded-For hop not in ZHENGAI_TRUSTED_PROXIES
# when the peer is one of them (a reverse proxy); never a header from an untrusted peer.
ZHENGAI_TRUSTED_PROXIES = envnetworks("ZHENGAI_TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "zhengai.core.audit.client_ip"
# Across accounts: this many failed sign-ins from one client address within AXES_COOLOFF_TIME lock
# that address out (0: no such limit), so guesses spread over many usernames are bounded too.
ZHENGAI_SIGNIN_CLIENT_LIMIT = envint("ZHENGAI_SIGNIN_CLIENT_LIMIT", "30")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": envint("ZHENGAI_PASSWORD_MIN_LENGTH", "8")}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zhengai.org.passwords.CommonPatternValidator"},
]
# A password older than this many days must be changed at the next sign-in (0: never expires). A
# password that no longer meets the rules above must be changed at sign-in too, except on the demo
# college's database (core.FixedDate), whose public demo accounts keep demo1234.
ZHENGAI_PASSWORD_MAX_AGE_DAYS = envint("ZHENGAI_PASSWORD_MAX_AGE_DAYS", "0")
# Sessions end after this many idle minutes, and this many hours after sign-in whatever happens
# (0: no such limit). With ZHENGAI_ONE_SESSION_PER_ACCOUNT a sign-in ends the account's other sessions.
ZHENGAI_SESSION_IDLE_MINUTES = envint("ZHENGAI_SESSION_IDLE_MINUTES", "30")
ZHENGAI_SESSION_MAX_HOURS = envint("ZHENGAI_SESSION_MAX_HOURS", "12")
# Two-factor sign-in (TOTP, zhengai.core.twofactor): required of superusers, system administrators
# and the quality office; false only for a laptop demo.
ZHENGAI_TOTP_REQUIRED = envbool("ZHENGAI_TOTP_REQUIRED", "true")
OTP_TOTP_ISSUER = env("ZHENGAI_TOTP_ISSUER", "") or env("ZHENGAI_SCHOOL_NAME", "示范职业技术学院") + " 诊改平台"
# Single sign-on (统一身份认证, zhengai.datacenter.sso): CAS 2.0/3.0 when ZHENGAI_CAS_SERVER_URL is
# set, OpenID Connect when ZHENGAI_OIDC_CLIENT_ID is. The 学号/工号 is the first value found in the
# listed attributes (CAS) or claims (OIDC), in order; nobody without a record gets an account.
CAS_SERVER_URL = env("ZHENGAI_CAS_SERVER_URL", "")
CAS_VERSION = env("ZHENGAI_CAS_VERSION", "3").strip()
if CAS_VERSION not in ("2", "3"):
    raise ImproperlyConfigured(f"ZHENGAI_CAS_VERSION must be 2 or 3, not {CAS_VERSION!r}")
CAS_CREATE_USER = False
CAS_LOGIN_MSG = None
CAS_LOGGED_MSG = None
CAS_REDIRECT_URL = "/"
CAS_CHECK_NEXT = True
CAS_ROOT_PROXIED_AS = env("ZHENGAI_CAS_SERVICE_ROOT", "") or None  # e.g. https://zhengai.example.edu.cn
ZHENGAI_SSO_VERIFY_TLS = envbool("ZHENGAI_SSO_VERIFY_TLS", "true")
CAS_VERIFY_SSL_CERTIFICATE = ZHENGAI_SSO_VERIFY_TLS
ZHENGAI_CAS_ID_ATTRIBUTES = envlist("ZHENGAI_CAS_ID_ATTRIBUTES",
                                    "eduPersonStudentID,eduPersonStaffID,uid,cardnum,cn,user")
OIDC_RP_CLIENT_ID = env("ZHENGAI_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env("ZHENGAI_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("ZHENGAI_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env("ZHENGAI_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env("ZHENGAI_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env("ZHENGAI_OIDC_JWKS_ENDPOINT", "")
ZHENGAI_OIDC_LOGOUT_URL = env("ZHENGAI_OIDC_LOGOUT_URL", "")  # the provider's end_session_endpoint
OIDC_RP_SIGN_ALGO = env("ZHENGAI_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env("ZHENGAI_OIDC_SCOPES", "openid profile")
ZHENGAI_OIDC_ID_CLAIMS = envlist("ZHENGAI_OIDC_ID_CLAIMS", "student_id,employee_number,preferred_username")
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # for the provider's sign-out (id_token_hint)
OIDC_CREATE_USER = False
OIDC_VERIFY_SSL = ZHENGAI_SSO_VERIFY_TLS
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "login"
if OIDC_RP_CLIENT_ID:
    _missing = [name for name in ("ZHENGAI_OIDC_CLIENT_SECRET", "ZHENGAI_OIDC_AUTHORIZATION_ENDPOINT",
                                  "ZHENGAI_OIDC_TOKEN_ENDPOINT", "ZHENGAI_OIDC_USERINFO_ENDPOINT",
                                  "ZHENGAI_OIDC_JWKS_ENDPOINT") if not env(name)]
    if _missing:
        raise ImproperlyConfigured(f"ZHENGAI_OIDC_CLIENT_ID is set, so these must be too: {', '.join(_missing)}")
    AUTHENTICATION_BACKENDS.append("zhengai.datacenter.sso.OIDCBackend")
ZHENGAI_SSO_HELP = env("ZHENGAI_SSO_HELP", "")  # who to ask, on the no-account page
ZHENGAI_ONE_SESSION_PER_ACCOUNT = envbool("ZHENGAI_ONE_SESSION_PER_ACCOUNT", "false")
SESSION_COOKIE_AGE = ZHENGAI_SESSION_MAX_HOURS * 3600 if ZHENGAI_SESSION_MAX_HOURS > 0 else 1209600

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "zhengai" / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# Number formats of our own where Django's differ from what people expect (zhengai/formats).
FORMAT_MODULE_PATH = ["zhengai.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "zhengai" / "static"]
# Front-end assets come from npm (package.json) at set-up time; never from a CDN at run time.
# Only the distribution folders are served, not the whole of node_modules.
NODE_MODULES_DIR = BASE_DIR / "node_modules"
for _package in ("echarts", "htmx.org"):
    if (NODE_MODULES_DIR / _package / "dist").exists():
        STATICFILES_DIRS.append((f"vendor/{_package}/dist", NODE_MODULES_DIR / _package / "dist"))
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"

# Imports carry large files and xAPI batches: the limits are raised deliberately, and what is over
# them is refused with a message (see intake).
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", str(20 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = envint("FILE_UPLOAD_MAX_MEMORY_SIZE", str(5 * 1024 * 1024))
ZHENGAI_IMPORT_MAX_BYTES = envint("ZHENGAI_IMPORT_MAX_BYTES", str(200 * 1024 * 1024))
# An .xlsx is refused before it is loaded when its parts would unpack beyond this many bytes or its
# sheets hold more cells than this (zhengai.core.workbook.check_upload; a "zip bomb" of 1 M rows x 10
# cells is under 1 MB as a file); CSV is streamed and refused beyond ZHENGAI_IMPORT_MAX_ROWS rows.
ZHENGAI_IMPORT_MAX_XLSX_BYTES = envint("ZHENGAI_IMPORT_MAX_XLSX_BYTES", str(300 * 1024 * 1024))
ZHENGAI_IMPORT_MAX_CELLS = envint("ZHENGAI_IMPORT_MAX_CELLS", "2000000")
ZHENGAI_IMPORT_MAX_ROWS = envint("ZHENGAI_IMPORT_MAX_ROWS", "5000000")
# Self-diagnosis evidence files (自诊材料): each up to this size; the accepted types are in
# zhengai.cycles.selfdiag.DEFAULT_EXTENSIONS (ZHENGAI_EVIDENCE_EXTENSIONS overrides them in settings).
ZHENGAI_EVIDENCE_MAX_BYTES = envint("ZHENGAI_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024))
# Rejected rows kept per batch (the count goes on beyond it), and the age after which a batch still
# marked running on another host is taken for dead.
ZHENGAI_IMPORT_MAX_REJECTS = envint("ZHENGAI_IMPORT_MAX_REJECTS", "10000")
ZHENGAI_IMPORT_STALE_HOURS = envint("ZHENGAI_IMPORT_STALE_HOURS", "12")
# PostgreSQL: check foreign keys of bulk writes with one lock per referenced table instead of a
# trigger per row, where the database role allows it (see zhengai.intake.staging).
ZHENGAI_IMPORT_SET_BASED_FK_CHECKS = envbool("ZHENGAI_IMPORT_SET_BASED_FK_CHECKS", "true")
# PostgreSQL work_mem of an import's transaction (hash joins and groupings over the staged rows).
ZHENGAI_IMPORT_WORK_MEM = env("ZHENGAI_IMPORT_WORK_MEM", "128MB")
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000
# The xAPI LRS (zhengai.xapi.protocol): a request body of at most this many bytes, a POST of at most
# this many statements (both answered 413 over it), and documents (state, profiles) of at most this
# many bytes each.
ZHENGAI_XAPI_MAX_BODY_BYTES = envint("ZHENGAI_XAPI_MAX_BODY_BYTES", str(20 * 1024 * 1024))
ZHENGAI_XAPI_MAX_STATEMENTS = envint("ZHENGAI_XAPI_MAX_STATEMENTS", "10000")
ZHENGAI_XAPI_MAX_DOCUMENT_BYTES = envint("ZHENGAI_XAPI_MAX_DOCUMENT_BYTES", str(1024 * 1024))

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "zhengai@localhost")

# Django's cache holds the indicator values of whole levels that pages read (zhengai.indicators.cache),
# shared by every worker: Redis in production (ZHENGAI_CACHE_URL=redis://127.0.0.1:6379/1), a file
# cache under the data directory in the embedded deployment (its workers share the directory).
ZHENGAI_CACHE_URL = env("ZHENGAI_CACHE_URL", "")
if ZHENGAI_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": ZHENGAI_CACHE_URL,
                          "KEY_PREFIX": env("ZHENGAI_CACHE_PREFIX", "zhengai")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(DATA_DIR / "cache"), "OPTIONS": {"MAX_ENTRIES": 2000}}}
# How long a level's indicator values are kept at most (seconds; 0 keeps none). They are computed
# again as soon as an import, an undo or an edit changes the data under them, whatever this says.
ZHENGAI_INDICATOR_CACHE_SECONDS = envint("ZHENGAI_INDICATOR_CACHE_SECONDS", "3600")
# The cockpit's quality-culture figures (read from the platform's own actions, so not keyed by
# imports) are shown this many seconds old at most (0: computed on every view).
ZHENGAI_CULTURE_CACHE_SECONDS = envint("ZHENGAI_CULTURE_CACHE_SECONDS", "300")

# Celery runs the monitoring schedules in production; the embedded default runs them in-process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TIMEZONE = TIME_ZONE
# The ONE schedule of the periodic jobs (Celery beat in production; `zhengai scheduler` runs the same
# jobs in-process). Every job is idempotent and bounded (see zhengai/core/scheduling.py).
CELERY_BEAT_SCHEDULE = {
    "monitoring-due": {"task": "zhengai.monitoring.run_due", "schedule": float(envint("MONITORING_DUE_EVERY", "600"))},
    "notifications-digests": {"task": "zhengai.notifications.send_digests", "schedule": 60.0},
    "notifications-retry": {"task": "zhengai.notifications.deliver_due", "schedule": 60.0},
    "intake-run-due-pulls": {"task": "zhengai.intake.tasks.run_due_pulls", "schedule": 300.0},
    "cycles-overdue-actions": {"task": "zhengai.cycles.warn_overdue_actions", "schedule": 3600.0},
    "cycles-bulk-jobs": {"task": "zhengai.cycles.run_bulk_jobs", "schedule": 5.0},
    "core-prune-audit": {"task": "zhengai.core.prune_audit", "schedule": 86400.0},
    "xapi-collect-attachments": {"task": "zhengai.xapi.collect_attachments", "schedule": 86400.0},
}
# The audit trail (sign-ins, changes, exports) is kept this many days (184 at least), then pruned daily.
ZHENGAI_AUDIT_RETENTION_DAYS = envint("ZHENGAI_AUDIT_RETENTION_DAYS", "184")
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-run leaves the task to another (runs are idempotent)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Monitoring: at most this many runs per scheduler tick; a run still "running" after this many seconds
# on SQLite is taken for dead (PostgreSQL knows from its advisory lock).
MONITORING_MAX_RUNS_PER_TICK = envint("MONITORING_MAX_RUNS_PER_TICK", "200")
MONITORING_RUN_TIMEOUT = envint("MONITORING_RUN_TIMEOUT", str(2 * 3600))
# Notifications: webhook timeout (s), attempts before a delivery is given up, first retry delay (s, doubling).
NOTIFY_TIMEOUT = envint("NOTIFY_TIMEOUT", "5")
NOTIFY_MAX_ATTEMPTS = envint("NOTIFY_MAX_ATTEMPTS", "4")
NOTIFY_BACKOFF_SECONDS = envint("NOTIFY_BACKOFF_SECONDS", "60")

# The business date (zhengai.core.clock): the real date, unless this database holds the demo college
# (seed_demo records its date, 2026-11-20) or ZHENGAI_TODAY=YYYY-MM-DD asks for a fixed one (the
# test suite does). The database row is re-read at most every ZHENGAI_CLOCK_CACHE_SECONDS.
ZHENGAI_TODAY = env("ZHENGAI_TODAY", "")
ZHENGAI_CLOCK_CACHE_SECONDS = envint("ZHENGAI_CLOCK_CACHE_SECONDS", "60")

# Transport and browser security, each settable from the environment (README, "Security"): behind
# a TLS-terminating proxy set USE_X_FORWARDED_PROTO=true; SECURE_SSL_REDIRECT=true sends plain HTTP
# to HTTPS; SECURE_HSTS_SECONDS (e.g. 31536000) turns on HSTS; cookies are Secure with
# SESSION_COOKIE_SECURE / CSRF_COOKIE_SECURE (the latter follows the former unless set).
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("USE_X_FORWARDED_PROTO", "false") else None
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's check may come over plain HTTP
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "false")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false")
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "false")
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", "true" if SESSION_COOKIE_SECURE else "false")

# Content-Security-Policy (django-csp): scripts only from this site or carrying the response's nonce
# (templates write <script nonce="{{ request.csp_nonce }}">; no inline event handlers — a test scans
# every template); no plug-ins, no framing, forms post only here. Styles allow inline style
# attributes (the charts set them). ZHENGAI_CSP_REPORT_ONLY=true reports instead of enforcing.
from csp.constants import NONCE  # noqa: E402

_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if envbool("ZHENGAI_CSP_REPORT_ONLY", "false"):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

ZHENGAI_SCHOOL_NAME = env("ZHENGAI_SCHOOL_NAME", "示范职业技术学院")
# State data (zhengai.statedata.export): the school code (学校代码, the 10-digit 学校标识码) every
# record for the 职业院校数字基座 carries, and the field mapping file (JSON) its CSV/JSON use.
ZHENGAI_SCHOOL_CODE = env("ZHENGAI_SCHOOL_CODE", "")
ZHENGAI_STATEDATA_MAPPING = env("ZHENGAI_STATEDATA_MAPPING", "")
