"""The one place where errors become HTTP responses (the Azure error envelope)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from docintel.core.errors import DocIntelError, InternalError

log = logging.getLogger(__name__)

JSON_TYPE = "application/json; charset=utf-8"

GATEWAY_404: dict[str, Any] = {"error": {"code": "404", "message": "Resource not found"}}
GATEWAY_401: dict[str, Any] = {
    "error": {
        "code": "401",
        "message": "Access denied due to invalid subscription key or wrong API endpoint. "
        "Make sure to provide a valid key for an active subscription and use a correct "
        "regional API endpoint for your resource.",
    }
}


class GatewayError(Exception):
    """An error answered the way Azure's gateway does (numeric code, no innererror)."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body["error"]["message"])
        self.status = status
        self.body = body


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> JSONResponse:
    """A JSON response with the exact media type the SDK expects."""
    return JSONResponse(body, status_code=status, headers=headers, media_type=JSON_TYPE)


def error_response(err: DocIntelError) -> JSONResponse:
    """The envelope for a typed error; 503/429 carry Retry-After."""
    headers = {"Retry-After": "1"} if err.status in (429, 503) else None
    return json_response(err.to_envelope(), err.status, headers)


def install_error_handlers(app: FastAPI) -> None:
    """Map every exception to the Azure envelope (never a non-JSON body)."""

    @app.exception_handler(DocIntelError)
    async def _docintel(_: Request, exc: DocIntelError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(GatewayError)
    async def _gateway(_: Request, exc: GatewayError) -> JSONResponse:
        return json_response(exc.body, exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        from docintel.core.errors import InvalidArgumentError

        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path"))
        msg = first.get("msg", "invalid value")
        return error_response(InvalidArgumentError(f"The parameter {where} is invalid: {msg}"))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            return json_response(GATEWAY_404, 404)
        if exc.status_code == 405:
            body = {
                "error": {
                    "code": "MethodNotAllowed",
                    "message": "The requested HTTP method is not allowed.",
                }
            }
            return json_response(body, 405)
        body = {"error": {"code": str(exc.status_code), "message": str(exc.detail)}}
        return json_response(body, exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(InternalError("An unexpected error occurred."))
