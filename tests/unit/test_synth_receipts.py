"""Tests for the synthetic receipt generator (benchmarks/synth/receipts.py)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("reportlab")
pytest.importorskip("faker")
pytest.importorskip("cv2")

from benchmarks.synth.receipts import fmt_num, generate

_SCALARS = (
    "MerchantName",
    "MerchantPhoneNumber",
    "MerchantAddress",
    "TransactionDate",
    "TransactionTime",
    "Subtotal",
    "TotalTax",
    "Tip",
    "Total",
    "CountryRegion",
)


def _d(v: Any) -> Decimal:
    return Decimal(str(v))


@pytest.fixture(scope="module")
def receipts(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate(tmp_path_factory.mktemp("r1"), n=3, seed=7)


def test_files_and_gt(receipts: list[Path]) -> None:
    assert len(receipts) == 3
    kinds = set()
    for js in receipts:
        gt = json.loads(js.read_text(encoding="utf-8"))
        doc = gt.get("image") or gt.get("pdf")
        assert doc and (js.parent / doc).stat().st_size > 1000
        assert gt["unit"] == ("pixel" if "image" in gt else "inch")
        assert gt["doc_type"].startswith("receipt")
        kinds.add(gt["doc_type"])
        f = gt["fields"]
        for name in _SCALARS:
            v = f[name]
            assert v is None or set(v) == {"value", "content"}
        assert f["MerchantName"]["value"] and f["Total"]["value"] > 0
        assert len(f["CountryRegion"]["value"]) == 3
        if f["MerchantPhoneNumber"] is not None:
            assert f["MerchantPhoneNumber"]["value"].startswith("+")
        # printed contents appear on the receipt's lines
        text = "\n".join(gt["lines"])
        for name in ("MerchantName", "TransactionDate", "TransactionTime", "Total"):
            assert f[name]["content"] in text
        for ln in f["MerchantAddress"]["content"].split("\n"):
            assert ln in text
        assert f["MerchantAddress"]["value"] == f["MerchantAddress"]["content"].replace("\n", ", ")
    assert len(kinds) == 3
    assert any((js.parent / (js.stem + ".pdf")).exists() for js in receipts)
    assert any((js.parent / (js.stem + ".jpg")).exists() for js in receipts)


def test_invariants(receipts: list[Path]) -> None:
    for js in receipts:
        gt = json.loads(js.read_text(encoding="utf-8"))
        t = gt["totals"]
        items = gt["fields"]["Items"]
        if gt["doc_type"] != "receipt.creditCard":
            assert items
            assert sum(_d(i["TotalPrice"]["value"]) for i in items) == _d(t["subtotal"])
        for it in items:
            if it["Quantity"] is not None and it["Price"] is not None:
                prod = _d(it["Quantity"]["value"]) * _d(it["Price"]["value"])
                assert abs(prod - _d(it["TotalPrice"]["value"])) <= Decimal("0.005")
        sub, tax, tip, tot = (_d(t[k]) for k in ("subtotal", "tax", "tip", "total"))
        if gt["tax_mode"] == "added":
            assert sub + tax + tip == tot
        else:
            assert sub + tip == tot
        if gt["tax_mode"] == "included":
            r = _d(t["tax_rate"])
            assert abs(tax - sub * r / (1 + r)) <= Decimal("0.005")
        f = gt["fields"]
        for name, key in (("Subtotal", "subtotal"), ("TotalTax", "tax"), ("Tip", "tip")):
            if f[name] is not None:
                assert _d(f[name]["value"]) == _d(t[key])
        assert _d(f["Total"]["value"]) == tot


def test_deterministic(tmp_path: Path, receipts: list[Path]) -> None:
    again = generate(tmp_path, n=3, seed=7)
    for a, b in zip(receipts, again, strict=True):
        assert a.read_bytes() == b.read_bytes()
        ga = json.loads(a.read_text(encoding="utf-8"))
        doc = ga.get("image") or ga.get("pdf")
        assert (a.parent / doc).read_bytes() == (b.parent / doc).read_bytes()


def test_fmt_num() -> None:
    assert fmt_num(Decimal("1.5"), ",") == "1,50"
    assert fmt_num(3.4567, ".", 3) == "3.457"
