"""Taking in an analyze request's document: raw body, base64 or a URL, streamed to disk."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlparse

import httpx
from fastapi import Request

from docintel.core.errors import (
    ContentSourceNotAccessibleError,
    ContentSourceTimeoutError,
    InvalidContentError,
    InvalidContentLengthError,
    InvalidContentSourceFormatError,
    UnsupportedMediaTypeError,
)
from docintel.core.settings import Settings

BINARY_TYPES = frozenset(
    {
        "application/octet-stream",
        "application/pdf",
        "image/jpeg",
        "image/jpg",
        "image/png",
        "image/tiff",
        "image/bmp",
        "image/heif",
        "image/heic",
    }
)
# Accepted by 3.1 (read only supports them upstream; ingest answers UnsupportedContent today).
BINARY_TYPES_31 = frozenset(
    {
        "text/html",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)
# A JSON body only carries a URL or base64; 4/3 of the document limit bounds the latter.
_JSON_OVERHEAD = 4 / 3


def _too_large(limit: int) -> InvalidContentLengthError:
    return InvalidContentLengthError(
        f"The input is larger than the maximum file size of {limit // (1024 * 1024)} MB."
    )


async def _write(f: IO[bytes], chunk: bytes) -> None:
    await asyncio.to_thread(f.write, chunk)


async def receive_document(
    request: Request, settings: Settings, api_version: str, dest: Path
) -> None:
    """Write the request's document to ``dest`` (raw body, base64Source or urlSource)."""
    media = (request.headers.get("content-type") or "application/octet-stream").split(";")[0]
    media = media.strip().lower()
    limit = settings.max_document_bytes
    if media == "application/json":
        raw = await _read_limited(request, int(limit * _JSON_OVERHEAD) + 4096, limit)
        await _from_json(raw, settings, dest)
        return
    allowed = BINARY_TYPES | (BINARY_TYPES_31 if api_version == "2023-07-31" else frozenset())
    if media not in allowed:
        raise UnsupportedMediaTypeError()
    size = 0
    with dest.open("wb") as f:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            if chunk:
                await _write(f, chunk)
    if size == 0:
        raise InvalidContentError("The request body is empty.")


async def _read_limited(request: Request, max_len: int, limit: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_len:
            raise _too_large(limit)
        parts.append(chunk)
    return b"".join(parts)


async def _from_json(raw: bytes, settings: Settings, dest: Path) -> None:
    if not raw.strip():
        raise InvalidContentSourceFormatError(
            "The request body is empty: give urlSource or base64Source."
        )
    try:
        body = json.loads(raw)
    except ValueError as e:
        raise InvalidContentSourceFormatError("The request body is not valid JSON.") from e
    if not isinstance(body, dict):
        raise InvalidContentSourceFormatError("The request body must be a JSON object.")
    url = body.get("urlSource")
    b64 = body.get("base64Source")
    if (url is None) == (b64 is None):
        raise InvalidContentSourceFormatError("Give exactly one of urlSource or base64Source.")
    if b64 is not None:
        if not isinstance(b64, str):
            raise InvalidContentSourceFormatError("base64Source must be a string.")
        try:
            data = base64.b64decode(b64, validate=True)
        except (binascii.Error, ValueError) as e:
            raise InvalidContentSourceFormatError("base64Source is not valid base64.") from e
        if not data:
            raise InvalidContentError("The document is empty.")
        if len(data) > settings.max_document_bytes:
            raise _too_large(settings.max_document_bytes)
        await asyncio.to_thread(dest.write_bytes, data)
        return
    if not isinstance(url, str) or not url:
        raise InvalidContentSourceFormatError("urlSource must be a non-empty string.")
    await download(url, settings, dest)


async def download(url: str, settings: Settings, dest: Path) -> None:
    """Fetch ``urlSource`` into ``dest`` (http/https; file:// only under UrlSource:FileRoot)."""
    parsed = urlparse(url)
    limit = settings.max_document_bytes
    if parsed.scheme == "file":
        await asyncio.to_thread(_copy_local, unquote(parsed.path), settings, dest)
        return
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InvalidContentSourceFormatError(f"Unsupported URL: {url!r}.")
    timeout = httpx.Timeout(settings.url_timeout_seconds)
    try:
        async with (
            httpx.AsyncClient(timeout=timeout, follow_redirects=True) as client,
            client.stream("GET", url) as resp,
        ):
            if resp.status_code != 200:
                raise ContentSourceNotAccessibleError(
                    f"Content is not accessible: the server answered HTTP {resp.status_code}."
                )
            size = 0
            with dest.open("wb") as f:
                async for chunk in resp.aiter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise _too_large(limit)
                    await _write(f, chunk)
    except httpx.TimeoutException as e:
        raise ContentSourceTimeoutError("Timeout while downloading the urlSource.") from e
    except httpx.HTTPError as e:
        raise ContentSourceNotAccessibleError(f"Content is not accessible: {e}") from e
    if dest.stat().st_size == 0:
        raise InvalidContentError("The downloaded document is empty.")


def _copy_local(path: str, settings: Settings, dest: Path) -> None:
    root = settings.url_file_root
    if root is None:
        raise ContentSourceNotAccessibleError(
            "file:// URLs are disabled; set UrlSource:FileRoot to allow a folder."
        )
    src = Path(path).resolve()
    if not src.is_relative_to(root.resolve()) or not src.is_file():
        raise ContentSourceNotAccessibleError(
            "Content is not accessible: no such file under the root."
        )
    if src.stat().st_size > settings.max_document_bytes:
        raise _too_large(settings.max_document_bytes)
    dest.write_bytes(src.read_bytes())
