"""Group words into visual lines.

Words are first grouped by orientation, then, inside each orientation's text frame, chained left
to right along the text direction while they share a baseline band and the gap to the previous
word is small relative to the text height. Large gaps (column gutters, table cells) start a new
line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docintel.core.geometry import angle_of, height_of
from docintel.core.types import Line, Word
from docintel.layout._frame import angle_diff, circular_mean, enclosing_quad, frame_box

# Max gap between consecutive words of one line, in text heights. Inter-word spaces are about
# 0.25-0.5 em; column gutters and table cell gaps are rarely below 1.5 em.
MAX_WORD_GAP = 1.3
# Words overlapping backwards by more than this (text heights) are not on the same run.
MAX_WORD_OVERLAP = 0.5
# Two words share a line when their vertical overlap is at least this fraction of the smaller.
MIN_V_OVERLAP = 0.5
# Words whose angles differ by more than this (degrees) are never on one line.
ANGLE_TOLERANCE = 12.0


@dataclass(slots=True)
class _Run:
    """A line being built: words with their frame boxes."""

    words: list[Word] = field(default_factory=list)
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)

    @property
    def last(self) -> tuple[float, float, float, float]:
        return self.boxes[-1]

    def height(self) -> float:
        """Height of the run's last word."""
        return self.boxes[-1][3] - self.boxes[-1][1]

    def band(self) -> tuple[float, float]:
        """Vertical band of the run: the median top and bottom of its last few words."""
        tail = self.boxes[-3:]
        return (
            sorted(b[1] for b in tail)[len(tail) // 2],
            sorted(b[3] for b in tail)[len(tail) // 2],
        )


def _orientation_groups(words: list[Word]) -> list[tuple[float, list[Word]]]:
    """Cluster words by text angle; each cluster gets its circular-mean angle."""
    groups: list[tuple[list[float], list[Word]]] = []
    for w in words:
        a = angle_of(w.polygon) if len(w.polygon) >= 8 else 0.0
        for angles, members in groups:
            if angle_diff(a, circular_mean(angles)) <= ANGLE_TOLERANCE:
                angles.append(a)
                members.append(w)
                break
        else:
            groups.append(([a], [w]))
    out: list[tuple[float, list[Word]]] = []
    for angles, members in groups:
        mean = circular_mean(angles)
        # Snap nearly-upright text to exactly 0 so upright pages stay axis-aligned.
        out.append((0.0 if abs(mean) < 0.5 else mean, members))
    return out


def _v_overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Overlap of two vertical intervals as a fraction of the smaller one."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    smaller = min(a[1] - a[0], b[1] - b[0])
    if smaller <= 0:
        return 1.0 if inter >= 0 else 0.0
    return inter / smaller


def _lines_of_group(words: list[Word], angle: float) -> list[Line]:
    """Chain the words of one orientation into lines in that orientation's frame."""
    boxed = [(frame_box(w.polygon, angle), w) for w in words]
    boxed.sort(key=lambda bw: (bw[0][0], bw[0][1]))
    runs: list[_Run] = []
    active: list[_Run] = []
    for box, word in boxed:
        h = max(box[3] - box[1], 1e-9)
        # Words arrive sorted by their left edge, so a run left far behind can never grow again.
        active = [
            r for r in active if box[0] - r.last[2] <= MAX_WORD_GAP * 2.5 * max(h, r.height())
        ]
        best: _Run | None = None
        best_score = float("inf")
        for run in active:
            band = run.band()
            if _v_overlap(band, (box[1], box[3])) < MIN_V_OVERLAP:
                continue
            # Heights must be comparable (a large title word next to small text is a new line).
            rh = band[1] - band[0]
            if rh > 0 and not (0.4 <= h / rh <= 2.5):
                continue
            ref = max(h, rh)
            gap = box[0] - run.last[2]
            if gap > MAX_WORD_GAP * ref or gap < -MAX_WORD_OVERLAP * ref:
                continue
            score = abs((band[0] + band[1]) / 2 - (box[1] + box[3]) / 2) + max(gap, 0.0) * 0.1
            if score < best_score:
                best, best_score = run, score
        if best is None:
            best = _Run()
            runs.append(best)
            active.append(best)
        best.words.append(word)
        best.boxes.append(box)
    return [
        Line(words=r.words, polygon=enclosing_quad((w.polygon for w in r.words), angle))
        for r in runs
    ]


def words_to_lines(words: list[Word]) -> list[Line]:
    """Group words into visual lines (words ordered along the text direction).

    Lines come out sorted top to bottom, then left to right, in their own frame; this is not the
    reading order (see :func:`docintel.layout.reading_order.reading_order`).
    """
    real = [w for w in words if w.text.strip() and len(w.polygon) >= 8]
    lines: list[Line] = []
    for angle, members in _orientation_groups(real):
        group_lines = _lines_of_group(members, angle)
        group_lines.sort(
            key=lambda ln: (frame_box(ln.polygon, angle)[1], frame_box(ln.polygon, angle)[0])
        )
        lines.extend(group_lines)
    return lines


def line_height(line: Line) -> float:
    """Text height of a line (its quad's left edge)."""
    return height_of(line.polygon)
