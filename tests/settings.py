"""Test settings: the real settings, with fast hashing and unhashed static names."""

import os
import tempfile

os.environ.setdefault("STUDYHALL_VAR_DIR", tempfile.mkdtemp(prefix="studyhall-test-"))

from studyhall.settings import *  # noqa: F403

# Argon2 is the production hasher (tests/accounts checks the real setting);
# tests hash many passwords, so they use a fast one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405
# The communicator tests connect as from the default local site.
WEBSOCKET_ALLOWED_ORIGINS = [*WEBSOCKET_ALLOWED_ORIGINS, "http://localhost"]  # noqa: F405
# The optional semantic search method loads a model; tests that need it turn it on.
SEARCH_SEMANTIC = "off"
# Tests build board state fast and repeat texts; tests/moderation sets the
# anti-abuse limits it exercises.
POSTS_PER_MINUTE = 1_000_000
NEW_MEMBER_MAX_LINKS_PER_POST = 1_000
NEW_MEMBER_MAX_IMAGES_PER_POST = 1_000
NEW_MEMBER_MAX_MENTIONS_PER_POST = 1_000
SPAM_REPEAT_WINDOW_SECONDS = 0
PASSWORD_RESET_MIN_SECONDS = 0.0
# Most tests sign staff in directly; tests/security turns the requirement on.
TWO_FACTOR_REQUIRED_FOR_STAFF = False
SIGNUPS_PER_ADDRESS = 1_000_000
