"""Usage reports over the records in ``Mounts:Output`` (no prefix, no api-version, no key).

The chain of records is verified in full before anything is summed; a broken chain is a 409
``Conflict`` / ``UsageRecordsInvalid`` naming the first bad record, never a silent total.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response

from docintel.api.errors import json_response
from docintel.api.state import ServiceState, State
from docintel.core.errors import InvalidParameterError, NotFoundError

router = APIRouter(prefix="/records")


def parse_month_year(month: str, year: str) -> tuple[int, int]:
    """``MONTH`` 1–12 and a 4-digit ``YEAR``, else 400 ``InvalidArgument``."""
    if not (month.isascii() and month.isdigit() and 1 <= int(month) <= 12 and len(month) <= 2):
        raise InvalidParameterError("MONTH", "must be a month number from 1 to 12.")
    if not (year.isascii() and year.isdigit() and len(year) == 4 and int(year) >= 1):
        raise InvalidParameterError("YEAR", "must be a 4-digit year.")
    return int(month), int(year)


async def _report(state: ServiceState, month: int | None, year: int | None) -> Response:
    if state.usage is None:
        raise NotFoundError("Usage records are not kept: Mounts:Output is not set.")
    body = await asyncio.to_thread(
        state.usage.report, state.settings.container_kind.value, month, year
    )
    return json_response(body)


@router.get("/usage-logs")
async def usage_logs(state: State) -> Response:
    """Pages per meter over every record."""
    return await _report(state, None, None)


@router.get("/usage-logs/{month}/{year}")
async def usage_logs_month(month: str, year: str, state: State) -> Response:
    """Pages per meter over the records of one calendar month (UTC)."""
    m, y = parse_month_year(month, year)
    return await _report(state, m, y)
