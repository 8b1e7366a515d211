"""Layout quality on the shared eval set: tables, reading order, roles, selection marks, speed.

Usage: ``.venv/bin/python -m benchmarks.layout_quality [--quick] [--json OUT]``

Pages go through the same steps as ``docintel.models.pipeline.analyze_pages`` (text layer or
OCR via ``docintel.ocr``, vector or raster route, then the cross-page role pass), in-process.

Metrics
* tables: ICDAR-2013 cell adjacency precision/recall/F1 (relations between each non-empty cell
  and its nearest non-empty neighbour to the right and below; cell texts compared after
  normalisation, with a fuzzy fallback at similarity ≥ 0.8 so OCR slips count as matches),
  and TEDS (tree edit distance similarity over ``table → tr → td`` trees, computed with the
  ``apted`` package; TEDS-S ignores cell text). A GT table without a predicted table scores 0.
* reading order: share of GT paragraph pairs (same page, matched by text) in the right order;
  page footers and numbers are left out (the GT places them inconsistently).
* roles: accuracy over GT paragraphs outside tables matched by text (similarity ≥ 0.9).
* selection marks: detection recall (IoU ≥ 0.4), state accuracy on detected, and precision.
* speed: layout vs read on a scanned page (OCR included), and born-digital pages per second.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docintel.core.geometry import bbox, iou
from docintel.core.types import PageLayout, Table

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"

# ------------------------------------------------------------------------------------------
# Table metrics (pure)

GridCell = tuple[int, int, int, int, str]  # row, col, row_span, col_span, text


def norm_cell(text: str) -> str:
    """Cell text compared by the metrics: lower case, letters and digits only."""
    return re.sub(r"[\W_]+", "", text.lower())


def adjacency_relations(cells: Sequence[GridCell]) -> list[tuple[str, str, str]]:
    """ICDAR-2013 adjacency relations: each non-empty cell with its nearest non-empty
    neighbour to the right (``h``) and below (``v``), skipping empty slots."""
    slot: dict[tuple[int, int], int] = {}
    for k, (r, c, rs, cs, _) in enumerate(cells):
        for rr in range(r, r + rs):
            for cc in range(c, c + cs):
                slot.setdefault((rr, cc), k)
    if not slot:
        return []
    nr = max(r for r, _ in slot) + 1
    nc = max(c for _, c in slot) + 1
    texts = [norm_cell(c[4]) for c in cells]
    rels: set[tuple[int, int, str]] = set()
    for k, (r, c, rs, cs, _) in enumerate(cells):
        if not texts[k]:
            continue
        for rr in range(r, r + rs):
            cc = c + cs
            while cc < nc:
                j = slot.get((rr, cc))
                if j is not None and j != k and texts[j]:
                    rels.add((k, j, "h"))
                    break
                cc += 1
        for cc in range(c, c + cs):
            rr = r + rs
            while rr < nr:
                j = slot.get((rr, cc))
                if j is not None and j != k and texts[j]:
                    rels.add((k, j, "v"))
                    break
                rr += 1
    return sorted((texts[a], texts[b], d) for a, b, d in rels)


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.8


def adjacency_counts(pred: Sequence[GridCell], gt: Sequence[GridCell]) -> tuple[int, int, int]:
    """``(matched, predicted, gt)`` adjacency relations (exact text first, then fuzzy)."""
    p = adjacency_relations(pred)
    g = adjacency_relations(gt)
    left = Counter(g)
    unmatched: list[tuple[str, str, str]] = []
    matched = 0
    for rel in p:
        if left[rel] > 0:
            left[rel] -= 1
            matched += 1
        else:
            unmatched.append(rel)
    rest = list(left.elements())
    for a, b, d in unmatched:
        for k, (ga, gb, gd) in enumerate(rest):
            if gd == d and _similar(a, ga) and _similar(b, gb):
                matched += 1
                del rest[k]
                break
    return matched, len(p), len(g)


def _rows_of(cells: Sequence[GridCell]) -> list[list[GridCell]]:
    rows: dict[int, list[GridCell]] = {}
    for c in cells:
        rows.setdefault(c[0], []).append(c)
    n = max(rows, default=-1) + 1
    return [sorted(rows.get(r, []), key=lambda c: c[1]) for r in range(n)]


def teds(
    pred: Sequence[GridCell], gt: Sequence[GridCell], *, structure_only: bool = False
) -> float:
    """Tree edit distance similarity of two tables as ``table → tr → td`` trees (APTED)."""
    from apted import APTED, Config  # type: ignore[import-untyped]

    class Node:
        def __init__(self, tag: str, span: tuple[int, int] = (1, 1), text: str = "") -> None:
            self.tag, self.span, self.text = tag, span, text
            self.children: list[Node] = []

    def tree(cells: Sequence[GridCell]) -> tuple[Node, int]:
        root = Node("table")
        n = 1
        for row in _rows_of(cells):
            tr = Node("tr")
            root.children.append(tr)
            n += 1
            for _r, _c, rs, cs, text in row:
                tr.children.append(Node("td", (rs, cs), "" if structure_only else norm_cell(text)))
                n += 1
        return root, n

    class Cost(Config):  # type: ignore[misc]
        def rename(self, a: Node, b: Node) -> float:
            if a.tag != b.tag or a.span != b.span:
                return 1.0
            if a.tag != "td" or a.text == b.text:
                return 0.0
            return 1.0 - difflib.SequenceMatcher(None, a.text, b.text, autojunk=False).ratio()

        def children(self, node: Node) -> list[Node]:
            return node.children

    a, na = tree(pred)
    b, nb = tree(gt)
    dist = APTED(a, b, Cost()).compute_edit_distance()
    return 1.0 - float(dist) / max(na, nb)


def table_cells(layout: PageLayout, table: Table) -> list[GridCell]:
    """A predicted table as grid cells with their text."""
    return [
        (c.row, c.col, c.row_span, c.col_span, " ".join(layout.items[i].text for i in c.items))
        for c in table.cells
    ]


def gt_cells(gt: dict[str, Any]) -> list[GridCell]:
    """A GT table (eval format) as grid cells."""
    return [(c["row"], c["col"], c["row_span"], c["col_span"], c["text"]) for c in gt["cells"]]


def gt_table_box(gt: dict[str, Any]) -> tuple[float, float, float, float] | None:
    """The GT table's box (``table_bbox``, ``bbox`` or ``bbox_polygon``), or None."""
    box = gt.get("table_bbox") or gt.get("bbox")
    if box:
        return (box[0], box[1], box[2], box[3])
    poly = gt.get("bbox_polygon")
    return bbox(poly) if poly else None


# ------------------------------------------------------------------------------------------
# Running pages


@dataclass
class PageRun:
    """One analysed page and the time its steps took (seconds)."""

    layout: PageLayout
    text_s: float
    layout_s: float
    read_s: float
    route: str


_ENGINE: Any = None


def _engine() -> Any:
    global _ENGINE
    if _ENGINE is None:
        from docintel.ocr.base import OcrOptions, create_engine

        _ENGINE = create_engine(OcrOptions())
    return _ENGINE


def _padded(path: Path) -> Path | bytes:
    """An image below the service's 50 px minimum side, padded white at the right/bottom
    (coordinates unchanged); anything else as is."""
    if path.suffix.lower() != ".png":
        return path
    import io

    from PIL import Image

    with Image.open(path) as im:
        if min(im.size) >= 50:
            return path
        canvas = Image.new("RGB", (max(50, im.width), max(50, im.height)), "white")
        canvas.paste(im.convert("RGB"), (0, 0))
    buf = io.BytesIO()
    canvas.save(buf, format="PNG")
    return buf.getvalue()


def run_document(path: Path) -> list[PageRun]:
    """Every page of a document through text → layout (as the pipeline does), timed; then
    the cross-page role pass."""
    from docintel.ingest.source import open_document
    from docintel.layout.analyze import analyze_layout, analyze_read, usable_vectors
    from docintel.layout.roles import assign_cross_page_roles
    from docintel.ocr.page import read_page

    runs: list[PageRun] = []
    with open_document(_padded(path)) as doc:
        for number in range(1, doc.page_count + 1):
            page = doc.page(number)
            engine = None if page.has_text_layer() else _engine()
            t0 = time.perf_counter()
            text, raster = read_page(page, engine)
            t1 = time.perf_counter()
            analyze_read(text)
            t2 = time.perf_counter()
            route = "raster"
            if raster is None:
                vectors = page.vector_graphics()
                if vectors is not None and usable_vectors(vectors):
                    route = "vector"
                    layout = analyze_layout(text, None, vectors)
                else:
                    layout = analyze_layout(text, page.render(150.0))
            else:
                layout = analyze_layout(text, raster)
            t3 = time.perf_counter()
            runs.append(PageRun(layout, t1 - t0, t3 - t2, t2 - t1, route))
    assign_cross_page_roles([r.layout for r in runs])
    return runs


# ------------------------------------------------------------------------------------------
# Scoring


def _norm_text(text: str) -> str:
    return " ".join(text.replace(":selected:", "").replace(":unselected:", "").split()).lower()


def paragraph_texts(layout: PageLayout) -> list[str]:
    """Normalised text of each paragraph of a page."""
    return [_norm_text(" ".join(layout.items[i].text for i in p.items)) for p in layout.paragraphs]


def _best(text: str, ours: list[str]) -> tuple[int, float]:
    best, score = -1, 0.0
    for k, o in enumerate(ours):
        s = difflib.SequenceMatcher(None, text, o, autojunk=False).ratio()
        if s > score:
            best, score = k, s
    return best, score


def order_pairs(gt_texts: list[str], ours: list[str]) -> tuple[int, int]:
    """``(pairs in order, pairs)`` of GT paragraphs matched to ours by text (≥ 0.8)."""
    pos = []
    for t in gt_texts:
        k, s = _best(t, ours)
        if k >= 0 and s >= 0.8:
            pos.append(k)
    pairs = [(a, b) for i, a in enumerate(pos) for b in pos[i + 1 :]]
    return sum(a <= b for a, b in pairs), len(pairs)


@dataclass
class Tally:
    """Counts of one metric family."""

    good: int = 0
    total: int = 0
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """good / total (0 when empty)."""
        return self.good / self.total if self.total else 0.0


def score_layout_doc(gt: dict[str, Any], runs: list[PageRun]) -> dict[str, Tally]:
    """Reading order, roles and marks of one layout document."""
    order, roles, found, state = Tally(), Tally(), Tally(), Tally()
    by_id = {p["id"]: p for p in gt["paragraphs"]}
    in_table = {_norm_text(c["text"]) for t in gt["tables"] for c in t["cells"]}
    predicted_marks = 0
    for k, run in enumerate(runs):
        page_no = k + 1
        ours = paragraph_texts(run.layout)
        ids = [
            i
            for i in gt["reading_order"]
            if by_id[i]["page"] == page_no and by_id[i]["role"] not in ("pageFooter", "pageNumber")
        ]
        good, total = order_pairs([_norm_text(by_id[i]["content"]) for i in ids], ours)
        order.good += good
        order.total += total
        for p in gt["paragraphs"]:
            text = _norm_text(p["content"])
            if p["page"] != page_no or text in in_table:
                continue
            j, s = _best(text, ours)
            if j < 0 or s < 0.9:
                continue
            roles.total += 1
            roles.good += run.layout.paragraphs[j].role == p["role"]
        marks = run.layout.selection_marks
        predicted_marks += len(marks)
        for g in gt["selection_marks"]:
            if g.get("page", 1) != page_no:
                continue
            found.total += 1
            best = max(marks, key=lambda m: iou(bbox(m.polygon), bbox(g["polygon"])), default=None)
            if best is not None and iou(bbox(best.polygon), bbox(g["polygon"])) >= 0.4:
                found.good += 1
                state.total += 1
                state.good += best.state == g["state"]
    found.extra["predicted"] = predicted_marks
    return {"order": order, "roles": roles, "mark_recall": found, "mark_state": state}


@dataclass
class TableScore:
    """Table metrics summed over tables (adjacency) and averaged (TEDS)."""

    matched: int = 0
    predicted: int = 0
    gt: int = 0
    teds: list[float] = field(default_factory=list)
    teds_s: list[float] = field(default_factory=list)
    found: int = 0
    tables: int = 0

    def add(self, pred: list[GridCell] | None, gt: list[GridCell]) -> None:
        """Score one GT table against its predicted table (None: not found)."""
        self.tables += 1
        if pred is None:
            self.gt += len(adjacency_relations(gt))
            self.teds.append(0.0)
            self.teds_s.append(0.0)
            return
        self.found += 1
        m, p, g = adjacency_counts(pred, gt)
        self.matched += m
        self.predicted += p
        self.gt += g
        self.teds.append(teds(pred, gt))
        self.teds_s.append(teds(pred, gt, structure_only=True))

    def row(self, name: str) -> list[str]:
        """A printable row."""
        p = self.matched / self.predicted if self.predicted else 0.0
        r = self.matched / self.gt if self.gt else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return [
            name,
            f"{self.found}/{self.tables}",
            f"{p:.3f}",
            f"{r:.3f}",
            f"{f:.3f}",
            f"{statistics.fmean(self.teds) if self.teds else 0.0:.3f}",
            f"{statistics.fmean(self.teds_s) if self.teds_s else 0.0:.3f}",
        ]


def _match_table(layout: PageLayout, box: tuple[float, float, float, float] | None) -> Table | None:
    if not layout.tables:
        return None
    if box is None:  # the image is the table: take the largest
        return max(layout.tables, key=lambda t: len(t.cells))
    best = max(layout.tables, key=lambda t: iou(bbox(t.polygon), box))
    return best if iou(bbox(best.polygon), box) >= 0.3 else None


def score_tables(
    score: TableScore, runs: list[PageRun], gts: list[dict[str, Any]], scale: float = 1.0
) -> None:
    """Add each GT table of a document (matched to a predicted table by box IoU)."""
    for gt in gts:
        run = runs[gt.get("page", 1) - 1]
        box = gt_table_box(gt)
        if box is not None and scale != 1.0:
            box = (box[0] * scale, box[1] * scale, box[2] * scale, box[3] * scale)
        table = _match_table(run.layout, box)
        score.add(table_cells(run.layout, table) if table else None, gt_cells(gt))


def print_table(title: str, head: list[str], rows: list[list[str]]) -> None:
    """A markdown table on stdout."""
    print(f"\n### {title}\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r) + " |")


def main(argv: list[str] | None = None) -> int:
    """Run every measurement and print markdown tables."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="10 PubTabNet images instead of 40")
    ap.add_argument("--json", type=Path, help="write the numbers here too")
    args = ap.parse_args(argv)
    if not EVAL.is_dir():
        print(f"eval set not found at {EVAL}", file=sys.stderr)
        return 2
    out: dict[str, Any] = {}

    # Tables.
    head = ["set", "found", "adj P", "adj R", "adj F1", "TEDS", "TEDS-S"]
    rows = []
    tab = TableScore()
    for pdf in sorted((EVAL / "tables" / "tabula" / "pdf").glob("*.pdf")):
        gts = [
            json.loads(p.read_text())
            for p in sorted((EVAL / "tables" / "tabula" / "gt").glob(f"tabula_{pdf.stem}_t*.json"))
        ]
        score_tables(tab, run_document(pdf), gts)
    rows.append(tab.row("tabula (PDF, ruled)"))
    lay = TableScore()
    layout_runs: dict[str, list[PageRun]] = {}
    index = json.loads((EVAL / "layout" / "index.json").read_text())["items"]
    for doc in index:
        runs = run_document(EVAL / "layout" / doc["document"])
        layout_runs[doc["id"]] = runs
        gt = json.loads((EVAL / "layout" / doc["gt"]).read_text())
        if doc["kind"] == "born-digital":
            score_tables(lay, runs, gt["tables"])
    rows.append(lay.row("layout_02/07 (PDF, grid/rules/striped)"))
    pub = TableScore()
    images = sorted((EVAL / "tables" / "pubtabnet" / "images").glob("*.png"))
    if args.quick:
        images = images[:10]
    t0 = time.perf_counter()
    for img in images:
        gt = json.loads(
            (EVAL / "tables" / "pubtabnet" / "gt" / f"pubtabnet_{img.stem}.json").read_text()
        )
        score_tables(pub, run_document(img), [gt])
    pub_s = time.perf_counter() - t0
    rows.append(pub.row(f"pubtabnet ({len(images)} images, OCR)"))
    print_table("Tables", head, rows)
    out["tables"] = {r[0]: dict(zip(head[1:], r[1:], strict=True)) for r in rows}
    out["pubtabnet_seconds"] = round(pub_s, 1)

    # Reading order, roles, marks.
    rows = []
    totals: dict[str, dict[str, Tally]] = {}
    for doc in index:
        gt = json.loads((EVAL / "layout" / doc["gt"]).read_text())
        s = score_layout_doc(gt, layout_runs[doc["id"]])
        group = totals.setdefault(doc["kind"], {})
        for key, t in s.items():
            acc = group.setdefault(key, Tally())
            acc.good += t.good
            acc.total += t.total
            for k2, v in t.extra.items():
                acc.extra[k2] = acc.extra.get(k2, 0) + v
        rows.append(
            [
                doc["id"],
                f"{s['order'].rate:.3f} ({s['order'].total})",
                f"{s['roles'].rate:.3f} ({s['roles'].good}/{s['roles'].total})",
                f"{s['mark_recall'].good}/{s['mark_recall'].total}"
                f" (pred {int(s['mark_recall'].extra['predicted'])})",
                f"{s['mark_state'].good}/{s['mark_state'].total}",
            ]
        )
    for kind, g in totals.items():
        rows.append(
            [
                f"**all {kind}**",
                f"{g['order'].rate:.3f}",
                f"{g['roles'].rate:.3f}",
                f"{g['mark_recall'].rate:.3f} (pred {int(g['mark_recall'].extra['predicted'])})",
                f"{g['mark_state'].rate:.3f}",
            ]
        )
    print_table(
        "Reading order, roles, selection marks (layout/)",
        ["document", "order pairs", "roles", "marks found", "mark state"],
        rows,
    )
    out["layout"] = {
        kind: {k: round(t.rate, 4) for k, t in g.items()} for kind, g in totals.items()
    }

    # Speed.
    scans = [r for doc in index if doc["kind"] == "scanned" for r in layout_runs[doc["id"]]]
    digital = [r for doc in index if doc["kind"] == "born-digital" for r in layout_runs[doc["id"]]]
    speed_rows = []
    for r, name in zip(scans, [d["id"] for d in index if d["kind"] == "scanned"], strict=False):
        read_total = r.text_s + r.read_s
        layout_total = r.text_s + r.layout_s
        speed_rows.append(
            [
                name,
                f"{r.text_s * 1000:.0f}",
                f"{r.read_s * 1000:.1f}",
                f"{r.layout_s * 1000:.1f}",
                f"{100 * (layout_total / read_total - 1):+.1f} %",
            ]
        )
    print_table(
        "Scanned pages: layout vs read (ms; OCR included in the ratio)",
        ["page", "OCR", "read step", "layout step", "layout over read"],
        speed_rows,
    )
    # Born-digital: repeat the layout step for a stable number.
    from docintel.ingest.source import open_document
    from docintel.layout.analyze import analyze_layout
    from docintel.ocr.page import read_page

    n = 0
    spent = 0.0
    text_spent = 0.0
    for doc in index:
        if doc["kind"] != "born-digital":
            continue
        with open_document(EVAL / "layout" / doc["document"]) as d:
            for number in range(1, d.page_count + 1):
                page = d.page(number)
                t0 = time.perf_counter()
                text, _ = read_page(page, None)
                vectors = page.vector_graphics()
                t1 = time.perf_counter()
                for _ in range(5):
                    analyze_layout(text, None, vectors)
                t2 = time.perf_counter()
                n += 1
                spent += (t2 - t1) / 5
                text_spent += t1 - t0
    print(
        f"\nBorn-digital (vector route), {n} pages: layout step {1000 * spent / n:.1f} ms/page, "
        f"{n / spent:.0f} pages/s; text layer + paths {1000 * text_spent / n:.1f} ms/page; "
        f"together {n / (spent + text_spent):.0f} pages/s"
    )
    out["born_digital_layout_ms"] = round(1000 * spent / n, 2)
    out["born_digital_pages_per_s"] = round(n / (spent + text_spent), 1)
    _ = digital
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
