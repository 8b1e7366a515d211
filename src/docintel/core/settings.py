"""Container-style settings: ``Key=Value`` arguments, environment variables, a settings file.

Keys are those of the Azure containers (``Eula``, ``Billing``, ``ApiKey``, ``Mounts:License``, …)
plus docintel's own. Keys are case-insensitive; ``:`` and ``__`` separate levels, and
environment variables may also use a single ``_`` (``MOUNTS_LICENSE``). Precedence:
command line > environment > settings file > defaults. One ``Settings`` object is built at start
and passed down; nothing reads the environment later.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from docintel.core.errors import ConfigurationError


class ContainerKind(StrEnum):
    """Which models a process serves (``ContainerKind`` setting)."""

    READ = "read"
    LAYOUT = "layout"
    DOCUMENT = "document"
    INVOICE = "invoice"
    RECEIPT = "receipt"
    ID_DOCUMENT = "idDocument"
    BUSINESS_CARD = "businessCard"
    CUSTOM_TEMPLATE = "customTemplate"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class _Key:
    attr: str
    kind: str  # str | int | bool | path | kind | float
    names: tuple[str, ...]


# Canonical setting names (first) and aliases; compared after normalisation (see _norm).
_KEYS: tuple[_Key, ...] = (
    _Key("eula", "str", ("Eula",)),
    _Key("billing", "str", ("Billing",)),
    _Key("api_key", "str", ("ApiKey", "Key")),
    _Key("download_license", "bool", ("DownloadLicense",)),
    _Key("license_dir", "path", ("Mounts:License",)),
    _Key("output_dir", "path", ("Mounts:Output",)),
    _Key("shared_dir", "path", ("Mounts:Shared",)),
    _Key("shared_root_folder", "path", ("SharedRootFolder",)),
    _Key("log_level", "str", ("Logging:Console:LogLevel:Default",)),
    _Key("log_disk_format", "str", ("Logging:Disk:Format",)),
    _Key("layout_host", "str", ("AzureCognitiveServiceLayoutHost",)),
    _Key("read_host", "str", ("AzureCognitiveServiceReadHost",)),
    _Key("container_kind", "kind", ("ContainerKind", "docintel:ContainerKind")),
    _Key("workers", "int", ("Workers", "docintel:Workers")),
    _Key("host", "str", ("Host", "docintel:Host")),
    _Key("port", "int", ("Port", "docintel:Port")),
    _Key("require_key", "bool", ("Authentication:RequireKey",)),
    _Key("result_ttl_minutes", "int", ("ResultTimeToLiveInMinutes", "StorageTimeToLiveInMinutes")),
    _Key("task_timeout_minutes", "int", ("Task:MaxRunningTimeSpanInMinutes",)),
    _Key("max_document_bytes", "int", ("Limits:MaxDocumentBytes",)),
    _Key("max_pages", "int", ("Limits:MaxPages",)),
    _Key("models_limit", "int", ("Models:Limit",)),
    _Key("forwarded_headers", "bool", ("ForwardedHeaders:Enabled",)),
    _Key("ocr_engine", "str", ("Ocr:Engine", "docintel:OcrEngine")),
    _Key("ocr_threads", "int", ("Ocr:Threads",)),
    _Key("pages_per_chunk", "int", ("Jobs:PagesPerChunk",)),
    _Key("url_timeout_seconds", "float", ("UrlSource:TimeoutSeconds",)),
    _Key("url_file_root", "path", ("UrlSource:FileRoot",)),
    _Key("memory_limit_mb", "int", ("HealthCheck:MemoryUpperboundInMB",)),
    _Key("license_public_key", "str", ("License:PublicKey",)),
    _Key("license_public_key_file", "path", ("License:PublicKeyFile",)),
    _Key("billing_report_interval_seconds", "float", ("Billing:ReportIntervalSeconds",)),
)

# Keys the real containers accept that have no meaning offline: accepted and ignored quietly.
_IGNORED = (
    "ApplicationInsights:InstrumentationKey",
    "Fluentd:Host",
    "Fluentd:Port",
    "Queue:Azure:ConnectionString",
    "Storage:ObjectStore:AzureBlob:ConnectionString",
    "HTTP_PROXY",
    "HTTP_PROXY_CREDS_USER",
    "HTTP_PROXY_CREDS_PASSWORD",
    "HTTP_PROXY_BYPASS_URLS",
)


def _norm(key: str) -> str:
    """Normalise a key for comparison: case-insensitive, ``:``/``__``/``_`` all equivalent."""
    k = key.strip().lower().replace("__", ":").replace("_", ":")
    return k.replace(":", "")


_BY_NORM: dict[str, _Key] = {_norm(n): k for k in _KEYS for n in k.names}
_IGNORED_NORM = {_norm(n) for n in _IGNORED}


@dataclass(frozen=True, slots=True)
class Settings:
    """All runtime settings, resolved once at start."""

    eula: str | None = None
    billing: str | None = None
    api_key: str | None = None
    download_license: bool = False
    license_dir: Path | None = None
    output_dir: Path | None = None
    shared_dir: Path | None = None
    shared_root_folder: Path | None = None
    log_level: str = "Information"
    log_disk_format: str | None = None
    layout_host: str | None = None
    read_host: str | None = None
    container_kind: ContainerKind = ContainerKind.ALL
    workers: int = 0  # 0 → one per core
    host: str = "0.0.0.0"
    port: int = 5000
    require_key: bool = False
    result_ttl_minutes: int = 1440
    task_timeout_minutes: int = 60
    max_document_bytes: int = 500 * 1024 * 1024
    max_pages: int = 2000
    models_limit: int = 5000
    forwarded_headers: bool = False
    ocr_engine: str = "cascade"
    ocr_threads: int = 1
    pages_per_chunk: int = 0  # 0 → split evenly over workers
    url_timeout_seconds: float = 60.0
    url_file_root: Path | None = None
    memory_limit_mb: int = 0
    # Ed25519 public key(s) whose licenses this container trusts (base64 raw keys, comma
    # separated) and/or a file of such keys or PEM blocks.
    license_public_key: str | None = None
    license_public_key_file: Path | None = None
    # Connected mode: how often unacknowledged usage records are sent to Billing.
    billing_report_interval_seconds: float = 600.0
    unknown_keys: tuple[str, ...] = field(default=())

    @property
    def data_dir(self) -> Path:
        """Root of the embedded store (operations, inputs, results)."""
        return self.shared_root_folder or self.shared_dir or Path("data")

    @property
    def worker_count(self) -> int:
        """Worker processes to start (``Workers``, default one per core)."""
        return self.workers if self.workers > 0 else max(1, os.cpu_count() or 1)

    @property
    def mode(self) -> str:
        """``disconnected`` (license mount), ``connected`` (Billing+ApiKey) or ``standalone``."""
        if self.license_dir is not None and not self.download_license:
            return "disconnected"
        if self.billing or self.api_key:
            return "connected"
        return "standalone"

    @property
    def usage_dir(self) -> Path | None:
        """Where usage records go: ``Mounts:Output``; connected without it: under the store."""
        if self.output_dir is not None:
            return self.output_dir
        if self.mode == "connected":
            return self.data_dir / "output"
        return None

    def with_overrides(self, **kw: Any) -> Settings:
        """A copy with some attributes replaced."""
        return replace(self, **kw)


def _convert(key: _Key, raw: str) -> Any:
    value = raw.strip()
    try:
        if key.kind == "int":
            return int(value)
        if key.kind == "float":
            return float(value)
        if key.kind == "bool":
            low = value.lower()
            if low in ("true", "1", "yes", "on"):
                return True
            if low in ("false", "0", "no", "off", ""):
                return False
            raise ValueError(value)
        if key.kind == "path":
            return Path(value).expanduser() if value else None
        if key.kind == "kind":
            for k in ContainerKind:
                if k.value.lower() == value.lower():
                    return k
            raise ValueError(value)
    except ValueError as e:
        raise ConfigurationError(f"Setting {key.names[0]} has an invalid value: {raw!r}") from e
    return value


def parse_assignments(args: Iterable[str]) -> dict[str, str]:
    """``["Eula=accept", "Mounts:Shared=/x"]`` → mapping; an argument without ``=`` is an error."""
    out: dict[str, str] = {}
    for arg in args:
        if "=" not in arg:
            raise ConfigurationError(f"Expected Key=Value, got {arg!r}")
        k, v = arg.split("=", 1)
        out[k.strip()] = v
    return out


def load_settings(
    args: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    settings_file: Path | None = None,
) -> Settings:
    """Resolve settings from (in order of precedence) args, environment, a JSON settings file."""
    values: dict[str, Any] = {}
    unknown: list[str] = []

    def apply(source: Mapping[str, Any], *, strict: bool) -> None:
        for raw_key, raw_value in source.items():
            nk = _norm(raw_key)
            key = _BY_NORM.get(nk)
            if key is None:
                if strict and nk not in _IGNORED_NORM:
                    unknown.append(raw_key)
                continue
            if key.attr not in values:
                values[key.attr] = _convert(key, str(raw_value))

    if args:
        apply(args, strict=True)
    if env is not None:
        # Only variables that name a known key count; the environment holds much else.
        apply({k: v for k, v in env.items() if _norm(k) in _BY_NORM}, strict=False)
    if settings_file is not None:
        try:
            data = json.loads(settings_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ConfigurationError(f"Cannot read settings file {settings_file}: {e}") from e
        if not isinstance(data, dict):
            raise ConfigurationError(f"Settings file {settings_file} must hold a JSON object")
        apply(_flatten(data), strict=True)
    known = {f.name for f in fields(Settings)}
    settings = Settings(**{k: v for k, v in values.items() if k in known})
    return replace(settings, unknown_keys=tuple(unknown))


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in data.items():
        key = f"{prefix}:{k}" if prefix else str(k)
        if isinstance(v, Mapping):
            out.update(_flatten(v, key))
        else:
            out[key] = v
    return out


def validate_for_serving(settings: Settings) -> None:
    """Refuse to start on settings the containers refuse (one clear line each)."""
    if (settings.eula or "").strip().lower() != "accept":
        raise ConfigurationError(
            "Eula must be 'accept' (pass Eula=accept) before the service can start."
        )
    if settings.mode == "connected" and not (settings.billing and settings.api_key):
        missing = "ApiKey" if settings.billing else "Billing"
        raise ConfigurationError(f"{missing} is required when Billing or ApiKey is given.")
    if settings.mode == "disconnected" and settings.output_dir is None:
        raise ConfigurationError(
            "Mounts:Output is required in disconnected mode (usage records are written there)."
        )
    if settings.download_license and not (
        settings.billing and settings.api_key and settings.license_dir
    ):
        raise ConfigurationError("DownloadLicense=True needs Billing, ApiKey and Mounts:License.")
    if settings.billing_report_interval_seconds <= 0:
        raise ConfigurationError("Billing:ReportIntervalSeconds must be > 0.")
    if (
        settings.shared_dir
        and settings.shared_root_folder
        and settings.shared_dir.resolve() != settings.shared_root_folder.resolve()
    ):
        raise ConfigurationError("Mounts:Shared and SharedRootFolder must name the same folder.")
    if settings.workers < 0 or settings.port <= 0 or settings.port > 65535:
        raise ConfigurationError("Workers must be >= 0 and Port within 1..65535.")
