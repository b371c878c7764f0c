"""Django settings for Living Well, read from the environment (see .env.example).

LIVINGWELL_ENV chooses the profile: "development" (the default, used by `make run`), "test" or
"production". Production refuses to start without a secret key, a database URL and allowed hosts,
and demo mode fails its deploy check.
"""

from __future__ import annotations

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from livingwell.env import ConfigError, env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("LIVINGWELL_VAR_DIR", str(PROJECT_DIR / "var")))

# pytest (8.2+) sets PYTEST_VERSION for the whole session: the suite always runs the test profile.
ENVIRONMENT = env_str("LIVINGWELL_ENV", "test" if "PYTEST_VERSION" in os.environ else "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ConfigError(f"LIVINGWELL_ENV={ENVIRONMENT!r}: use development, test or production")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("LIVINGWELL_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ConfigError("LIVINGWELL_DEBUG must be off in production")

if PRODUCTION:
    SECRET_KEY = env_str("LIVINGWELL_SECRET_KEY")
else:
    SECRET_KEY = env_str("LIVINGWELL_SECRET_KEY", "insecure-development-key-" + "x" * 40)

# Demo mode shows the current MFA code for seeded demo personas on the MFA step, so that
# someone trying the demo can sign in. A deploy check refuses it (livingwell.core.checks).
DEMO_MODE = env_bool("LIVINGWELL_DEMO_MODE", default=False)

ALLOWED_HOSTS = env_list(
    "LIVINGWELL_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("LIVINGWELL_CSRF_TRUSTED_ORIGINS", [])
# Served behind one trusted TLS proxy that sets X-Forwarded-Proto and appends the client's address
# to X-Forwarded-For: the client's address is then read from there (core/client_address.py).
LIVINGWELL_BEHIND_PROXY = env_bool("LIVINGWELL_BEHIND_PROXY")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",  # background work (TASKS below)
    "django_tasks_db",  # its database backend: the queue is a table, no extra server
    "health_check",  # /health/ (livingwell.operations.health)
    "django_prometheus",  # request metrics for /metrics (livingwell.operations.metrics)
    "livingwell.core",
    "livingwell.accounts",
    "livingwell.access",
    "livingwell.people",
    "livingwell.intake",
    "livingwell.hub",
    "livingwell.outcomes",
    "livingwell.directory",
    "livingwell.insight",
    "livingwell.improvement",
    "livingwell.backups",
    "livingwell.coproduction",
    "livingwell.notifications",
    "livingwell.operations",
    "livingwell.stories",
    "livingwell.portal",
    "livingwell.simulation",
    "oauth2_provider",  # django-oauth-toolkit: the FHIR API's OAuth 2.0 client credentials
    "livingwell.fhir",
    "livingwell.seed",  # the demo site's generator: above every other app
]

MIDDLEWARE = [
    # Before all else: every log line of the request carries its id.
    "livingwell.core.logs.RequestIdMiddleware",
    # First and last: the latency measured covers all the rest (django-prometheus).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "livingwell.accounts.middleware.SessionSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "livingwell.core.middleware.PrivacyHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "livingwell.urls"
WSGI_APPLICATION = "livingwell.wsgi.application"

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
                "livingwell.core.context_processors.site",
                "livingwell.access.context_processors.staff_nav",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'livingwell.sqlite3'}")
if PRODUCTION and DATABASE_URL.startswith("sqlite"):
    # A site may choose SQLite for a small pilot, but it must say so explicitly.
    if not env_bool("LIVINGWELL_ALLOW_SQLITE_IN_PRODUCTION", default=False):
        raise ConfigError("Production needs DATABASE_URL=postgres://... (PostgreSQL 15)")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not Django's shared in-memory database: browser tests serve pages from live-server
    # threads, and a file gives every thread its own connection, as in production.
    # One file per test process, so that parallel runs never share a database.
    _test_db = VAR_DIR / f"test-livingwell-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(_test_db)}
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue instead of failing with "database is locked" mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No just-in-time compilation: the site's statements are short reads along indexes, and
    # PostgreSQL compiles any statement it merely estimates to be costly (jit_above_cost) on
    # every run, taking longer to compile it than to run it. A server setting, as PostgreSQL's
    # documentation suggests for such workloads; nothing about the statements changes.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------
# The rate limits (the front door's, the directory API's) count in the default cache, so it must
# be one that every worker shares: a per-process cache gives each worker its own small count and
# forgets it on restart. The database cache needs nothing more to run; its table is made by a
# migration (core 0004). A site may configure another shared cache (e.g. Redis); a deploy check
# refuses a per-process one. Never used for pages or page parts.
CACHES = {
    "default": {
        "BACKEND": env_str(
            "LIVINGWELL_CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"
        ),
        "LOCATION": env_str("LIVINGWELL_CACHE_LOCATION", "livingwell_cache"),
        # Room for a count per client: a cache holding more keys than this (Django's default is
        # 300) deletes a third of them, and every client whose count went starts again.
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
}

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "hub:board"
LOGOUT_REDIRECT_URL = "core:home"

AXES_FAILURE_LIMIT = env_int("LIVINGWELL_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LIVINGWELL_LOCKOUT_MINUTES", 15, minimum=1))
# Lock the account being attacked. Not by IP address: a whole NHS site often shares one NAT
# address, and one person's typos must not lock out a ward. Per-IP rate limits belong at the proxy.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# A correct password is only half a sign-in: failures are cleared after MFA succeeds
# (livingwell.accounts.views), so wrong MFA codes keep counting towards the same lockout.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Ends a half-finished sign-in and renders accounts/locked_out.html.
AXES_LOCKOUT_CALLABLE = "livingwell.accounts.views.locked_out"
# Never store typed codes alongside failed attempts.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "recovery_code"]
# The address recorded with each attempt: the client's, behind the proxy too.
AXES_CLIENT_IP_CALLABLE = "livingwell.core.client_address.client_address"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = env_str("LIVINGWELL_SITE_NAME", "Living Well")

# --- Sessions and cookies -----------------------------------------------------------------------
IDLE_TIMEOUT_MINUTES = env_int("LIVINGWELL_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = IDLE_TIMEOUT_MINUTES * 60
# Not every request: the idle timeout's stamp, and with it the expiry, moves at most once a
# minute (accounts/middleware.py), so that a page that only reads writes nothing.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE = env_bool("LIVINGWELL_SECURE_COOKIES", default=PRODUCTION)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = env_bool("LIVINGWELL_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env_int("LIVINGWELL_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if LIVINGWELL_BEHIND_PROXY else None
X_FRAME_OPTIONS = "DENY"

# Only our own origin, everywhere: no third-party scripts, fonts, pixels or CDNs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = env_str("LIVINGWELL_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("LIVINGWELL_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [PROJECT_DIR / "frontend" / "build"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Outside production WhiteNoise serves straight from the build folders, so pages are styled
# without collectstatic even when DEBUG is off (as in the benchmark and a local gunicorn).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG  # WhiteNoise warns (an error in tests) if missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Messages to people (links for PROMs etc.) ----------------------------------------------------
EMAIL_BACKEND = env_str(
    "LIVINGWELL_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# The site's public address, used to build every link sent to people in a text or an e-mail
# (e.g. https://livingwell.example.org). Production refuses to start without it; development
# defaults to `make run`'s own address and the tests to Django's test client host.
LIVINGWELL_PUBLIC_URL = env_url(
    "LIVINGWELL_PUBLIC_URL",
    None
    if PRODUCTION
    else ("http://testserver" if ENVIRONMENT == "test" else "http://127.0.0.1:8000"),
)
LIVINGWELL_MESSAGE_BACKEND = env_str(
    "LIVINGWELL_MESSAGE_BACKEND", "livingwell.core.messaging.ConsoleBackend"
)
# Django's e-mail over SMTP (LIVINGWELL_MESSAGE_BACKEND=livingwell.core.messaging.EmailBackend with
# LIVINGWELL_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend): the server and the sender.
EMAIL_HOST = env_str("LIVINGWELL_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LIVINGWELL_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("LIVINGWELL_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("LIVINGWELL_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LIVINGWELL_EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("LIVINGWELL_FROM_EMAIL", "Living Well <no-reply@localhost>")
# GOV.UK Notify (LIVINGWELL_MESSAGE_BACKEND=livingwell.core.messaging.NotifyBackend): the API key,
# the template of each kind of message by channel (made in the site's Notify account; the values
# a template may use are in docs/adr/0020), and the bearer token Notify's delivery receipts carry
# to /notifications/notify/receipts/. A deploy check refuses Notify without a key or a token.
LIVINGWELL_NOTIFY_API_KEY = env_str("LIVINGWELL_NOTIFY_API_KEY", "")
LIVINGWELL_NOTIFY_BASE_URL = env_str(
    "LIVINGWELL_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"
)
LIVINGWELL_NOTIFY_TIMEOUT_SECONDS = env_int("LIVINGWELL_NOTIFY_TIMEOUT_SECONDS", 10, minimum=1)
LIVINGWELL_NOTIFY_CALLBACK_TOKEN = env_str("LIVINGWELL_NOTIFY_CALLBACK_TOKEN", "")
LIVINGWELL_NOTIFY_TEMPLATES = {
    "measure_link": {
        "sms": env_str("LIVINGWELL_NOTIFY_TEMPLATE_MEASURE_LINK_SMS", ""),
        "email": env_str("LIVINGWELL_NOTIFY_TEMPLATE_MEASURE_LINK_EMAIL", ""),
    },
    "work_alert": {"email": env_str("LIVINGWELL_NOTIFY_TEMPLATE_WORK_ALERT_EMAIL", "")},
}

# --- Health and metrics ---------------------------------------------------------------------
# The addresses (or networks, e.g. 10.0.5.0/24) of the site's monitoring: only they reach /metrics
# and see the detail of /health/ (anyone else gets up or down). The client's address is read as
# everywhere else (core/client_address.py). Default: this machine only.
LIVINGWELL_MONITORING_ADDRESSES = env_list(
    "LIVINGWELL_MONITORING_ADDRESSES", [] if ENVIRONMENT == "test" else ["127.0.0.1", "::1"]
)
try:
    LIVINGWELL_MONITORING_NETWORKS = [
        ipaddress.ip_network(a, strict=False) for a in LIVINGWELL_MONITORING_ADDRESSES
    ]
except ValueError as exc:
    raise ConfigError(f"LIVINGWELL_MONITORING_ADDRESSES: {exc}") from None
# /health/: the oldest due task may wait this long before the worker is reported (a warning),
# and less free disk than this is "down" (a write may then fail).
LIVINGWELL_HEALTH_MAX_TASK_WAIT_SECONDS = env_int(
    "LIVINGWELL_HEALTH_MAX_TASK_WAIT_SECONDS", 600, minimum=1
)
LIVINGWELL_HEALTH_MIN_FREE_DISK_PERCENT = env_int(
    "LIVINGWELL_HEALTH_MIN_FREE_DISK_PERCENT", 5, minimum=0
)
# django-prometheus: no query of the migrations at start-up (/health/ reports them).
PROMETHEUS_EXPORT_MIGRATIONS = False

# --- Background work (django-tasks): the one place its configuration lives ---------------
# Every app's tasks (``<app>/tasks.py``, ``@task()`` from django_tasks or
# ``core.background.task_with_retries``) run on the "default" backend below. A site runs the
# database backend: the queue is a table in the site's own database, written in the same
# transaction as the work that queued it (a message queued by an action is sent if and only if the
# action commits), and `livingwell worker` (beside the web server; `make run` starts one) runs it.
# The tests run each task at once, in the caller's thread (the immediate backend); a test that is
# about queueing itself switches to the database backend.
TASKS_BACKEND = env_str(
    "LIVINGWELL_TASKS_BACKEND",
    "django_tasks.backends.immediate.ImmediateBackend"
    if ENVIRONMENT == "test"
    else "django_tasks_db.DatabaseBackend",
)
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": []}}

# Processes a simulation run uses for its replications (ADR 0019): each replication is seeded on
# its own, so the result is the same for any number. The tests run them in their own process.
SIMULATION_WORKERS = env_int(
    "LIVINGWELL_SIMULATION_WORKERS",
    1 if ENVIRONMENT == "test" else (os.cpu_count() or 1),
    minimum=1,
)

# --- NHS login for the person's portal (OpenID Connect; ADR 0016). Enabled only when all three
# are set: the provider's discovery address, our client id, and the file holding our private key
# (NHS login authenticates clients with private_key_jwt).
NHS_LOGIN_METADATA_URL = env_str("LIVINGWELL_NHS_LOGIN_METADATA_URL", "")
NHS_LOGIN_CLIENT_ID = env_str("LIVINGWELL_NHS_LOGIN_CLIENT_ID", "")
NHS_LOGIN_PRIVATE_KEY_FILE = env_str("LIVINGWELL_NHS_LOGIN_PRIVATE_KEY_FILE", "")

# --- Logging: no person data in logs; request paths carry only opaque identifiers ----------------
# One line per record, each with the request's id (core/logs.py); JSON in production (or with
# LIVINGWELL_LOG_FORMAT=json), for the site's log collector.
LOG_FORMAT = env_str("LIVINGWELL_LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ConfigError(f"LIVINGWELL_LOG_FORMAT={LOG_FORMAT!r}: use json or text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "livingwell.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LIVINGWELL_LOG_LEVEL", "WARNING")},
    "loggers": {
        # GOV.UK Notify's client logs Notify's error message, which may quote what was sent.
        "notifications_python_client": {"level": "ERROR"},
    },
}

# --- Backups and audit checkpoints (ADR 0021) -----------------------------------------------
# Where `livingwell backup` writes when given no destination: on another disk (better, another
# machine) than the database's. A deploy check refuses production without it.
LIVINGWELL_BACKUP_DIR = env_str("LIVINGWELL_BACKUP_DIR", "")
# Signed checkpoints of the audit trail's chain head, appended to a file in this directory, which
# must be outside the database (another disk or machine, write-once where the site can). The key
# signs them and is never stored in the database, so whoever can rewrite the database cannot
# forge a checkpoint. A deploy check refuses production without both.
LIVINGWELL_AUDIT_CHECKPOINT_DIR = env_str("LIVINGWELL_AUDIT_CHECKPOINT_DIR", "")
LIVINGWELL_AUDIT_CHECKPOINT_KEY = env_str("LIVINGWELL_AUDIT_CHECKPOINT_KEY", "")
# The FHIR API's OAuth 2.0 server (django-oauth-toolkit): client credentials only, short-lived
# bearer tokens, secrets stored hashed, scopes limited to those granted to each client
# (fhir/scopes.py). ADR 0018.
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "livingwell.fhir.scopes.ClientScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": 900,
    # The OAuth 2.0 Security BCP (RFC 9700) throughout: no implicit or password grant, no
    # tokens in the query string, tokens stored hashed, https redirects only.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
# The base of the site's own FHIR identifier systems (…/Id/person, …/Id/introduction), which
# partners store beside the NHS number. Each site sets its own public address.
FHIR_IDENTIFIER_BASE = env_str("LIVINGWELL_FHIR_IDENTIFIER_BASE", "https://living-well.example.org")
# django-oauth-toolkit's own models, named for the foreign key from fhir.FhirClient.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
# The MHSDS return's team types (ServTeamTypeRefToMH, v5 codes) by team name, and the code of
# any team not named. A site maps its own teams; A06 (CMHT, functional) stands for a community
# mental health team until it does.
MHSDS_TEAM_TYPES: dict[str, str] = {}
MHSDS_DEFAULT_TEAM_TYPE = env_str("LIVINGWELL_MHSDS_DEFAULT_TEAM_TYPE", "A06")
