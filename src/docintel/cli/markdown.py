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
    out = [b for _, b in blocks]
    out += _key_values_markdown(result.get("keyValuePairs") or [])
    for doc in result.get("documents") or []:
        out += _document_markdown(doc)
    return "\n\n".join(out) + "\n"


def field_value_text(field: dict[str, Any]) -> str:
    """A field's normalised value as text (falls back to its content)."""
    t = field.get("type")
    if t == "currency" and "valueCurrency" in field:
        v = field["valueCurrency"]
        code = v.get("currencyCode") or v.get("currencySymbol") or ""
        return f"{v['amount']} {code}".strip()
    if t == "address" and "valueAddress" in field:
        return ", ".join(f"{k}={v}" for k, v in field["valueAddress"].items())
    if t == "array":
        return f"{len(field.get('valueArray') or [])} items"
    key = "value" + (t[0].upper() + t[1:] if t else "")
    if key in field:
        return str(field[key])
    return str(field.get("content", ""))


def _key_values_markdown(pairs: list[dict[str, Any]]) -> list[str]:
    if not pairs:
        return []
    rows = ["## Key-value pairs", "", "| key | value | confidence |", "|---|---|---|"]
    for kv in pairs:
        value = (kv.get("value") or {}).get("content", "")
        rows.append(
            f"| {_cell_text(kv['key']['content'])} | {_cell_text(value)} | {kv['confidence']} |"
        )
    return ["\n".join(rows)]


def _document_markdown(doc: dict[str, Any]) -> list[str]:
    rows = [f"## Document: {doc['docType']}", "", "| field | value | content | confidence |"]
    rows.append("|---|---|---|---|")
    items: list[str] = []
    for name, field in (doc.get("fields") or {}).items():
        rows.append(
            f"| {name} | {_cell_text(field_value_text(field))} "
            f"| {_cell_text(str(field.get('content', '')))} | {field.get('confidence', '')} |"
        )
        if field.get("type") == "array":
            items += _array_markdown(name, field.get("valueArray") or [])
    return ["\n".join(rows), *items]


def _array_markdown(name: str, values: list[dict[str, Any]]) -> list[str]:
    objects = [v.get("valueObject") or {} for v in values if v.get("type") == "object"]
    if not objects:
        return []
    columns = list(dict.fromkeys(k for o in objects for k in o))
    rows = [f"### {name}", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for o in objects:
        cells = [_cell_text(field_value_text(o[c])) if c in o else "" for c in columns]
        rows.append("| " + " | ".join(cells) + " |")
    return ["\n".join(rows)]
