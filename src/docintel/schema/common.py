"""Shared types of the result model (API_CONTRACT.md §5.7): spans, polygons, regions."""

from __future__ import annotations

from docintel.schema.base import ApiModel, Number

# A flat ``[x1, y1, x2, y2, ...]`` list in page units (2.7).
Polygon = list[Number]


class DocumentSpan(ApiModel):
    """A contiguous region of ``content``, in the result's ``stringIndexType`` units."""

    offset: int
    length: int


class BoundingRegion(ApiModel):
    """A polygon on one page."""

    page_number: int
    polygon: Polygon
