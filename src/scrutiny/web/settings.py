"""Settings, read from the environment with safe defaults.

Development (the default) runs on SQLite with DEBUG on. `SCRUTINY_ENV=production`
switches on every deploy check: HTTPS only, secure cookies, HSTS, a required secret key.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parents[2]  # the repository root when run from a checkout


def env_str(name: str, default: str = "") -> str:
    """A string; a `NAME_FILE` variable names a file holding the value (for secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a whole number") from None


def database_from_url(url: str) -> dict:
    """`postgres://user:password@host:port/name`, or `sqlite:///path` (the default)."""
    parts = urlparse(url)
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    if parts.scheme == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            # sqlite:////abs/path.sqlite3 or sqlite:///relative.sqlite3, as dj-database-url.
            "NAME": unquote(parts.path[1:]) or ":memory:",
            # WAL lets readers carry on during a write; IMMEDIATE takes the write lock at
            # the start of a transaction, so two writers queue instead of failing.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                # Wait up to this many seconds for another connection's write to end
                # (SQLite's busy timeout) instead of failing with "database is locked".
                "timeout": env_int("SCRUTINY_SQLITE_BUSY_TIMEOUT", 30),
            },
        }
    raise ValueError(f"DATABASE_URL scheme {parts.scheme!r} is not supported (postgres, sqlite)")


PRODUCTION = env_str("SCRUTINY_ENV", "development") == "production"
DEBUG = env_bool("SCRUTINY_DEBUG", not PRODUCTION)

SECRET_KEY = env_str("SCRUTINY_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SCRUTINY_SECRET_KEY (or SCRUTINY_SECRET_KEY_FILE) must be set")
    SECRET_KEY = "development-only-key-never-used-in-production-" + "x" * 20  # noqa: S105

ALLOWED_HOSTS = [
    h for h in env_str("SCRUTINY_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("SCRUTINY_CSRF_TRUSTED_ORIGINS").split(",") if o]

DATA_DIR = Path(env_str("SCRUTINY_DATA_DIR", str(PROJECT_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'scrutiny.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Single-use recovery codes for a person who has lost their phone.
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    # Before django_tasks_db: its db_worker command is ours (recovers jobs of dead workers).
    "scrutiny.web.jobs",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "scrutiny.web",
    "scrutiny.web.accounts",
    "scrutiny.web.audit",
    "scrutiny.web.inspections",
    "scrutiny.web.records",
    "scrutiny.web.surveys",
    "scrutiny.web.evidence",
    "scrutiny.web.evaluations",
    "scrutiny.web.reports",
    "scrutiny.web.retention",
    "scrutiny.web.programmes",
    "scrutiny.web.api",
    "scrutiny.web.plans",
    "scrutiny.web.work",
    "scrutiny.web.partnership",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Pushes the session's expiry back at most once a minute (not a write per request).
    "scrutiny.web.sessions.SlidingExpiryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "scrutiny.web.rules.DenyWithoutRuleMiddleware",
    # Last, so that it sees the lockout raised by the authentication backend.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "scrutiny.web.urls"
WSGI_APPLICATION = "scrutiny.web.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
            ],
        },
    }
]
# Forms render Scottish Government Design System markup (templates/ds/forms/).
FORM_RENDERER = "scrutiny.web.forms.DesignSystemFormRenderer"

# Accounts ----------------------------------------------------------------
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
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Does nothing unless single sign-on is configured (below).
    "scrutiny.web.accounts.oidc.OrganisationSignInBackend",
]
LOGIN_URL = "accounts:login"
# After signing in (and the second factor), people land on what waits for them.
LOGIN_REDIRECT_URL = "work:my_work"

# Demo accounts (made by `make run`) skip two-factor authentication, never in production:
# there the variable is ignored, and `manage.py check --deploy` says so if it is set.
DEMO_SKIP_2FA_REQUESTED = env_bool("SCRUTINY_DEMO_SKIP_2FA", False)
DEMO_ACCOUNTS_SKIP_TWO_FACTOR = (
    False if PRODUCTION else env_bool("SCRUTINY_DEMO_SKIP_2FA", not PRODUCTION)
)

# Password reset links (sent by e-mail or shown once to an administrator) work for 3 days
# and only once: Django's token changes when the password does.
PASSWORD_RESET_TIMEOUT = env_int("SCRUTINY_PASSWORD_RESET_HOURS", 72) * 3600
EMAIL_BACKEND = env_str(
    "SCRUTINY_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("SCRUTINY_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("SCRUTINY_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("SCRUTINY_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("SCRUTINY_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("SCRUTINY_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("SCRUTINY_EMAIL_FROM", "scrutiny@localhost")

# Single sign-on with the organisation's accounts over OpenID Connect (optional). The
# provider's endpoints come from its discovery document at first use; people are matched
# to existing users by verified e-mail address, never created.
OIDC_ISSUER = env_str("SCRUTINY_OIDC_ISSUER").rstrip("/")
OIDC_ENABLED = bool(OIDC_ISSUER)
OIDC_RP_CLIENT_ID = env_str("SCRUTINY_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("SCRUTINY_OIDC_CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = env_str("SCRUTINY_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
# What the button says, e.g. "Sign in with your Care Inspectorate account".
OIDC_BUTTON_LABEL = env_str(
    "SCRUTINY_OIDC_BUTTON_LABEL", "Sign in with your organisation's account"
)
# `amr` values from the provider that count as two factors, so Scrutiny asks for no code.
OIDC_MFA_METHODS = set(env_str("SCRUTINY_OIDC_MFA_METHODS", "mfa").split(","))
if OIDC_ENABLED and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise RuntimeError(
        "SCRUTINY_OIDC_ISSUER is set: SCRUTINY_OIDC_CLIENT_ID and "
        "SCRUTINY_OIDC_CLIENT_SECRET (or SCRUTINY_OIDC_CLIENT_SECRET_FILE) must be set too"
    )
OTP_TOTP_ISSUER = "Scrutiny"

# Lock out a username from an address after 5 failures for 30 minutes.
AXES_FAILURE_LIMIT = env_int("SCRUTINY_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SCRUTINY_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions end after 30 minutes without a request: the expiry slides, pushed back at most
# once a minute (scrutiny.web.sessions), rather than by a database write on every request.
SESSION_COOKIE_AGE = env_int("SCRUTINY_SESSION_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = "scrutiny.web.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Security headers ----------------------------------------------------------
# No inline script or style anywhere: htmx's indicator styles are switched off in base.html.
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
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SCRUTINY_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SCRUTINY_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Static files: the design system, fonts and htmx are copied from npm into
# static/vendor by `make assets`; whitenoise serves them, nothing is fetched at run time.
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
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

# E-mail notifications (scrutiny.web.work.notifications) use the EMAIL_* settings above;
# a slow mail server holds a request up by at most this many seconds.
EMAIL_TIMEOUT = env_int("SCRUTINY_EMAIL_TIMEOUT", 10)
# The address people use to reach Scrutiny, for the links in e-mails.
SITE_URL = env_str("SCRUTINY_SITE_URL", "http://127.0.0.1:8000")

# Bundles are JSON; a 100-record inspection is about 200 kB. Refuse anything absurd.
BUNDLE_MAX_BYTES = env_int("SCRUTINY_BUNDLE_MAX_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Survey exports and evidence attachments (surveys/uploads.py): a larger upload is refused
# from the request's declared size before its bytes are read. Both are kept under DATA_DIR,
# outside the web root, and served only through access-checked views.
SURVEY_UPLOAD_MAX_BYTES = env_int("SCRUTINY_SURVEY_UPLOAD_MAX_BYTES", 200 * 1024 * 1024)
SURVEY_UPLOADS_DIR = DATA_DIR / "survey-uploads"
ATTACHMENT_MAX_BYTES = env_int("SCRUTINY_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
ATTACHMENTS_DIR = Path(env_str("SCRUTINY_ATTACHMENTS_DIR", str(DATA_DIR / "attachments"))).resolve()
# An organisation's Word template for the report's DOCX downloads (scrutiny.web.reports).
REPORT_TEMPLATE_MAX_BYTES = env_int("SCRUTINY_REPORT_TEMPLATE_MAX_BYTES", 10 * 1024 * 1024)
REPORT_TEMPLATES_DIR = Path(
    env_str("SCRUTINY_REPORT_TEMPLATES_DIR", str(DATA_DIR / "report-templates"))
).resolve()


def outside_web_root(directory: Path, variable: str) -> Path:
    """Refuse a directory for inspection files that whitenoise could serve: inside
    STATIC_ROOT, or inside the package, whose apps' static folders are served too."""
    for served in (STATIC_ROOT.resolve(), BASE_DIR.resolve()):
        if directory == served or served in directory.parents:
            raise ValueError(
                f"{variable}={directory} is inside {served}, which is served "
                "as static files; keep these files outside it"
            )
    return directory


outside_web_root(ATTACHMENTS_DIR, "SCRUTINY_ATTACHMENTS_DIR")
outside_web_root(REPORT_TEMPLATES_DIR, "SCRUTINY_REPORT_TEMPLATES_DIR")

# Background jobs (scrutiny.web.jobs): Django's tasks API, database backend, run by
# `manage.py db_worker`. Staged uploads and built files live outside the web root.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JOBS_STAGING_DIR = DATA_DIR / "staging"
JOBS_OUTPUT_DIR = DATA_DIR / "job-output"
# A running job whose worker (on another machine) has said nothing for this long is
# taken as stopped; on the worker's own machine a dead process is noticed at once.
JOBS_STALE_AFTER_SECONDS = env_int("SCRUTINY_JOBS_STALE_AFTER_SECONDS", 3600)
# Staged files nothing claims are removed after an hour; built files after a day.
JOBS_ORPHAN_AFTER_SECONDS = env_int("SCRUTINY_JOBS_ORPHAN_AFTER_SECONDS", 3600)
JOBS_OUTPUT_KEEP_SECONDS = env_int("SCRUTINY_JOBS_OUTPUT_KEEP_SECONDS", 86400)
JOBS_SWEEP_EVERY_SECONDS = env_int("SCRUTINY_JOBS_SWEEP_EVERY_SECONDS", 900)
# Further work the periodic sweep does (dotted paths of functions without arguments).
JOBS_SWEEP_HOOKS: list[str] = [
    # Survey imports whose job failed for good: their pending rows and file go.
    "scrutiny.web.surveys.services.survey_imports_end_stopped",
    "scrutiny.web.retention.services.erasure_enqueue_if_due",
]

# Each process keeps its own cache ("default"); what every process and app server must
# agree on lives in the database ("shared"): the API's rate limit per token, which four
# workers each counting alone would let through four times over.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "scrutiny_shared_cache",
    },
}

# The REST API (scrutiny.web.api): personal tokens only, JSON only (no browsable API, whose
# pages need inline scripts), cursor pages, and a rate limit per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "scrutiny.web.api.authentication.PersonalTokenAuthentication"
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["scrutiny.web.api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("SCRUTINY_API_RATE", "600/minute")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Scrutiny API",
    "DESCRIPTION": "Read an inspection's plan, evaluations, results, evidence and report; "
    "add evidence notes, record readings, survey responses (at most 500 a request, all "
    "or nothing) and the partnership's comments. Every request carries a personal "
    "token (Authorization: Bearer <token>) and can do exactly what its person can do.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/",
    "APPEND_COMPONENTS": {
        "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
    },
    "SECURITY": [{"token": []}],
    "AUTHENTICATION_WHITELIST": [],
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SCRUTINY_LOG_LEVEL", "WARNING")},
}
