from __future__ import annotations

import importlib

import studyhall.settings


def test_production_hasher_is_argon2():
    assert (
        studyhall.settings.PASSWORD_HASHERS[0]
        == "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_argon2_is_installed():
    argon2 = importlib.import_module("argon2")

    assert hasattr(argon2, "PasswordHasher")
