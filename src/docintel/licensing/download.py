"""``DownloadLicense=True``: fetch a license from the billing service, verify it, store it.

The license is verified against the *configured* trusted key (``License:PublicKey``), never
against a key fetched from the billing service itself: a key obtained over the same channel as
the license would let whoever answers on that channel mint licenses.
"""

from __future__ import annotations

import shlex
from datetime import datetime
from pathlib import Path

import httpx

from docintel import __version__
from docintel.core.fileio import write_atomic
from docintel.core.settings import Settings
from docintel.licensing.license import (
    LicenseError,
    LicensePayload,
    check_grant,
    iso_z,
    license_path,
    verify_license_bytes,
)
from docintel.licensing.runtime import trusted_keys

DOWNLOAD_TIMEOUT_S = 30.0


def fetch_license(billing: str, api_key: str, container_kind: str) -> bytes:
    """POST ``{billing}/licenses`` and return the license bytes (``LicenseError`` on failure)."""
    url = billing.rstrip("/") + "/licenses"
    try:
        r = httpx.post(
            url,
            json={"containerKind": container_kind},
            headers={"Ocp-Apim-Subscription-Key": api_key},
            timeout=DOWNLOAD_TIMEOUT_S,
        )
    except httpx.HTTPError as e:
        raise LicenseError(f"The billing service at {billing} is unreachable: {e}") from e
    if r.status_code != 200:
        try:
            detail = r.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            detail = r.text.strip()[:200] or r.reason_phrase
        raise LicenseError(f"The billing service refused the license ({r.status_code}): {detail}")
    return r.content


def download_license(settings: Settings, now: datetime) -> tuple[Path, LicensePayload]:
    """Fetch, verify (signature, kind, dates) and atomically write the license; nothing on error."""
    if not (settings.billing and settings.api_key and settings.license_dir):
        raise LicenseError("DownloadLicense=True needs Billing, ApiKey and Mounts:License.")
    keys = trusted_keys(settings)
    if not keys:
        raise LicenseError(
            "DownloadLicense=True needs License:PublicKey (the key printed by "
            "`docintel billing resource create`) to verify the license it downloads."
        )
    folder = settings.license_dir
    if not folder.is_dir():
        raise LicenseError(f"Mounts:License {folder} does not exist or is not a folder.")
    kind = settings.container_kind.value
    data = fetch_license(settings.billing, settings.api_key, kind)
    payload = verify_license_bytes(data, keys)
    check_grant(payload, kind, now)
    path = license_path(folder)
    try:
        write_atomic(path, data)
    except OSError as e:
        raise LicenseError(f"Cannot write the license into {folder}: {e.strerror}.") from e
    return path, payload


def run_templates(settings: Settings, payload: LicensePayload) -> list[str]:
    """The ``docintel serve`` and ``docker run`` command lines for the disconnected run."""
    assert settings.license_dir is not None
    kind = settings.container_kind.value
    key_args: list[str] = []
    if settings.license_public_key:
        key_args.append(f"License:PublicKey={settings.license_public_key}")
    if settings.license_public_key_file is not None:
        key_args.append(f"License:PublicKeyFile={settings.license_public_key_file.resolve()}")
    lic = settings.license_dir.resolve()
    out = str(settings.output_dir.resolve()) if settings.output_dir else "/path/to/output"
    serve = [
        "docintel",
        "serve",
        "Eula=accept",
        f"ContainerKind={kind}",
        f"Mounts:License={lic}",
        f"Mounts:Output={out}",
        *key_args,
    ]
    docker = [
        "docker",
        "run",
        "--rm",
        "-p",
        "5000:5000",
        "-v",
        f"{lic}:/license:ro",
        "-v",
        f"{out}:/output",
        f"docintel:{__version__}",
        "Eula=accept",
        f"ContainerKind={kind}",
        "Mounts:License=/license",
        "Mounts:Output=/output",
        *(a for a in key_args if a.startswith("License:PublicKey=")),
    ]
    return [
        f"License {payload.license_id} for {', '.join(payload.container_kinds)} "
        f"valid until {iso_z(payload.expires_at)}.",
        "Run disconnected with:",
        "  " + shlex.join(serve),
        "or:",
        "  " + shlex.join(docker),
    ]
