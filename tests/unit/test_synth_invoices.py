"""Tests for the harder synthetic invoice generator (benchmarks/synth/invoices.py)."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("reportlab")
pytest.importorskip("faker")
pdfium = pytest.importorskip("pypdfium2")

from benchmarks.synth.invoices import fmt_date, fmt_num, generate  # noqa: E402


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _dec(v: Any) -> Decimal:
    return _cents(Decimal(str(v)))


def _cents(v: Decimal) -> Decimal:
    return v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _contents(gt: dict[str, Any]) -> list[tuple[int, str, list[float]]]:
    """(page, content, polygon) of every field, payment detail, item cell and line."""
    out: list[tuple[int, str, list[float]]] = []
    for name, f in gt["fields"].items():
        if f is None or name == "Items":
            continue
        if name == "PaymentDetails":
            out += [(d[k]["page"], d[k]["content"], d[k]["polygon"]) for d in f for k in d]
            continue
        out.append((f["page"], f["content"], f["polygon"]))
    for it in gt["fields"]["Items"]:
        for c in it.values():
            if isinstance(c, dict):
                out.append((it["page"], c["content"], c["polygon"]))
    out += [(ln["page"], ln["text"], ln["polygon"]) for ln in gt["lines"]]
    return out


def _check_invoice(js: Path) -> dict[str, Any]:
    gt: dict[str, Any] = json.loads(js.read_text(encoding="utf-8"))
    pdf = js.with_suffix(".pdf")
    assert pdf.exists()
    for img in gt["images"]:
        assert (js.parent / img).exists()
        assert gt["image_dpi"] in (150, 200)
    f = gt["fields"]
    items = f["Items"]
    assert items
    for it in items:
        q = Decimal(str(it["Quantity"]["value"]))
        price = _dec(it["UnitPrice"]["value"]["amount"])
        amount = _dec(it["Amount"]["value"]["amount"])
        assert q * price == amount  # exact, no rounding needed
    sub = _dec(f["SubTotal"]["value"]["amount"])
    assert sum(_dec(it["Amount"]["value"]["amount"]) for it in items) == sub
    t = gt["totals"]
    disc = _dec(f["TotalDiscount"]["value"]["amount"]) if f["TotalDiscount"] else Decimal(0)
    tax = _dec(f["TotalTax"]["value"]["amount"])
    total = _dec(f["InvoiceTotal"]["value"]["amount"])
    assert sub - disc + _dec(t["shipping"]) + tax == total
    base = sub - disc + _dec(t["shipping"])
    assert _cents(base * Decimal(str(t["tax_rate_percent"])) / 100) == tax
    if f["AmountDue"]:
        prev = _dec(f["PreviousUnpaidBalance"]["value"]["amount"])
        assert _dec(f["AmountDue"]["value"]["amount"]) == total + prev
    for name in ("InvoiceDate", "DueDate"):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", f[name]["value"])

    doc = pdfium.PdfDocument(str(pdf))
    try:
        assert len(doc) == gt["pages"]
        pages = [doc[i] for i in range(len(doc))]
        tps = [p.get_textpage() for p in pages]
        misses = []
        for page, content, poly in _contents(gt):
            h = pages[page - 1].get_height()
            x0, y0, x1, y1 = (v * 72 for v in (poly[0], poly[1], poly[4], poly[5]))
            got = tps[page - 1].get_text_bounded(
                left=x0 - 3, bottom=h - y1 - 3, right=x1 + 3, top=h - y0 + 3
            )
            if _norm(content) not in _norm(got):
                misses.append((page, content, got))
        assert not misses, misses[:5]
    finally:
        doc.close()
    return gt


def test_generate_three(tmp_path: Path) -> None:
    paths = generate(tmp_path / "a", n=3, seed=99)
    assert len(paths) == 3
    gts = [_check_invoice(p) for p in paths]
    assert gts[2]["images"], "every third invoice gets a scanned-look render"
    assert len({g["layout"] for g in gts}) == 3


def test_other_layouts_and_multipage(tmp_path: Path) -> None:
    paths = generate(tmp_path, n=4, seed=5, layouts=["J", "K", "M", "P"])
    gts = [_check_invoice(p) for p in paths]
    j = gts[0]
    assert j["pages"] == 2
    assert {it["page"] for it in j["fields"]["Items"]} == {1, 2}
    assert len(j["items_table_regions"]) == 2


def test_deterministic(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", n=3, seed=7)
    b = generate(tmp_path / "b", n=3, seed=7)
    assert [p.read_text(encoding="utf-8") for p in a] == [p.read_text(encoding="utf-8") for p in b]
    c = generate(tmp_path / "c", n=3, seed=8)
    assert a[0].read_text(encoding="utf-8") != c[0].read_text(encoding="utf-8")


def test_formats() -> None:
    from datetime import date

    assert fmt_num(Decimal("1234.5"), "de") == "1.234,50"
    assert fmt_num(Decimal("1234.5"), "fr") == "1 234,50"
    assert fmt_num(Decimal("1234567.5"), "ch") == "1'234'567.50"
    assert fmt_num(Decimal("1234.5"), "us") == "1,234.50"
    d = date(2024, 3, 12)
    assert fmt_date(d, "long", "fr") == "12 mars 2024"
    assert fmt_date(d, "long", "es") == "12 de marzo de 2024"
    assert fmt_date(d, "long", "de") == "12. März 2024"
    assert fmt_date(d, "us_long", "en") == "March 12, 2024"
    assert fmt_date(d, "dmy_dot", "de") == "12.03.2024"
