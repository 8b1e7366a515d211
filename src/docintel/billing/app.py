"""The billing service (``docintel billing serve``): signs licenses, receives usage reports.

Routes (all JSON, errors in the Azure envelope; the resource is identified by its API key in
``Ocp-Apim-Subscription-Key``):

* ``POST /licenses`` ``{"containerKind": "read"}`` → the license file bytes (200), 401 on an
  unknown key, 403 when the kind is not in the resource's plan, 400 on an unknown kind.
* ``POST /usage`` ``{"records": [...]}`` → ``{"acknowledged": [ids], "accepted", "duplicates"}``;
  idempotent by record id, so a retried batch is never counted twice.
* ``GET /usage`` → pages per meter received for the key's resource.
* ``GET /public-key`` → the public key (informative: containers must be *configured* with it).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from docintel.billing.db import BillingDB, Resource, load_or_create_signing_key, normalise_kinds
from docintel.licensing.license import (
    LicensePayload,
    LicensePlan,
    LicenseResource,
    iso_z,
    key_id,
    public_key_text,
    sign_license,
)

Clock = Callable[[], datetime]
_USAGE_FIELDS = {"recordId", "timestamp", "resultId", "modelId", "meter", "quantity"}
MAX_BATCH = 5000


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def issue_license(
    resource: Resource, kind: str, signer_key: Any, now: datetime
) -> tuple[LicensePayload, bytes]:
    """Build and sign a license for one container kind of a resource."""
    issued = now.replace(microsecond=0)
    payload = LicensePayload(
        license_id=str(uuid.uuid4()),
        key_id=key_id(signer_key.public_key()),
        resource=LicenseResource(id=resource.id, name=resource.name, endpoint=resource.endpoint),
        container_kinds=(kind,),
        issued_at=issued,
        expires_at=issued + timedelta(days=resource.validity_days),
        plan=LicensePlan(
            name="commitment",
            pages_per_month=resource.pages_per_month,
            validity_days=resource.validity_days,
        ),
    )
    return payload, sign_license(payload, signer_key)


def create_billing_app(data_dir: Path, clock: Clock | None = None) -> FastAPI:
    """The billing service over ``data_dir`` (SQLite database and signing key)."""
    db = BillingDB(data_dir)
    signer = load_or_create_signing_key(data_dir)
    now: Clock = clock or (lambda: datetime.now(UTC))
    app = FastAPI(title="docintel billing", docs_url=None, redoc_url=None, openapi_url=None)

    async def resource_of(request: Request) -> Resource | None:
        key = request.headers.get("ocp-apim-subscription-key", "")
        if not key:
            return None
        return await asyncio.to_thread(db.resource_for_key, key)

    def unauthorized() -> JSONResponse:
        return _error(401, "401", "Access denied due to an invalid API key.")

    async def json_body(request: Request) -> Any:
        try:
            return await request.json()
        except ValueError:
            return None

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/public-key")
    async def public_key() -> dict[str, str]:
        pub = signer.public_key()
        return {"publicKey": public_key_text(pub), "keyId": key_id(pub)}

    @app.post("/licenses")
    async def licenses(request: Request) -> Response:
        resource = await resource_of(request)
        if resource is None:
            return unauthorized()
        body = await json_body(request)
        raw = body.get("containerKind") if isinstance(body, dict) else None
        if not isinstance(raw, str):
            return _error(400, "InvalidRequest", 'The body must be {"containerKind": "..."}.')
        try:
            (kind,) = normalise_kinds([raw])
        except ValueError as e:
            return _error(400, "InvalidArgument", str(e))
        if kind not in resource.container_kinds:
            return _error(
                403,
                "Forbidden",
                f"Container kind {kind} is not in the plan of resource {resource.id} "
                f"({', '.join(resource.container_kinds)}).",
            )
        payload, data = issue_license(resource, kind, signer, now())
        await asyncio.to_thread(
            db.log_license,
            payload.license_id,
            resource.id,
            kind,
            iso_z(payload.issued_at),
            iso_z(payload.expires_at),
        )
        return Response(data, media_type="application/json")

    @app.post("/usage")
    async def usage(request: Request) -> Response:
        resource = await resource_of(request)
        if resource is None:
            return unauthorized()
        body = await json_body(request)
        records = body.get("records") if isinstance(body, dict) else None
        if not isinstance(records, list) or len(records) > MAX_BATCH:
            return _error(400, "InvalidRequest", f'Expected {{"records": [...]}} (≤{MAX_BATCH}).')
        for r in records:
            ok = isinstance(r, dict) and set(r) >= _USAGE_FIELDS
            if not ok or not isinstance(r["quantity"], int) or r["quantity"] < 0:
                return _error(400, "InvalidRequest", "A usage record is malformed.")
            r.setdefault("containerKind", "")
        new, dup = await asyncio.to_thread(db.add_usage, resource.id, records, iso_z(now()))
        acked = [str(r["recordId"]) for r in records]
        return JSONResponse({"acknowledged": acked, "accepted": new, "duplicates": dup})

    @app.get("/usage")
    async def usage_totals(request: Request) -> Response:
        resource = await resource_of(request)
        if resource is None:
            return unauthorized()
        totals = await asyncio.to_thread(db.usage_totals, resource.id)
        count = await asyncio.to_thread(db.usage_count, resource.id)
        meters = [{"name": k, "quantity": v} for k, v in totals.items()]
        return JSONResponse({"resourceId": resource.id, "records": count, "meters": meters})

    return app
