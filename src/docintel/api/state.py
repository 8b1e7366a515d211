"""Per-app service state (settings, store, runner) and the request dependencies that use it."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Query, Request

from docintel.api.errors import GATEWAY_401, GATEWAY_404, GatewayError
from docintel.core.settings import Settings
from docintel.jobs.runner import JobRunner
from docintel.jobs.store import OperationStore
from docintel.licensing.runtime import Clock, LicenseGuard, utc_now
from docintel.metering.log import UsageLog
from docintel.metering.reporter import UsageReporter
from docintel.models.registry import API_VERSIONS


@dataclass(slots=True)
class ServiceState:
    """Everything a request handler may need, built once per app."""

    settings: Settings
    store: OperationStore
    runner: JobRunner
    # One thread owns every PDF/image decode done in the API process (pdfium is not
    # thread-safe); used only for the quick synchronous validation of uploads.
    validator: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="validate")
    )
    started: float = field(default_factory=time.time)
    license: LicenseGuard = field(default_factory=lambda: LicenseGuard(False, "all"))
    usage: UsageLog | None = None
    reporter: UsageReporter | None = None
    # The clock for license validity and usage timestamps; tests replace it (never sleep).
    clock: Clock = utc_now

    def require_license(self) -> None:
        """403 (Azure envelope) when the license is missing, invalid or expired now."""
        self.license.require(self.clock())

    async def validate(self, fn: object, *args: object) -> object:
        """Run a decode check on the validator thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.validator, fn, *args)  # type: ignore[arg-type]


def get_state(request: Request) -> ServiceState:
    """The app's ServiceState."""
    state: ServiceState = request.app.state.service
    return state


State = Annotated[ServiceState, Depends(get_state)]


def api_version(
    request: Request,
    version: Annotated[str | None, Query(alias="api-version")] = None,
) -> str:
    """The request's api-version; missing or unsupported → the gateway's 404."""
    if version not in API_VERSIONS:
        raise GatewayError(404, GATEWAY_404)
    state = get_state(request)
    if state.settings.require_key:
        key = request.headers.get("ocp-apim-subscription-key")
        if not key or key != state.settings.api_key:
            raise GatewayError(401, GATEWAY_401)
    return version


ApiVersion = Annotated[str, Depends(api_version)]


def base_url(request: Request, settings: Settings) -> str:
    """Scheme://host[:port][/prefix] as the client used it (for Operation-Location)."""
    scheme = request.url.scheme
    host = request.headers.get("host") or request.url.netloc
    prefix = request.scope.get("root_path", "")
    if settings.forwarded_headers:
        scheme = request.headers.get("x-forwarded-proto", scheme).split(",")[0].strip()
        host = request.headers.get("x-forwarded-host", host).split(",")[0].strip()
        prefix = request.headers.get("x-forwarded-prefix", prefix).rstrip("/")
    return f"{scheme}://{host}{prefix}"
