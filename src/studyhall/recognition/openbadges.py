"""Open Badges documents: 2.0 hosted JSON and 3.0 credentials signed with Ed25519.

Open Badges 2.0 (hosted verification): the issuer profile, each badge class
and each assertion are JSON-LD documents at stable public URLs, and a
verifier fetches the assertion from its own `id`. The recipient's address is
hashed with a per-award salt: identity = "sha256$" + hex(sha256(email + salt)).

Open Badges 3.0: the same award as a W3C verifiable credential
(OpenBadgeCredential) secured with a Data Integrity proof of cryptosuite
`eddsa-jcs-2022`: the credential and the proof options are canonicalised
with JCS (RFC 8785), hashed with SHA-256, and the concatenated hashes are
signed with the instance's Ed25519 key. The public key is published as a
Multikey document at `recognition:public-key`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from studyhall.recognition.models import Badge, BadgeAward

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
ED25519_MULTICODEC = b"\xed\x01"
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def absolute(path: str) -> str:
    """Return the absolute URL of a site path, from SITE_URL."""
    return settings.SITE_URL + path


def hash_identity(email: str, salt: str) -> str:
    """Return the Open Badges hashed identity of an email address."""
    digest = hashlib.sha256((email.lower() + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


# --- Open Badges 2.0 -----------------------------------------------------------


def issuer_url() -> str:
    return absolute(reverse("recognition:ob-issuer"))


def issuer_profile() -> dict[str, Any]:
    """Return the instance's Issuer profile."""
    return {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": issuer_url(),
        "name": settings.SITE_NAME,
        "url": settings.SITE_URL,
        "email": settings.BADGE_ISSUER_EMAIL,
        "revocationList": absolute(reverse("recognition:ob-revocations")),
    }


def badge_image_url(badge: Badge) -> str:
    if badge.image:
        return absolute(
            reverse("recognition:badge-image", kwargs={"badge_uid": badge.uid})
        )
    return absolute(static("recognition/badge.png"))


def badge_class(badge: Badge) -> dict[str, Any]:
    """Return the BadgeClass document of a badge."""
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": absolute(
            reverse("recognition:ob-badge-class", kwargs={"badge_uid": badge.uid})
        ),
        "name": badge.name,
        "description": badge.description,
        "image": badge_image_url(badge),
        "criteria": {
            "id": absolute(
                reverse("recognition:badge-detail", kwargs={"badge_uid": badge.uid})
            ),
            "narrative": badge.criteria,
        },
        "issuer": issuer_url(),
    }


def assertion_url(award: BadgeAward) -> str:
    return absolute(
        reverse("recognition:ob-assertion", kwargs={"award_uid": award.uid})
    )


def assertion(award: BadgeAward) -> dict[str, Any]:
    """Return the hosted Assertion of an award (expects badge and recipient loaded)."""
    document: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": assertion_url(award),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.salt,
            "identity": hash_identity(award.recipient.email, award.salt),
        },
        "badge": badge_class(award.badge)["id"],
        "verification": {"type": "hosted"},
        "issuedOn": award.created_at.isoformat(),
        "evidence": absolute(
            reverse("recognition:award-detail", kwargs={"award_uid": award.uid})
        ),
    }
    if award.revoked_at is not None:
        document["revoked"] = True
        document["revocationReason"] = award.revocation_reason
    return document


def revocation_list(revoked: list[BadgeAward]) -> dict[str, Any]:
    """Return the issuer's RevocationList of revoked assertions."""
    return {
        "@context": OB2_CONTEXT,
        "type": "RevocationList",
        "id": absolute(reverse("recognition:ob-revocations")),
        "issuer": issuer_url(),
        "revokedAssertions": [
            {"id": assertion_url(a), "revocationReason": a.revocation_reason}
            for a in revoked
        ],
    }


# --- the instance's key ---------------------------------------------------------


def signing_key() -> Ed25519PrivateKey:
    """Return the instance's Ed25519 key: BADGE_SIGNING_KEY, else one kept in var/.

    BADGE_SIGNING_KEY holds a PEM (PKCS#8) private key, or the 32-byte seed
    in base64. Without it, a key is made once and kept in var/badge_signing_key.
    """
    value = os.environ.get("BADGE_SIGNING_KEY", "").strip()
    if value:
        if value.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(value.encode(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError("BADGE_SIGNING_KEY must be an Ed25519 key")
            return key
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(value))
    path = Path(settings.VAR_DIR) / "badge_signing_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Write only if still absent, so two processes agree on one key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def base58btc(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = BASE58_ALPHABET[rest] + out
    leading = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading + out


def public_key_multibase(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58btc(ED25519_MULTICODEC + raw)


def key_document_url() -> str:
    return absolute(reverse("recognition:public-key"))


def verification_method() -> str:
    return key_document_url() + "#key-1"


def public_key_document() -> dict[str, Any]:
    """Return the Multikey document that verifies the instance's credentials."""
    return {
        "@context": [MULTIKEY_CONTEXT],
        "id": verification_method(),
        "type": "Multikey",
        "controller": issuer_url(),
        "publicKeyMultibase": public_key_multibase(signing_key().public_key()),
    }


# --- Open Badges 3.0 ------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """Serialise as JCS (RFC 8785) for the values used here: no floats."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def credential(award: BadgeAward) -> dict[str, Any]:
    """Return the award as a signed OpenBadgeCredential (expects relations loaded)."""
    badge = award.badge
    unsigned: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB3_CONTEXT],
        "id": absolute(
            reverse("recognition:ob-credential", kwargs={"award_uid": award.uid})
        ),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": badge.name,
        "issuer": {
            "id": issuer_url(),
            "type": ["Profile"],
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL,
        },
        "validFrom": award.created_at.replace(microsecond=0).isoformat(),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": hash_identity(award.recipient.email, award.salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": award.salt,
                }
            ],
            "achievement": {
                "id": badge_class(badge)["id"],
                "type": ["Achievement"],
                "name": badge.name,
                "description": badge.description,
                "criteria": {"narrative": badge.criteria},
                "image": {"id": badge_image_url(badge), "type": "Image"},
            },
        },
        "credentialStatus": {
            "id": absolute(
                reverse("recognition:ob-status", kwargs={"award_uid": award.uid})
            ),
            "type": "1EdTechRevocationList",
        },
    }
    return sign(unsigned)


def sign(document: dict[str, Any]) -> dict[str, Any]:
    """Add an eddsa-jcs-2022 DataIntegrityProof to a credential."""
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": document["validFrom"],
        "verificationMethod": verification_method(),
        "proofPurpose": "assertionMethod",
        "@context": document["@context"],
    }
    data = (
        hashlib.sha256(canonical_json(options)).digest()
        + hashlib.sha256(canonical_json(document)).digest()
    )
    signature = signing_key().sign(data)
    proof = {k: v for k, v in options.items() if k != "@context"}
    proof["proofValue"] = "z" + base58btc(signature)
    return {**document, "proof": proof}


def credential_status(award: BadgeAward) -> dict[str, Any]:
    """Return whether a credential stands, for verifiers following credentialStatus."""
    return {
        "id": absolute(
            reverse("recognition:ob-status", kwargs={"award_uid": award.uid})
        ),
        "credential": absolute(
            reverse("recognition:ob-credential", kwargs={"award_uid": award.uid})
        ),
        "revoked": award.revoked_at is not None,
        "revocationReason": award.revocation_reason,
    }
