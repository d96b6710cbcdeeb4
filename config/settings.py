"""tongxin settings: one module, read from environment variables.

SQLite at var/tongxin.sqlite3 needs no service (the demo); set DATABASE_URL for PostgreSQL
(production and CI). Secrets come from the environment or from a file named by <NAME>_FILE.
Security parameters default to the values a 等保 2.0 level-3 tester expects (ecosystem.md §c).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file named by NAME_FILE (container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


DEBUG = env_bool("DEBUG", False)

# A development key is only acceptable while DEBUG is on; `check --deploy` flags it otherwise.
SECRET_KEY = env_secret("SECRET_KEY") or "django-insecure-tongxin-development-key-do-not-deploy"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # First: the first app that provides a management command wins, and accounts' createsuperuser
    # refuses (tongxin has no superuser; ADR 0002) in place of django.contrib.auth's.
    "tongxin.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "axes",
    "pgtrigger",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "ninja",
    "tongxin.core",
    "tongxin.audit",
    "tongxin.org",
    "tongxin.members",
    "tongxin.todos",
    "tongxin.proposals",
    "tongxin.duties",
    "tongxin.opinions",
    "tongxin.meetings",
    "tongxin.similarity",
    "tongxin.dashboards",
    "tongxin.files",
    "tongxin.documents",
    "tongxin.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tongxin.accounts.middleware.SessionLifetimeMiddleware",
    "tongxin.accounts.middleware.PasswordPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tongxin.audit.denials.DeniedRequestsMiddleware",
    "csp.middleware.CSPMiddleware",
    # AxesMiddleware last: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "tongxin.accounts.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = Path(env_str("SQLITE_PATH", str(BASE_DIR / "var" / "tongxin.sqlite3")))
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # IMMEDIATE transactions stop two writers from deadlocking on lock upgrade;
                # WAL lets readers go on while one request writes.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, passwords, sessions (ecosystem.md §c C1, C2, C5) -----------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    # Argon2id (Django's Argon2PasswordHasher uses the id variant); PBKDF2 reads older hashes.
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 10)
PASSWORD_MIN_CLASSES = env_int("PASSWORD_MIN_CLASSES", 3)
PASSWORD_HISTORY = env_int("PASSWORD_HISTORY", 5)
# 等保 L3 8.1.4.1a asks for periodic change; ASVS 6.2.10 forbids it (ADR 0003). 0 turns it off.
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "tongxin.accounts.passwords.CharacterClassValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES},
    },
    {"NAME": "tongxin.accounts.passwords.NotPhoneNumberValidator"},
    {
        "NAME": "tongxin.accounts.passwords.PasswordHistoryValidator",
        "OPTIONS": {"history": PASSWORD_HISTORY},
    },
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "todos:home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # a sliding idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

API_TOKEN_HOURS = env_int("API_TOKEN_HOURS", 8)

AXES_FAILURE_LIMIT = env_int("LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOCKOUT_MINUTES", 15))
# Lock the account itself, whatever address the guesses come from (等保 L3 8.1.4.1b).
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tongxin.accounts.views.lockout_response"
AXES_VERBOSE = False
# axes warns that locking by account alone lets an attacker rotate clients; 等保 asks for account
# lockout, and locking by address would lock a whole office behind one NAT address. Per-address
# rate limiting belongs to the reverse proxy (README, production).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Roles that may read members' full phone numbers (each reveal is audited).
PHONE_VISIBLE_ROLES = env_list("PHONE_VISIBLE_ROLES", "member_affairs,secretariat,proposal_office")

# --- Security headers (ecosystem.md §c C3, C15, C21) -----------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# The preload flag only asks browsers' preload lists to accept the site when its owner submits it.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS >= 31536000)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Files, uploads ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ROSTER_MAX_BYTES = env_int("ROSTER_MAX_BYTES", 5 * 1024 * 1024)

# --- Generated files (tongxin.files): documents and exports made by background tasks ---------------
# Dotted paths to tongxin.files.generators.Generator objects; each app adds its own.
FILE_GENERATORS: list[str] = [
    # Official documents (tongxin.documents.generators)
    "tongxin.documents.generators.assignment_notice",
    "tongxin.documents.generators.reply_letter",
    "tongxin.documents.generators.proposal_circular",
    "tongxin.documents.generators.proposal_compilation",
    "tongxin.documents.generators.bulletin_issue",
    "tongxin.documents.generators.opinion_circular",
    "tongxin.documents.generators.duty_circular",
    "tongxin.documents.generators.duty_report",
    "tongxin.documents.generators.work_report_figures",
    # List exports above EXPORT_INLINE_MAX_ROWS rows (tongxin.files.exports)
    "tongxin.proposals.exports.list_generator",
    "tongxin.proposals.exports.review_desk_generator",
    "tongxin.opinions.exports.list_generator",
    "tongxin.meetings.exports.attendance_generator",
    "tongxin.members.roster.roster_generator",
]
# A list export of more rows than this is made in the background instead of in the request.
EXPORT_INLINE_MAX_ROWS = env_int("EXPORT_INLINE_MAX_ROWS", 5000)
FILE_RETENTION_DAYS = env_int("FILE_RETENTION_DAYS", 30)
FILE_MAX_ACTIVE_PER_USER = env_int("FILE_MAX_ACTIVE_PER_USER", 5)

# --- Background work (Django Tasks API; the db_worker runs them in production) ---------------------
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Cache -------------------------------------------------------------------------------------
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Internationalisation: Simplified Chinese first, every string translatable -------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Email (notifications; the console backend prints in development) ----------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tongxin@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)

# --- Logging -----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- django-ninja --------------------------------------------------------------------------------
NINJA_PAGINATION_MAX_LIMIT = 100

# --- Tasks enqueued (on commit, with proposal_id) when a proposal's text is created or edited ------
PROPOSAL_TEXT_CHANGED_TASKS = ["tongxin.similarity.tasks.similarity_index_proposal"]

# --- "我的待办": every capability that adds items to a user's home page ----------------------------
TODO_PROVIDERS = [
    "tongxin.accounts.queries.todos_for",
    "tongxin.core.queries.todos_for",
    "tongxin.proposals.queries.todos_for",
    "tongxin.org.queries.todos_for",
    "tongxin.members.queries.todos_for",
    "tongxin.audit.queries.todos_for",
    "tongxin.opinions.queries.todos_for",
    "tongxin.meetings.queries.todos_for",
    "tongxin.duties.queries.todos_for",
]
