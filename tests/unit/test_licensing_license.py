"""License documents: signing, byte-exact verification, kind and validity window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from docintel.licensing.license import (
    LicenseError,
    LicenseExpiredError,
    LicensePayload,
    LicensePlan,
    LicenseResource,
    check_grant,
    key_id,
    license_path,
    parse_public_keys,
    public_key_text,
    read_license,
    sign_license,
    verify_license_bytes,
)

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def make_payload(
    key: Ed25519PrivateKey, kinds: tuple[str, ...] = ("read",), days: int = 30
) -> LicensePayload:
    """A license payload issued at T0."""
    return LicensePayload(
        license_id="lic-1",
        key_id=key_id(key.public_key()),
        resource=LicenseResource(id="res-1", name="acme", endpoint="http://billing"),
        container_kinds=kinds,
        issued_at=T0,
        expires_at=T0 + timedelta(days=days),
        plan=LicensePlan(name="commitment", pages_per_month=1000, validity_days=days),
    )


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    """The issuer's key."""
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def signed(key: Ed25519PrivateKey) -> bytes:
    """A signed license for ``read``."""
    return sign_license(make_payload(key), key)


def test_roundtrip_verifies_and_parses(key: Ed25519PrivateKey, signed: bytes) -> None:
    """The signed bytes verify against the issuer's public key and give the payload back."""
    payload = verify_license_bytes(signed, [key.public_key()])
    assert payload == make_payload(key)
    assert signed.endswith(b"\n") and signed.count(b"\n") == 1


def test_every_single_byte_change_is_rejected(key: Ed25519PrivateKey, signed: bytes) -> None:
    """Changing any one byte of the file (payload, signature, layout) invalidates it."""
    trusted = [key.public_key()]
    for i in range(len(signed)):
        for replacement in {ord("A"), ord("0"), ord(" "), signed[i] ^ 0x01}:
            if replacement == signed[i]:
                continue
            forged = signed[:i] + bytes([replacement]) + signed[i + 1 :]
            with pytest.raises(LicenseError):
                verify_license_bytes(forged, trusted)


def test_reformatted_license_is_rejected(key: Ed25519PrivateKey, signed: bytes) -> None:
    """Pretty-printing the same JSON (no value changed) is still a modification."""
    import json

    pretty = json.dumps(json.loads(signed), indent=2).encode() + b"\n"
    with pytest.raises(LicenseError, match="modified"):
        verify_license_bytes(pretty, [key.public_key()])


def test_untrusted_key_is_rejected(signed: bytes) -> None:
    """A license signed by another key does not verify; no trusted key at all is an error."""
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(LicenseError, match="does not verify"):
        verify_license_bytes(signed, [other])
    with pytest.raises(LicenseError, match="No trusted public key"):
        verify_license_bytes(signed, [])


def test_any_of_several_trusted_keys(key: Ed25519PrivateKey, signed: bytes) -> None:
    """Key rotation: the license verifies when its key is one of several trusted keys."""
    other = Ed25519PrivateKey.generate().public_key()
    text = f"{public_key_text(other)}, {public_key_text(key.public_key())}"
    assert verify_license_bytes(signed, parse_public_keys(text)).license_id == "lic-1"


def test_pem_public_keys(key: Ed25519PrivateKey, signed: bytes) -> None:
    """PEM blocks are accepted (several in one file)."""
    pems = b"".join(
        k.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        for k in (Ed25519PrivateKey.generate().public_key(), key.public_key())
    )
    keys = parse_public_keys(pems.decode())
    assert len(keys) == 2
    verify_license_bytes(signed, keys)


def test_bad_public_key_text() -> None:
    """A malformed trusted key is a clear error, not a crash."""
    with pytest.raises(LicenseError, match="not valid"):
        parse_public_keys("not-base64!")


def test_license_for_another_kind(key: Ed25519PrivateKey) -> None:
    """A read license does not let a layout container run."""
    payload = make_payload(key, ("read",))
    check_grant(payload, "read", T0 + timedelta(days=1))
    with pytest.raises(LicenseError, match="not layout"):
        check_grant(payload, "layout", T0 + timedelta(days=1))


def test_validity_window(key: Ed25519PrivateKey) -> None:
    """Valid from issuedAt up to (not including) expiresAt, by the injected clock."""
    payload = make_payload(key, days=10)
    check_grant(payload, "read", T0)
    check_grant(payload, "read", T0 + timedelta(days=10) - timedelta(seconds=1))
    with pytest.raises(LicenseExpiredError, match="expired at 2024-05-11T12:00:00Z"):
        check_grant(payload, "read", T0 + timedelta(days=10))
    with pytest.raises(LicenseError, match="not valid before"):
        check_grant(payload, "read", T0 - timedelta(seconds=1))


def test_read_license_from_folder(tmp_path: Path, key: Ed25519PrivateKey, signed: bytes) -> None:
    """``license.json`` in the folder; a missing file names the download step."""
    with pytest.raises(LicenseError, match="DownloadLicense=True"):
        read_license(tmp_path, [key.public_key()])
    license_path(tmp_path).write_bytes(signed)
    assert read_license(tmp_path, [key.public_key()]).resource.id == "res-1"


def test_expired_error_envelope() -> None:
    """The 403 body the container answers with once the license has expired."""
    body = LicenseExpiredError("The license expired at X.").to_envelope()
    assert body == {
        "error": {
            "code": "Forbidden",
            "message": "The container license has expired.",
            "innererror": {"code": "AuthorizationFailed", "message": "The license expired at X."},
        }
    }
