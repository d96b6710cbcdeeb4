"""Test settings: the real settings with fast hashing, immediate tasks and in-memory mail."""

from __future__ import annotations

from .settings import *  # noqa: F403
from .settings import BASE_DIR, DATABASES

# MD5 only to keep the suite fast; production hashes with Argon2id.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
MEDIA_ROOT = BASE_DIR / "var" / "test-media"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
