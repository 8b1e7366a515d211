"""Render an ``analyzeResult`` as Markdown (paragraph roles → headings, tables → pipe tables)."""

from __future__ import annotations

from typing import Any


def _span_key(el: dict[str, Any]) -> int:
    spans = el.get("spans") or []
    return min((s["offset"] for s in spans), default=1 << 62)


def _cell_text(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def table_to_markdown(table: dict[str, Any]) -> str:
    """A pipe table; spanned cells repeat nothing (their other slots stay empty)."""
    rows, cols = table["rowCount"], table["columnCount"]
    grid = [["" for _ in range(cols)] for _ in range(rows)]
    for cell in table.get("cells", []):
        r, c = cell["rowIndex"], cell["columnIndex"]
        if r < rows and c < cols:
            grid[r][c] = _cell_text(cell.get("content", ""))
    lines = ["| " + " | ".join(grid[0]) + " |", "|" + "---|" * cols]
    lines += ["| " + " | ".join(row) + " |" for row in grid[1:]]
    return "\n".join(lines)


def to_markdown(result: dict[str, Any]) -> str:
    """Markdown of the document in reading order."""
    tables = sorted(result.get("tables") or [], key=_span_key)
    table_ranges = []
    for t in tables:
        spans = t.get("spans") or []
        if spans:
            start = min(s["offset"] for s in spans)
            end = max(s["offset"] + s["length"] for s in spans)
            table_ranges.append((start, end, t))
    blocks: list[tuple[int, str]] = []
    emitted: set[int] = set()
    paragraphs = result.get("paragraphs")
    if paragraphs is None:
        # No paragraphs (should not happen for read/layout): fall back to page lines.
        paragraphs = [
            {"content": ln["content"], "spans": ln["spans"]}
            for page in result.get("pages", [])
            for ln in page.get("lines", [])
        ]
    for p in paragraphs:
        off = _span_key(p)
        inside = next((i for i, (s, e, _) in enumerate(table_ranges) if s <= off < e), None)
        if inside is not None:
            if inside not in emitted:
                emitted.add(inside)
                blocks.append((table_ranges[inside][0], table_to_markdown(table_ranges[inside][2])))
            continue
        role = p.get("role")
        text = p["content"].replace("\n", " ").strip()
        if not text:
            continue
        if role == "title":
            blocks.append((off, f"# {text}"))
        elif role == "sectionHeading":
            blocks.append((off, f"## {text}"))
        elif role in ("pageHeader", "pageFooter", "pageNumber"):
            blocks.append((off, f"<!-- {role}: {text} -->"))
        elif role == "footnote":
            blocks.append((off, f"> {text}"))
        else:
            blocks.append((off, text))
    for i, (start, _, t) in enumerate(table_ranges):
        if i not in emitted:
            blocks.append((start, table_to_markdown(t)))
    blocks.sort(key=lambda b: b[0])
    return "\n\n".join(b for _, b in blocks) + "\n"
