"""Typed errors carrying the Azure error code, inner code and HTTP status.

Every error the service can report derives from :class:`DocIntelError`. The mapping to HTTP
responses lives only in ``docintel.api.errors``; workers store ``to_error_body()`` in a failed
operation.
"""

from __future__ import annotations

from typing import Any


class DocIntelError(Exception):
    """Root of all docintel errors: an Azure ``Error`` object with an HTTP status."""

    status: int = 500
    code: str = "InternalServerError"
    message: str = "An unexpected error occurred."
    inner_code: str | None = "Unknown"

    def __init__(
        self,
        detail: str | None = None,
        *,
        inner_code: str | None = None,
        message: str | None = None,
        target: str | None = None,
    ) -> None:
        self.detail = detail
        if inner_code is not None:
            self.inner_code = inner_code
        if message is not None:
            self.message = message
        self.target = target
        super().__init__(detail or self.message)

    def to_error_body(self) -> dict[str, Any]:
        """The Azure ``Error`` object (the value under the envelope's ``error`` key)."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.target:
            body["target"] = self.target
        if self.inner_code:
            inner: dict[str, Any] = {"code": self.inner_code}
            if self.detail:
                inner["message"] = self.detail
            body["innererror"] = inner
        return body

    def to_envelope(self) -> dict[str, Any]:
        """The full JSON body ``{"error": {...}}``."""
        return {"error": self.to_error_body()}


class InvalidRequestError(DocIntelError):
    """400 ``InvalidRequest``: the request or its content cannot be processed."""

    status = 400
    code = "InvalidRequest"
    message = "Invalid request."
    inner_code = "InvalidContent"


class InvalidContentError(InvalidRequestError):
    """The file is corrupted, encrypted, empty or of an unknown format."""

    inner_code = "InvalidContent"

    def __init__(self, detail: str | None = None, **kw: Any) -> None:
        super().__init__(
            detail
            or "The file is corrupted or format is unsupported. "
            "Refer to documentation for the list of supported formats.",
            **kw,
        )


class UnsupportedContentError(InvalidRequestError):
    """A known format that this model or version does not support."""

    inner_code = "UnsupportedContent"


class InvalidContentLengthError(InvalidRequestError):
    """The file exceeds the configured size limit."""

    inner_code = "InvalidContentLength"


class InvalidContentDimensionsError(InvalidRequestError):
    """An image or page is smaller or larger than the supported dimensions."""

    inner_code = "InvalidContentDimensions"


class ContentSourceNotAccessibleError(InvalidRequestError):
    """A ``urlSource`` could not be downloaded."""

    inner_code = "ContentSourceNotAccessible"


class ContentSourceTimeoutError(InvalidRequestError):
    """A ``urlSource`` download timed out."""

    inner_code = "ContentSourceTimeout"


class InvalidArgumentError(DocIntelError):
    """400 ``InvalidArgument``: a parameter has a bad value."""

    status = 400
    code = "InvalidArgument"
    message = "Invalid argument."
    inner_code = "InvalidParameter"


class InvalidParameterError(InvalidArgumentError):
    """A query parameter or path parameter is malformed."""

    def __init__(self, parameter: str, detail: str, **kw: Any) -> None:
        super().__init__(f"The parameter {parameter} is invalid: {detail}", **kw)
        self.parameter = parameter


class InvalidContentSourceFormatError(InvalidArgumentError):
    """The JSON analyze body is malformed (both/neither source, bad base64)."""

    inner_code = "InvalidContentSourceFormat"


class NotFoundError(DocIntelError):
    """404 ``NotFound``."""

    status = 404
    code = "NotFound"
    message = "Resource not found."
    inner_code = "NotFound"


class ModelNotFoundError(NotFoundError):
    """The model does not exist here (or is not served by this container kind)."""

    inner_code = "ModelNotFound"

    def __init__(self, detail: str | None = None, **kw: Any) -> None:
        super().__init__(
            detail
            or "The requested model was not found. It may have been deleted or is still building.",
            **kw,
        )


class OperationNotFoundError(NotFoundError):
    """The operation or analyze result id is unknown or expired."""

    inner_code = "OperationNotFound"

    def __init__(self, detail: str | None = None, **kw: Any) -> None:
        super().__init__(
            detail
            or "The requested operation was not found. The identifier may be invalid "
            "or the operation may have expired.",
            **kw,
        )


class ModelReadOnlyError(InvalidRequestError):
    """Prebuilt models cannot be deleted or overwritten."""

    inner_code = "ModelReadOnly"


class ConflictError(DocIntelError):
    """409 ``Conflict``."""

    status = 409
    code = "Conflict"
    message = "The request could not be completed due to a conflict."
    inner_code = "ModelExists"


class ForbiddenError(DocIntelError):
    """403 ``Forbidden`` (license expired or invalid)."""

    status = 403
    code = "Forbidden"
    message = "Access forbidden due to policy or other configuration."
    inner_code = "AuthorizationFailed"


class UnsupportedMediaTypeError(DocIntelError):
    """415 ``UnsupportedMediaType``: the Content-Type header is not one analyze accepts."""

    status = 415
    code = "UnsupportedMediaType"
    message = "Request content type is not supported."
    inner_code = None


class ServiceUnavailableError(DocIntelError):
    """503 ``ServiceUnavailable``: transient; the client should retry."""

    status = 503
    code = "ServiceUnavailable"
    message = "A transient error occurred. Try again."
    inner_code = None


class InternalError(DocIntelError):
    """500 ``InternalServerError`` / ``Unknown``."""


class JobTimeoutError(InternalError):
    """A job ran longer than ``Task:MaxRunningTimeSpanInMinutes``."""

    inner_code = "Timeout"


class ConfigurationError(DocIntelError):
    """The service cannot start with the given settings (one clear line for the operator)."""

    inner_code = "Configuration"


class EngineUnavailableError(InternalError):
    """An optional engine was requested but is not installed."""

    inner_code = "EngineUnavailable"
