"""Field accuracy of prebuilt-document, prebuilt-receipt and prebuilt-invoice, with calibration.

Runs the per-model evaluations (``benchmarks/kv_eval.py``, ``receipt_eval.py``,
``invoice_eval.py``; each documents its own metric) on ``../shared/eval``, and on harder
synthetic invoices and receipts from ``benchmarks/synth/`` (generated into a temporary folder
with a seed no rule was developed on). Then it pools every field's (confidence, correct) pair
into one calibration table: within a confidence bin, the share of fields that were right. The
issue's bar is that fields with confidence ≥ 0.8 are right at least 80 % of the time.

OCR layouts come from ``benchmarks/_layouts.py``'s cache (filled on first use).

    .venv/bin/python -m benchmarks.fields [--out FILE] [--only kv,receipt,invoice,synth]
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from benchmarks._common import RESULTS, print_table, write_json
from benchmarks.metrics import confidence_bins


def calibration(pairs: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Per confidence bin: how many fields, and the share that were right."""
    rows: list[dict[str, Any]] = [
        {"bin": b, "fields": n, "accuracy": None if acc is None else round(acc, 3)}
        for b, n, acc in confidence_bins(pairs)
    ]
    high = [bool(p[2]) for p in pairs if float(p[1]) >= 0.8]
    rows.append(
        {
            "bin": ">=0.8",
            "fields": len(high),
            "accuracy": round(sum(high) / len(high), 3) if high else None,
        }
    )
    return rows


def _summary(r: dict[str, Any]) -> str:
    """The scalar entries of a result, numbers rounded."""
    return ", ".join(
        f"{k}={round(v, 3) if isinstance(v, float) else v}"
        for k, v in r.items()
        if not isinstance(v, list | dict)
    )


def _run(module: str, function: str = "evaluate", *args: Any) -> dict[str, Any]:
    mod = importlib.import_module(f"benchmarks.{module}")
    t0 = time.perf_counter()
    out: dict[str, Any] = getattr(mod, function)(*args)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def _synth(kind: str, directory: Path, n: int, seed: int) -> dict[str, Any]:
    """Generate a synthetic set, OCR its images (cached, 2 processes), then score it."""
    from benchmarks._layouts import warm
    from docintel.models.registry import Recipe

    if kind == "invoices":
        from benchmarks.synth.invoices import generate as gen_invoices

        gen_invoices(directory, n=n, seed=seed)
        warm(sorted(directory.glob("*.jpg")), Recipe.LAYOUT)
        return _run("invoice_eval", "evaluate_synth", directory)
    from benchmarks.synth.receipts import generate as gen_receipts

    gen_receipts(directory, n=n, seed=seed)
    warm(sorted(directory.glob("*.jpg")) + sorted(directory.glob("*.pdf")), Recipe.READ)
    return _run("receipt_eval", "evaluate_synth", directory)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluations, print their tables and the calibration table, write JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=RESULTS / "fields.json")
    ap.add_argument("--only", default="kv,receipt,invoice,synth")
    ap.add_argument("--synth-seed", type=int, default=20261127)
    args = ap.parse_args(argv)
    wanted = set(args.only.split(","))
    results: dict[str, Any] = {}
    if "kv" in wanted:
        results["forms"] = _run("kv_eval")
    if "receipt" in wanted:
        results["receipts"] = _run("receipt_eval")
    if "invoice" in wanted:
        results["invoices"] = _run("invoice_eval")
    if "synth" in wanted:
        with tempfile.TemporaryDirectory() as tmp:
            results["invoices_synth"] = _synth("invoices", Path(tmp) / "inv", 28, args.synth_seed)
            results["receipts_synth"] = _synth("receipts", Path(tmp) / "rec", 48, args.synth_seed)
    pairs = [p for r in results.values() for p in r.get("confidence_pairs", [])]
    table = calibration(pairs)
    for name, r in results.items():
        print(f"\n{name}: {_summary(r)}")
        for key, sub in r.items():
            if isinstance(sub, dict) and _summary(sub):
                print(f"  {key}: {_summary(sub)}")
    print_table(
        "calibration (all fields of all sets)",
        ["bin", "fields", "accuracy"],
        [[r["bin"], r["fields"], r["accuracy"]] for r in table],
    )
    per_set = {name: calibration(r.get("confidence_pairs", [])) for name, r in results.items()}
    for r in results.values():
        r.pop("confidence_pairs", None)
    write_json(args.out, {"results": results, "calibration": table, "calibration_per_set": per_set})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
