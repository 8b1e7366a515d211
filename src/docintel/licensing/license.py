"""Signed license documents: canonical form, Ed25519 signing and verification.

A license file is one line of canonical JSON (sorted keys, no spaces, UTF-8) followed by a
newline: ``{"payload": {...}, "signature": "<base64>"}``. The signature covers the canonical
serialisation of ``payload``. Verification also requires the file to be byte-for-byte the
canonical rendering of what it parses to, and the signature to be canonical base64, so that
changing any byte of the file (even whitespace or base64 padding bits) invalidates it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from docintel.core.errors import ForbiddenError

LICENSE_FORMAT = "docintel-license/1"
LICENSE_FILE_NAME = "license.json"


class LicenseError(ForbiddenError):
    """A license is missing, malformed, forged, for another kind, or outside its validity."""

    message = "The container license is not valid."


class LicenseExpiredError(LicenseError):
    """The license was valid but its ``expiresAt`` has passed."""

    message = "The container license has expired."


class _Camel(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)


class LicenseResource(_Camel):
    """The billing resource a license was issued to."""

    id: str
    name: str = ""
    endpoint: str = ""


class LicensePlan(_Camel):
    """The commitment plan limits carried in the license (informative; not enforced)."""

    name: str = ""
    pages_per_month: int = Field(alias="pagesPerMonth", ge=0)
    validity_days: int = Field(alias="validityDays", ge=1)


class LicensePayload(_Camel):
    """What a license grants: who, which container kinds, and until when."""

    format: str = LICENSE_FORMAT
    license_id: str = Field(alias="licenseId")
    key_id: str = Field(alias="keyId")
    resource: LicenseResource
    container_kinds: tuple[str, ...] = Field(alias="containerKinds", min_length=1)
    issued_at: datetime = Field(alias="issuedAt")
    expires_at: datetime = Field(alias="expiresAt")
    plan: LicensePlan

    def to_json(self) -> dict[str, Any]:
        """The JSON object (camelCase, timestamps as ``YYYY-MM-DDTHH:MM:SSZ``)."""
        data = self.model_dump(by_alias=True, mode="json")
        data["issuedAt"] = iso_z(self.issued_at)
        data["expiresAt"] = iso_z(self.expires_at)
        return data


def iso_z(ts: datetime) -> str:
    """UTC ``YYYY-MM-DDTHH:MM:SSZ``."""
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical_json(data: Any) -> bytes:
    """The one serialisation that is signed and hashed: sorted keys, compact, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# -- keys ---------------------------------------------------------------------------------------
def public_key_text(key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key as base64 (what ``License:PublicKey`` takes)."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def key_id(key: Ed25519PublicKey) -> str:
    """A short fingerprint of a public key (first 16 hex digits of its SHA-256)."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A public key from base64 of the raw 32 bytes, or from a PEM block."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise LicenseError("The trusted public key is not an Ed25519 key.")
        return key
    try:
        raw = base64.b64decode(text, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as e:
        raise LicenseError(f"The trusted public key {text[:12]!r}... is not valid.") from e


def parse_public_keys(text: str) -> list[Ed25519PublicKey]:
    """Several keys separated by commas, whitespace or newlines (PEM blocks kept whole)."""
    if "-----BEGIN" in text:
        blocks = [b for b in text.split("-----END PUBLIC KEY-----") if b.strip()]
        return [parse_public_key(b + "-----END PUBLIC KEY-----") for b in blocks]
    return [parse_public_key(t) for t in text.replace(",", " ").split()]


# -- sign / verify ------------------------------------------------------------------------------
def sign_license(payload: LicensePayload, private_key: Ed25519PrivateKey) -> bytes:
    """The license file bytes: canonical ``{"payload", "signature"}`` plus a newline."""
    body = payload.to_json()
    signature = private_key.sign(canonical_json(body))
    doc = {"payload": body, "signature": base64.b64encode(signature).decode()}
    return canonical_json(doc) + b"\n"


def verify_license_bytes(data: bytes, trusted: Sequence[Ed25519PublicKey]) -> LicensePayload:
    """Check form and signature (not kind or time); raise ``LicenseError`` naming the problem."""
    if not trusted:
        raise LicenseError("No trusted public key is configured (set License:PublicKey).")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise LicenseError("The license file is not valid JSON (it has been modified).") from e
    if not isinstance(doc, dict) or set(doc) != {"payload", "signature"}:
        raise LicenseError("The license file does not have the docintel license layout.")
    if canonical_json(doc) + b"\n" != data:
        raise LicenseError("The license file has been modified (it is not in canonical form).")
    sig_text, body = doc["signature"], doc["payload"]
    if not isinstance(sig_text, str) or not isinstance(body, dict):
        raise LicenseError("The license file does not have the docintel license layout.")
    try:
        signature = base64.b64decode(sig_text, validate=True)
    except binascii.Error as e:
        raise LicenseError("The license signature is not valid base64.") from e
    # Non-canonical base64 (changed padding bits) decodes to the same bytes: refuse it.
    if base64.b64encode(signature).decode() != sig_text:
        raise LicenseError("The license signature has been modified.")
    message = canonical_json(body)
    if not any(_verifies(k, signature, message) for k in trusted):
        raise LicenseError("The license signature does not verify against the trusted key(s).")
    try:
        return LicensePayload.model_validate(body)
    except ValidationError as e:
        raise LicenseError(f"The license payload is malformed: {e.errors()[0]['msg']}") from e


def _verifies(key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def check_grant(payload: LicensePayload, container_kind: str, now: datetime) -> None:
    """Raise unless the license covers ``container_kind`` at ``now``."""
    kinds = {k.lower() for k in payload.container_kinds}
    if container_kind.lower() not in kinds:
        allowed = ", ".join(payload.container_kinds)
        raise LicenseError(f"The license is for container kind(s) {allowed}, not {container_kind}.")
    if now < payload.issued_at:
        raise LicenseError(f"The license is not valid before {iso_z(payload.issued_at)}.")
    if now >= payload.expires_at:
        raise LicenseExpiredError(f"The license expired at {iso_z(payload.expires_at)}.")


def license_path(folder: Path) -> Path:
    """Where the license file lives inside ``Mounts:License``."""
    return folder / LICENSE_FILE_NAME


def read_license(folder: Path, trusted: Sequence[Ed25519PublicKey]) -> LicensePayload:
    """Read and verify (form and signature) the license in ``folder``."""
    path = license_path(folder)
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise LicenseError(
            f"No license file at {path} (download one with DownloadLicense=True)."
        ) from e
    except OSError as e:
        raise LicenseError(f"Cannot read the license file {path}: {e.strerror}.") from e
    return verify_license_bytes(data, trusted)
