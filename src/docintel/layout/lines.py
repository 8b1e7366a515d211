"""Group words into visual lines.

Words are first grouped by orientation, then, inside each orientation's text frame, chained left
to right along the text direction while they share a baseline band and the gap to the previous
word is small relative to the text height. Large gaps (column gutters, table cells) start a new
line.

Cost is O(n log n) in the number of words: orientation groups keep running sums for their
circular mean, and open lines are indexed by the vertical centre of their band, so a word only
looks at the lines near its own height.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from docintel.core.geometry import height_of
from docintel.core.types import Line, Word
from docintel.layout._frame import angle_diff, frame_box, frame_box_polygon

# Max gap between consecutive words of one line, in text heights. Inter-word spaces are about
# 0.25-0.5 em; column gutters and table cell gaps are rarely below 1.5 em.
MAX_WORD_GAP = 1.3
# Words overlapping backwards by more than this (text heights) are not on the same run.
MAX_WORD_OVERLAP = 0.5
# Two words share a line when their vertical overlap is at least this fraction of the smaller.
MIN_V_OVERLAP = 0.5
# Words whose angles differ by more than this (degrees) are never on one line.
ANGLE_TOLERANCE = 12.0
# A line's band and a word's height are comparable within this ratio (either way).
MAX_HEIGHT_RATIO = 2.5

Box = tuple[float, float, float, float]


@dataclass(slots=True)
class _Run:
    """A line being built: words with their frame boxes and the band of its last words."""

    index: int
    words: list[Word] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    band: tuple[float, float] = (0.0, 0.0)
    key: int = 0

    def add(self, word: Word, box: Box) -> None:
        """Append a word; the band becomes the median top and bottom of the last three words."""
        self.words.append(word)
        boxes = self.boxes
        boxes.append(box)
        n = len(boxes)
        if n == 1:
            self.band = (box[1], box[3])
        elif n == 2:
            a = boxes[0]
            self.band = (max(a[1], box[1]), max(a[3], box[3]))
        else:
            a, b = boxes[-3], boxes[-2]
            self.band = (_median3(a[1], b[1], box[1]), _median3(a[3], b[3], box[3]))


def _median3(a: float, b: float, c: float) -> float:
    """Middle value of three."""
    return max(min(a, b), min(max(a, b), c))


def _word_angles(words: list[Word]) -> npt.NDArray[np.float64]:
    """Top-edge angle of every word (degrees, clockwise, in (-180, 180])."""
    head = np.array([w.polygon[:4] for w in words], dtype=np.float64).reshape(-1, 4)
    deg = np.degrees(np.arctan2(head[:, 3] - head[:, 1], head[:, 2] - head[:, 0]))
    deg[deg == -180.0] = 180.0
    return deg


def _orientation_groups(words: list[Word]) -> list[tuple[float, list[Word]]]:
    """Cluster words by text angle; each cluster gets its circular-mean angle.

    A word joins the first cluster whose running mean is within ``ANGLE_TOLERANCE``; the
    clusters keep the sums of cosines and sines, so the mean costs O(1) per look.
    """
    if not words:
        return []
    angles = _word_angles(words)
    rad = np.radians(angles)
    spread = (angles - angles[0] + 180.0) % 360.0 - 180.0
    if float(spread.max() - spread.min()) <= ANGLE_TOLERANCE:
        # All angles on one short arc: every running mean stays on it, so the greedy pass
        # below would make a single cluster.
        groups = [([float(np.cos(rad).sum()), float(np.sin(rad).sum()), 0.0], words)]
    else:
        groups = []
        for w, a, r in zip(words, angles.tolist(), rad.tolist(), strict=True):
            for sums, members in groups:
                if angle_diff(a, sums[2]) <= ANGLE_TOLERANCE:
                    sums[0] += math.cos(r)
                    sums[1] += math.sin(r)
                    sums[2] = _mean_of(sums[0], sums[1])
                    members.append(w)
                    break
            else:
                sx, sy = math.cos(r), math.sin(r)
                groups.append(([sx, sy, _mean_of(sx, sy)], [w]))
    out: list[tuple[float, list[Word]]] = []
    for sums, members in groups:
        mean = _mean_of(sums[0], sums[1])
        # Snap nearly-upright text to exactly 0 so upright pages stay axis-aligned.
        out.append((0.0 if abs(mean) < 0.5 else mean, members))
    return out


def _mean_of(sx: float, sy: float) -> float:
    """Angle (degrees, in (-180, 180]) of a sum of unit vectors; 0 for a zero sum."""
    if sx == 0.0 and sy == 0.0:
        return 0.0
    m = math.degrees(math.atan2(sy, sx))
    return 180.0 if m <= -180.0 else m


def _frame_boxes(words: list[Word], angle: float) -> list[Box]:
    """Frame boxes ``(u0, v0, u1, v1)`` of the words in the frame rotated by ``angle``."""
    if any(len(w.polygon) != 8 for w in words):
        return [frame_box(w.polygon, angle) for w in words]
    pts = np.array([w.polygon for w in words], dtype=np.float64).reshape(-1, 4, 2)
    if angle == 0.0:
        # The page coordinates as they are: no rotation, no rounding.
        u, v = pts[:, :, 0], pts[:, :, 1]
    else:
        a = math.radians(angle)
        c, s = math.cos(a), math.sin(a)
        u = pts[:, :, 0] * c + pts[:, :, 1] * s
        v = -pts[:, :, 0] * s + pts[:, :, 1] * c
    stacked = np.stack([u.min(axis=1), v.min(axis=1), u.max(axis=1), v.max(axis=1)], axis=1)
    return [(b[0], b[1], b[2], b[3]) for b in stacked.tolist()]


class _RunIndex:
    """Open runs bucketed by the vertical centre of their band (bucket side ``cell``)."""

    __slots__ = ("buckets", "cell")

    def __init__(self, cell: float) -> None:
        self.cell = cell
        self.buckets: dict[int, list[_Run]] = {}

    def _key(self, run: _Run) -> int:
        return math.floor((run.band[0] + run.band[1]) / 2 / self.cell)

    def put(self, run: _Run) -> None:
        """Index a run under its current band."""
        run.key = self._key(run)
        self.buckets.setdefault(run.key, []).append(run)

    def drop(self, run: _Run) -> None:
        """Remove a run (closed, or about to move)."""
        self.buckets[run.key].remove(run)

    def moved(self, run: _Run) -> None:
        """Re-file a run whose band changed."""
        key = self._key(run)
        if key != run.key:
            self.drop(run)
            run.key = key
            self.buckets.setdefault(key, []).append(run)


def _lines_of_group(words: list[Word], angle: float) -> list[tuple[Box, Line]]:
    """Chain the words of one orientation into lines in that orientation's frame; each line
    comes with its frame box."""
    boxed = sorted(
        zip(_frame_boxes(words, angle), range(len(words)), strict=True),
        key=lambda bi: (bi[0][0], bi[0][1]),
    )
    heights = sorted(b[3] - b[1] for b, _ in boxed)
    index = _RunIndex(max(heights[len(heights) // 2], 1e-6) if heights else 1.0)
    runs: list[_Run] = []
    buckets = index.buckets
    cell = index.cell
    far = MAX_WORD_GAP * 2.5
    for box, k in boxed:
        x0, y0, _, y1 = box
        h = max(y1 - y0, 1e-9)
        mid = (y0 + y1) / 2
        # A band overlapping the word by half the smaller height, and at most
        # MAX_HEIGHT_RATIO·h tall, has its centre within this reach of the word's centre.
        reach = 0.5 * MAX_HEIGHT_RATIO * h
        best: _Run | None = None
        best_score = math.inf
        best_index = 0
        for key in range(math.floor((mid - reach) / cell), math.floor((mid + reach) / cell) + 1):
            bucket = buckets.get(key)
            if not bucket:
                continue
            stale: list[_Run] = []
            for run in bucket:
                last = run.boxes[-1]
                gap = x0 - last[2]
                # Words arrive sorted by their left edge, so a run left far behind never grows.
                if gap > far * max(h, last[3] - last[1]):
                    stale.append(run)
                    continue
                b0, b1 = run.band
                rh = b1 - b0
                # Heights must be comparable (a large title word next to small text is a new
                # line).
                if rh > 0 and not (1.0 / MAX_HEIGHT_RATIO <= h / rh <= MAX_HEIGHT_RATIO):
                    continue
                ref = h if h > rh else rh
                if gap > MAX_WORD_GAP * ref or gap < -MAX_WORD_OVERLAP * ref:
                    continue
                inter = (b1 if b1 < y1 else y1) - (b0 if b0 > y0 else y0)
                smaller = rh if rh < y1 - y0 else y1 - y0
                if (inter < MIN_V_OVERLAP * smaller) if smaller > 0 else (inter < 0):
                    continue
                score = abs((b0 + b1) / 2 - mid) + (gap if gap > 0 else 0.0) * 0.1
                # Ties go to the older run, as a scan of the runs in creation order would.
                if score < best_score or (score == best_score and run.index < best_index):
                    best, best_score, best_index = run, score, run.index
            for run in stale:
                bucket.remove(run)
        if best is None:
            best = _Run(index=len(runs))
            runs.append(best)
            best.add(words[k], box)
            index.put(best)
        else:
            best.add(words[k], box)
            index.moved(best)
    out: list[tuple[Box, Line]] = []
    for r in runs:
        # The frame boxes are at hand: the enclosing quad is their union, turned back.
        bs = r.boxes
        box = (
            min(b[0] for b in bs),
            min(b[1] for b in bs),
            max(b[2] for b in bs),
            max(b[3] for b in bs),
        )
        out.append((box, Line(words=r.words, polygon=frame_box_polygon(box, angle))))
    return out


def words_to_lines(words: list[Word]) -> list[Line]:
    """Group words into visual lines (words ordered along the text direction).

    Lines come out sorted top to bottom, then left to right, in their own frame; this is not the
    reading order (see :func:`docintel.layout.reading_order.reading_order`).
    """
    real = [w for w in words if w.text.strip() and len(w.polygon) >= 8]
    lines: list[Line] = []
    for angle, members in _orientation_groups(real):
        group_lines = _lines_of_group(members, angle)
        group_lines.sort(key=lambda bl: (bl[0][1], bl[0][0]))
        lines.extend(ln for _, ln in group_lines)
    return lines


def line_height(line: Line) -> float:
    """Text height of a line (its quad's left edge)."""
    return height_of(line.polygon)
