"""Pure scoring functions for the benchmarks: text normalisation, CER/WER, IoU matching, bag F1.

Rules (also stated in docs/BENCHMARKS.md):

- **Line text** for CER/WER is whitespace-normalised (runs of whitespace → one space, ends
  stripped) and, where a set says so, case-folded.
- **CER** = total Levenshtein distance over total reference characters (micro average over the
  matched line pairs); **WER** the same over whitespace-separated tokens.
- **Line matching**: greedy one-to-one assignment by descending axis-aligned bbox IoU, pairs
  below the threshold are not matched.
- **Bag of words**: split on whitespace, strip punctuation (Unicode category P*) from both ends
  of each token, drop tokens that become empty; case-sensitive unless asked otherwise. F1 is
  computed on the multiset intersection.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

BBox = tuple[float, float, float, float]


def normalize_text(text: str, *, casefold: bool = False) -> str:
    """Collapse whitespace runs to single spaces, strip ends, optionally case-fold."""
    out = " ".join(text.split())
    return out.casefold() if casefold else out


def edit_distance(a: Sequence[Hashable], b: Sequence[Hashable]) -> int:
    """Levenshtein distance (unit-cost insert, delete, substitute) between two sequences."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@dataclass(slots=True)
class ErrorRate:
    """Accumulates edit errors over reference units (characters or words) for a micro average."""

    errors: int = 0
    total: int = 0

    def add(self, errors: int, total: int) -> None:
        """Add one pair's errors and reference length."""
        self.errors += errors
        self.total += total

    @property
    def rate(self) -> float:
        """errors / reference units (0 when there is no reference)."""
        return self.errors / self.total if self.total else 0.0


def char_errors(pred: str, ref: str) -> tuple[int, int]:
    """(Levenshtein distance over characters, reference length)."""
    return edit_distance(pred, ref), len(ref)


def word_errors(pred: str, ref: str) -> tuple[int, int]:
    """(Levenshtein distance over whitespace tokens, reference token count)."""
    r = ref.split()
    return edit_distance(pred.split(), r), len(r)


def cer(pred: str, ref: str) -> float:
    """Character error rate of one string pair (distance / reference length)."""
    e, n = char_errors(pred, ref)
    return e / n if n else float(e > 0)


def wer(pred: str, ref: str) -> float:
    """Word error rate of one string pair (token distance / reference token count)."""
    e, n = word_errors(pred, ref)
    return e / n if n else float(e > 0)


def polygon_bbox(poly: Sequence[float]) -> BBox:
    """Axis-aligned box of a flat polygon ``[x1, y1, x2, y2, ...]``."""
    xs = poly[0::2]
    ys = poly[1::2]
    return (min(xs), min(ys), max(xs), max(ys))


def bbox_iou(a: BBox, b: BBox) -> float:
    """Intersection over union of two axis-aligned boxes (0 for empty boxes)."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def match_boxes(
    preds: Sequence[BBox], refs: Sequence[BBox], threshold: float = 0.5
) -> list[tuple[int, int, float]]:
    """Greedy one-to-one matching by descending IoU: ``(pred_index, ref_index, iou)`` pairs."""
    candidates = []
    for i, p in enumerate(preds):
        for j, r in enumerate(refs):
            iou = bbox_iou(p, r)
            if iou >= threshold:
                candidates.append((iou, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_p: set[int] = set()
    used_r: set[int] = set()
    out: list[tuple[int, int, float]] = []
    for iou, i, j in candidates:
        if i in used_p or j in used_r:
            continue
        used_p.add(i)
        used_r.add(j)
        out.append((i, j, iou))
    return sorted(out, key=lambda m: m[1])


def word_bag(texts: Iterable[str], *, case_sensitive: bool = True) -> Counter[str]:
    """Multiset of tokens after stripping punctuation at both ends of each token."""
    bag: Counter[str] = Counter()
    for text in texts:
        for tok in text.split():
            tok = strip_edge_punctuation(tok)
            if not tok:
                continue
            bag[tok if case_sensitive else tok.casefold()] += 1
    return bag


def strip_edge_punctuation(token: str) -> str:
    """Remove Unicode punctuation (category P*) from the start and end of ``token``."""
    start, end = 0, len(token)
    while start < end and unicodedata.category(token[start]).startswith("P"):
        start += 1
    while end > start and unicodedata.category(token[end - 1]).startswith("P"):
        end -= 1
    return token[start:end]


@dataclass(slots=True)
class Counts:
    """True positives, predictions and references, for precision/recall/F1 (micro averages)."""

    tp: int = 0
    pred: int = 0
    ref: int = 0

    def add(self, tp: int, pred: int, ref: int) -> None:
        """Add one item's counts."""
        self.tp += tp
        self.pred += pred
        self.ref += ref

    @property
    def precision(self) -> float:
        """tp / predictions (1 when nothing was predicted and nothing was expected)."""
        return self.tp / self.pred if self.pred else float(self.ref == 0)

    @property
    def recall(self) -> float:
        """tp / references (1 when there was nothing to find)."""
        return self.tp / self.ref if self.ref else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def bag_counts(pred: Counter[str], ref: Counter[str]) -> Counts:
    """Counts of a multiset comparison (tp = size of the multiset intersection)."""
    return Counts(tp=sum((pred & ref).values()), pred=sum(pred.values()), ref=sum(ref.values()))


def word_f1(
    pred_texts: Iterable[str], ref_texts: Iterable[str], *, case_sensitive: bool = True
) -> float:
    """Bag-of-words F1 between predicted and reference texts (see module rules)."""
    return bag_counts(
        word_bag(pred_texts, case_sensitive=case_sensitive),
        word_bag(ref_texts, case_sensitive=case_sensitive),
    ).f1


@dataclass(slots=True)
class LineScore:
    """Line-level read scores accumulated over pages: detection counts and matched CER/WER."""

    detection: Counts
    chars: ErrorRate
    words: ErrorRate

    @classmethod
    def empty(cls) -> LineScore:
        """A zeroed accumulator."""
        return cls(Counts(), ErrorRate(), ErrorRate())


def score_lines(
    pred: Sequence[tuple[str, BBox]],
    ref: Sequence[tuple[str, BBox]],
    acc: LineScore,
    *,
    threshold: float = 0.5,
    casefold: bool = True,
) -> None:
    """Match predicted to reference lines by IoU and add detection and CER/WER counts to ``acc``."""
    pairs = match_boxes([b for _, b in pred], [b for _, b in ref], threshold)
    acc.detection.add(len(pairs), len(pred), len(ref))
    for i, j, _ in pairs:
        p = normalize_text(pred[i][0], casefold=casefold)
        r = normalize_text(ref[j][0], casefold=casefold)
        acc.chars.add(*char_errors(p, r))
        acc.words.add(*word_errors(p, r))


# Confidence bins of the field calibration tables (the last one includes 1.0).
CONFIDENCE_BINS = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 0.9), (0.9, 1.0001))


def confidence_bins(pairs: Iterable[Sequence[Any]]) -> list[tuple[str, int, float | None]]:
    """``(bin label, count, share right)`` per confidence bin of ``(name, confidence, right)``
    rows; the share is ``None`` for an empty bin."""
    rows = [(float(p[1]), bool(p[2])) for p in pairs]
    out: list[tuple[str, int, float | None]] = []
    for lo, hi in CONFIDENCE_BINS:
        sel = [ok for c, ok in rows if lo <= c < hi]
        out.append((f"{lo:.1f}-{min(hi, 1.0):.1f}", len(sel), sum(sel) / len(sel) if sel else None))
    return out
