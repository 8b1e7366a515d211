"""Key-value pair accuracy of ``prebuilt-document`` on the FUNSD forms of the eval set.

A predicted pair counts when both its key and its value match one GT pair (one-to-one): text
similarity >= 0.8 after normalisation (casefold, only letters and digits kept; normalised
Levenshtein similarity) or box IoU >= 0.5. Pair precision/recall/F1 count only pairs with a
value (GT: FUNSD question->answer links); predicted keys without a value are scored separately
against the GT questions without answer. Key-only F1 compares the distinct predicted keys with
the distinct GT question entities (those with a letter or digit). Layouts come from the
``benchmarks._layouts`` cache.

    python -m benchmarks.kv_eval [N]      # all forms, or the first N
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: make ``benchmarks.*`` importable
    sys.path.insert(0, str(REPO))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from docintel.core.geometry import BBox, iou, union_bbox  # noqa: E402
from docintel.extract.docview import DocView, build_view  # noqa: E402
from docintel.extract.fields import ExtractContext, KeyValue, piece_text  # noqa: E402

FORMS = REPO.parent / "shared" / "eval" / "forms"
TEXT_SIM = 0.8
BOX_IOU = 0.5
_NON_ALNUM = re.compile(r"[\W_]+")


def norm(text: str) -> str:
    """Casefolded letters and digits only."""
    return _NON_ALNUM.sub("", text.casefold())


def text_match(a: str, b: str) -> bool:
    """Normalised similarity >= ``TEXT_SIM`` (two empty texts match)."""
    na, nb = norm(a), norm(b)
    if not na or not nb:
        return na == nb
    return Levenshtein.normalized_similarity(na, nb) >= TEXT_SIM


def part_match(text: str, box: BBox | None, gt_text: str, gt_box: Sequence[float]) -> bool:
    """A key or value matches by text or by box."""
    if text_match(text, gt_text):
        return True
    return box is not None and iou(box, tuple(gt_box)) >= BOX_IOU  # type: ignore[arg-type]


def form_files() -> list[Path]:
    """The form images of the eval set, sorted by id."""
    return sorted((FORMS / "images").glob("*.png"))


def form_view(path: Path) -> DocView:
    """The DocView of a form (layout recipe, from the layout cache)."""
    from benchmarks._layouts import layouts
    from docintel.layout.content import build_content
    from docintel.models.registry import Recipe

    pages = layouts(path, Recipe.LAYOUT)
    return build_view(pages, build_content(pages))


def _element(pieces: Sequence[Any]) -> tuple[str, BBox | None]:
    if not pieces:
        return "", None
    return " ".join(piece_text(p) for p in pieces), union_bbox(p.box for p in pieces)


def score_form(kvs: Sequence[KeyValue], gt: dict[str, Any]) -> dict[str, Any]:
    """Match one form's predicted pairs against its GT; counts and per-pair correctness."""
    pairs = gt["key_value_pairs"]
    used: set[int] = set()
    correct: list[bool] = []
    tp = 0
    fp = 0
    empty_tp = 0
    empty_fp = 0
    questions = [q for q in gt["questions_without_answer"] if norm(q["key"])]
    used_q: set[int] = set()
    for kv in kvs:
        ktext, kbox = _element(kv.key)
        vtext, vbox = _element(kv.value)
        ok = False
        if kv.value:
            for i, p in enumerate(pairs):
                if i in used:
                    continue
                if part_match(ktext, kbox, p["key"], p["key_box"]) and part_match(
                    vtext, vbox, p["value"], p["value_box"]
                ):
                    used.add(i)
                    ok = True
                    break
            tp += ok
            fp += not ok
        else:
            for i, q in enumerate(questions):
                if i not in used_q and part_match(ktext, kbox, q["key"], q["key_box"]):
                    used_q.add(i)
                    ok = True
                    break
            empty_tp += ok
            empty_fp += not ok
        correct.append(ok)
    # key-only
    gt_keys: dict[int, tuple[str, list[float]]] = {}
    for p in pairs:
        gt_keys[p["key_id"]] = (p["key"], p["key_box"])
    for q in questions:
        gt_keys[q["key_id"]] = (q["key"], q["key_box"])
    pred_keys: dict[tuple[int, ...], tuple[str, BBox | None]] = {}
    for kv in kvs:
        pred_keys[tuple(id(p) for p in kv.key)] = _element(kv.key)
    used_k: set[int] = set()
    ktp = 0
    for ktext, kbox in pred_keys.values():
        for kid, (gtext, gbox) in gt_keys.items():
            if kid not in used_k and part_match(ktext, kbox, gtext, gbox):
                used_k.add(kid)
                ktp += 1
                break
    return {
        "tp": tp,
        "fp": fp,
        "fn": len(pairs) - tp,
        "empty_tp": empty_tp,
        "empty_fp": empty_fp,
        "empty_gt": len(questions),
        "key_tp": ktp,
        "key_pred": len(pred_keys),
        "key_gt": len(gt_keys),
        "correct": correct,
    }


def _prf(tp: int, pred: int, gold: int) -> tuple[float, float, float]:
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def calibration(conf_pairs: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Count and accuracy per confidence bin."""
    from benchmarks.metrics import confidence_bins

    return [{"bin": b, "count": n, "accuracy": acc} for b, n, acc in confidence_bins(conf_pairs)]


def evaluate(files: list[Path] | None = None) -> dict[str, Any]:
    """Pair/key F1 over ``files`` (default: all eval forms), per-form rows, confidences.

    ``confidence_pairs`` rows are ``[key text, confidence, correct, has value]``; a pair without
    a value is correct when its key is a GT question without answer.
    """
    from docintel.extract.kv import extract_key_values

    files = form_files() if files is None else files
    ctx = ExtractContext(api_version="2023-07-31")
    rows: list[dict[str, Any]] = []
    conf_pairs: list[list[Any]] = []
    tot: dict[str, int] = {}
    times: list[float] = []
    for path in files:
        gt = json.loads((FORMS / "kv_pairs" / f"{path.stem}.json").read_text())
        view = form_view(path)
        t0 = time.perf_counter()
        kvs = extract_key_values(view, ctx).key_value_pairs or []
        times.append(time.perf_counter() - t0)
        s = score_form(kvs, gt)
        for kv, ok in zip(kvs, s.pop("correct"), strict=True):
            conf_pairs.append([_element(kv.key)[0], kv.confidence, ok, bool(kv.value)])
        for k, v in s.items():
            tot[k] = tot.get(k, 0) + v
        f = _prf(s["tp"], s["tp"] + s["fp"], s["tp"] + s["fn"])[2]
        rows.append({"id": path.stem, "pairs_gt": s["tp"] + s["fn"], **s, "f1": round(f, 3)})
    p, r, f = _prf(tot["tp"], tot["tp"] + tot["fp"], tot["tp"] + tot["fn"])
    kp, kr, kf = _prf(tot["key_tp"], tot["key_pred"], tot["key_gt"])
    ep, er, ef = _prf(tot["empty_tp"], tot["empty_tp"] + tot["empty_fp"], tot["empty_gt"])
    times.sort()
    macro = sum(r["f1"] for r in rows) / len(rows) if rows else 0.0
    return {
        "forms": len(files),
        "pair_f1_macro": macro,
        "pair_precision": p,
        "pair_recall": r,
        "pair_f1": f,
        "key_precision": kp,
        "key_recall": kr,
        "key_f1": kf,
        "empty_value_precision": ep,
        "empty_value_recall": er,
        "empty_value_f1": ef,
        "totals": tot,
        "extract_ms_median": 1000 * times[len(times) // 2] if times else 0.0,
        "extract_ms_max": 1000 * times[-1] if times else 0.0,
        "rows": rows,
        "calibration": calibration(conf_pairs),
        "confidence_pairs": conf_pairs,
    }


def main() -> None:
    """Print the summary, per-form rows and the calibration table."""
    files = form_files()
    if len(sys.argv) > 1:
        files = files[: int(sys.argv[1])]
    out = evaluate(files)
    for row in out["rows"]:
        print(
            f"{row['id']}  gt={row['pairs_gt']:3d} tp={row['tp']:3d} fp={row['fp']:3d} "
            f"f1={row['f1']:.3f}"
        )
    print(
        f"\nforms={out['forms']}  pair P/R/F1 = {out['pair_precision']:.3f} / "
        f"{out['pair_recall']:.3f} / {out['pair_f1']:.3f}   key P/R/F1 = "
        f"{out['key_precision']:.3f} / {out['key_recall']:.3f} / {out['key_f1']:.3f}   "
        f"empty-value P/R/F1 = {out['empty_value_precision']:.3f} / "
        f"{out['empty_value_recall']:.3f} / {out['empty_value_f1']:.3f}   "
        f"per-form mean pair F1 = {out['pair_f1_macro']:.3f}"
    )
    print(
        f"extract time: median {out['extract_ms_median']:.1f} ms, "
        f"max {out['extract_ms_max']:.1f} ms"
    )
    print("\nconfidence     count  accuracy")
    for b in out["calibration"]:
        acc = "-" if b["accuracy"] is None else f"{b['accuracy']:.3f}"
        print(f"{b['bin']:<12} {b['count']:7d}  {acc}")


if __name__ == "__main__":
    main()
