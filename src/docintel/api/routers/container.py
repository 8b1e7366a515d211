"""Container endpoints (no prefix, no api-version, no key): home, ready, status, swagger."""

from __future__ import annotations

import html
import json
from functools import cache
from importlib import resources
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from docintel import __version__
from docintel.api.errors import GATEWAY_404, GatewayError, json_response
from docintel.api.state import State
from docintel.licensing.license import iso_z
from docintel.models.registry import API_VERSIONS, visible_models

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
async def home(state: State) -> HTMLResponse:
    """A small status page."""
    kind = state.settings.container_kind.value
    models = ", ".join(m.model_id for m in visible_models(state.settings.container_kind))
    ready = "ready" if state.runner.ready else "starting"
    body = f"""<!doctype html><html><head><meta charset="utf-8"><title>docintel</title></head>
<body><h1>docintel {html.escape(__version__)}</h1>
<p>Container kind <b>{html.escape(kind)}</b> is running ({ready}).
Models: {html.escape(models)}.</p>
<p>Mode: {html.escape(state.settings.mode)}.</p>
<ul><li><a href="swagger">API reference (swagger)</a></li><li><a href="status">status</a></li>
<li><a href="ready">ready</a></li></ul></body></html>"""
    return HTMLResponse(body)


def _readiness(state: Any) -> tuple[bool, str]:
    problem = state.license.problem(state.clock())
    if problem is not None:
        return False, problem.detail or problem.message
    if not state.runner.ready:
        return False, "Worker processes are starting (loading models)."
    limit = state.settings.memory_limit_mb
    if limit > 0:
        import psutil

        rss = psutil.Process().memory_info().rss / 2**20
        if rss > limit:
            return False, f"Memory use {rss:.0f} MB exceeds {limit} MB."
    return True, ""


@router.get("/ready")
async def ready(state: State) -> Response:
    """200 when the service can accept analyze requests, else 503 with the reason."""
    ok, reason = _readiness(state)
    if ok:
        return json_response({"status": "ready"})
    return json_response({"status": "notReady", "reason": reason}, 503, {"Retry-After": "1"})


@router.get("/ContainerReadiness")
async def container_readiness(state: State) -> Response:
    """Alias of ``/ready``."""
    return await ready(state)


@router.get("/ContainerLiveness")
async def container_liveness() -> Response:
    """The process answers."""
    return json_response({"status": "alive"})


@router.get("/status")
async def status(state: State) -> Response:
    """Whether the configuration (key, billing, license) is valid, without analysing anything."""
    mode = state.settings.mode
    if mode == "standalone":
        msg = "Running standalone: no billing endpoint or license is configured; metering is local."
    elif mode == "connected":
        msg = "Billing endpoint and API key are configured."
        reporter = state.reporter
        if reporter is not None and reporter.last_error:
            msg += (
                f" Usage reporting is retrying ({reporter.failures} failed attempt(s));"
                " records are kept in the output folder."
            )
    else:
        problem = state.license.problem(state.clock())
        if problem is not None:
            reason = problem.detail or problem.message
            return json_response({"apiStatus": "Invalid", "apiStatusMessage": reason})
        lic = state.license.payload
        assert lic is not None
        msg = (
            f"License {lic.license_id} is valid for {', '.join(lic.container_kinds)} "
            f"until {iso_z(lic.expires_at)}."
        )
    return json_response({"apiStatus": "Valid", "apiStatusMessage": msg})


@cache
def _spec(version: str) -> dict[str, Any]:
    text = resources.files("docintel.api").joinpath("specs", f"{version}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@router.get("/swagger/{version}/swagger.json")
async def swagger_json(version: str, request: Request) -> Response:
    """The official swagger of one api-version, pointed at this host."""
    if version not in API_VERSIONS:
        raise GatewayError(404, GATEWAY_404)
    spec = dict(_spec(version))
    spec.pop("x-ms-parameterized-host", None)
    spec["host"] = request.headers.get("host", request.url.netloc)
    spec["schemes"] = [request.url.scheme]
    spec["basePath"] = "/formrecognizer"
    return json_response(spec)


@router.get("/swagger", response_class=HTMLResponse)
async def swagger_ui() -> HTMLResponse:
    """Swagger UI (assets served locally; nothing is loaded from the internet)."""
    urls = ", ".join(
        f'{{url: "swagger/{v}/swagger.json", name: "{v}"}}' for v in reversed(API_VERSIONS)
    )
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>docintel API</title>
<link rel="stylesheet" href="swagger-ui/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="swagger-ui/swagger-ui-bundle.js"></script>
<script src="swagger-ui/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({{urls: [{urls}], dom_id: "#swagger-ui",
presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"}});
</script></body></html>"""
    return HTMLResponse(page)
