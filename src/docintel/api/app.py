"""``create_app(settings)``: the FastAPI application of one replica."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docintel import __version__
from docintel.api.errors import install_error_handlers
from docintel.api.routers import analyze, container, models, records
from docintel.api.state import ServiceState
from docintel.core.settings import Settings
from docintel.jobs.runner import JobRunner
from docintel.jobs.store import OperationRecord, OperationStore
from docintel.licensing.runtime import LicenseGuard
from docintel.metering.log import UsageLog
from docintel.metering.records import operation_meters
from docintel.metering.reporter import UsageReporter
from docintel.models.registry import PREBUILT

CUSTOM_METER = "FormRecognizer.Custom.Pages"

log = logging.getLogger(__name__)


class RequestIdMiddleware:
    """Adds ``apim-request-id`` to every response and echoes ``x-ms-client-request-id``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client_id = None
        for k, v in scope.get("headers", []):
            if k == b"x-ms-client-request-id":
                client_id = v
        request_id = str(uuid.uuid4()).encode()

        async def send_with_ids(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"apim-request-id" not in names:
                    headers.append((b"apim-request-id", request_id))
                if client_id is not None:
                    headers.append((b"x-ms-client-request-id", client_id))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_ids)


def _usage_hook(service: ServiceState) -> Callable[[OperationRecord, int], None]:
    """Write the usage records of a computed operation (before it is marked succeeded)."""

    def record(rec: OperationRecord, pages: int) -> None:
        assert service.usage is not None
        model = PREBUILT.get(rec.model_id)
        meter = model.meter if model is not None else CUSTOM_METER
        features = rec.options.get("features") or ()
        meters = operation_meters(meter, features, pages)
        service.usage.record(rec.id, rec.model_id, meters, service.clock())

    return record


def create_app(settings: Settings, *, start_runner: bool = True) -> FastAPI:
    """Build the app: store under ``Mounts:Shared``, worker pool, routers, error mapping."""
    store = OperationStore(settings.data_dir)
    runner = JobRunner(settings, store)
    service = ServiceState(
        settings=settings,
        store=store,
        runner=runner,
        license=LicenseGuard.from_settings(settings),
    )
    usage_dir = settings.usage_dir
    if usage_dir is not None:
        service.usage = UsageLog(usage_dir, settings.container_kind.value)
        runner.on_success = _usage_hook(service)
    if settings.mode == "connected" and service.usage is not None:
        assert settings.billing and settings.api_key
        service.reporter = UsageReporter(service.usage, settings.billing, settings.api_key)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if start_runner:
            await runner.start()
        reporting = None
        if service.reporter is not None and start_runner:
            reporting = asyncio.create_task(
                service.reporter.run(settings.billing_report_interval_seconds)
            )
        try:
            yield
        finally:
            if reporting is not None:
                reporting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reporting
            await runner.stop()
            service.validator.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        title="docintel",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.service = service
    install_error_handlers(app)
    app.include_router(analyze.router)
    app.include_router(models.router)
    app.include_router(container.router)
    app.include_router(records.router)
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/swagger-ui", StaticFiles(directory=swagger_ui_path), name="swagger-ui")
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"],
        allow_headers=[
            "cache-control",
            "content-type",
            "ocp-apim-subscription-key",
            "x-ms-useragent",
        ],
        expose_headers=["*"],
    )
    app.add_middleware(RequestIdMiddleware)
    return app
