"""The container's view of its license: trusted keys, start-up check, validity over time."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from docintel.core.errors import ConfigurationError
from docintel.core.settings import Settings
from docintel.licensing.license import (
    LicenseError,
    LicenseExpiredError,
    LicensePayload,
    check_grant,
    parse_public_keys,
    read_license,
)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock (timezone-aware UTC)."""
    return datetime.now(UTC)


def trusted_keys(settings: Settings) -> list[Ed25519PublicKey]:
    """Keys from ``License:PublicKey`` and ``License:PublicKeyFile`` (``LicenseError`` if bad)."""
    keys: list[Ed25519PublicKey] = []
    if settings.license_public_key:
        keys += parse_public_keys(settings.license_public_key)
    if settings.license_public_key_file is not None:
        try:
            text = settings.license_public_key_file.read_text(encoding="utf-8")
        except OSError as e:
            raise LicenseError(
                f"Cannot read License:PublicKeyFile {settings.license_public_key_file}: "
                f"{e.strerror}."
            ) from e
        keys += parse_public_keys(text)
    return keys


class LicenseGuard:
    """Whether new work may be accepted now: no license needed, or a license valid now."""

    def __init__(
        self,
        required: bool,
        container_kind: str,
        payload: LicensePayload | None = None,
        load_error: LicenseError | None = None,
    ) -> None:
        self.required = required
        self.container_kind = container_kind
        self.payload = payload
        self.load_error = load_error

    @classmethod
    def from_settings(cls, settings: Settings) -> LicenseGuard:
        """Load and verify the license of a disconnected container (errors are kept, not raised)."""
        kind = settings.container_kind.value
        if settings.mode != "disconnected" or settings.license_dir is None:
            return cls(False, kind)
        try:
            payload = read_license(settings.license_dir, trusted_keys(settings))
        except LicenseError as e:
            return cls(True, kind, load_error=e)
        return cls(True, kind, payload)

    def problem(self, now: datetime) -> LicenseError | None:
        """The reason new work is refused at ``now``, or None when it may proceed."""
        if not self.required:
            return None
        if self.load_error is not None:
            return self.load_error
        assert self.payload is not None
        try:
            check_grant(self.payload, self.container_kind, now)
        except LicenseError as e:
            return e
        return None

    def require(self, now: datetime) -> None:
        """Raise the 403 ``LicenseError`` (``LicenseExpiredError`` when expired) if refused."""
        err = self.problem(now)
        if err is not None:
            raise err


def check_disconnected_start(settings: Settings, now: datetime) -> LicensePayload | None:
    """Refuse to start (one clear ``ConfigurationError``) on a bad license or output folder."""
    if settings.mode != "disconnected":
        return None
    guard = LicenseGuard.from_settings(settings)
    err = guard.problem(now)
    if err is not None:
        raise ConfigurationError(f"License check failed: {err.detail or err.message}")
    assert settings.output_dir is not None
    check_output_writable(settings.output_dir)
    return guard.payload


def check_output_writable(folder: Path) -> None:
    """``Mounts:Output`` must exist, be a folder, and accept a durable write."""
    if not folder.is_dir():
        raise ConfigurationError(f"Mounts:Output {folder} does not exist or is not a folder.")
    probe = folder / f".docintel-write-probe-{id(folder)}"
    try:
        with probe.open("wb") as f:
            f.write(b"probe")
            f.flush()
            os.fsync(f.fileno())
        probe.unlink()
    except OSError as e:
        raise ConfigurationError(f"Mounts:Output {folder} is not writable: {e.strerror}.") from e


__all__ = [
    "Clock",
    "LicenseExpiredError",
    "LicenseGuard",
    "check_disconnected_start",
    "check_output_writable",
    "trusted_keys",
    "utc_now",
]
