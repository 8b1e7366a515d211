"""Table metrics of ``benchmarks/layout_quality.py``: ICDAR-2013 adjacency and TEDS."""

from __future__ import annotations

import pytest
from benchmarks.layout_quality import adjacency_counts, adjacency_relations, order_pairs, teds

GT = [
    (0, 0, 1, 1, "Name"),
    (0, 1, 1, 2, "Scores"),
    (1, 0, 1, 1, "Ann"),
    (1, 1, 1, 1, "1"),
    (1, 2, 1, 1, "2"),
    (2, 0, 1, 1, "Bob"),
    (2, 1, 1, 1, ""),
    (2, 2, 1, 1, "4"),
]


def test_adjacency_relations_skip_empty_cells_and_follow_spans() -> None:
    rels = set(adjacency_relations(GT))
    assert ("name", "scores", "h") in rels
    assert ("scores", "1", "v") in rels and ("scores", "2", "v") in rels
    assert ("bob", "4", "h") in rels  # across the empty cell
    assert ("1", "2", "h") in rels
    assert not any("" in (a, b) for a, b, _ in rels)


def test_adjacency_counts_perfect_and_shifted() -> None:
    m, p, g = adjacency_counts(GT, GT)
    assert m == p == g > 0
    shifted = [(r, c, rs, cs, t) for r, c, rs, cs, t in GT if (r, c) != (2, 1)]
    shifted = [(r, 1 if (r, c) == (2, 2) else c, rs, cs, t) for r, c, rs, cs, t in shifted]
    m2, _, g2 = adjacency_counts(shifted, GT)
    assert m2 < g2


def test_adjacency_counts_tolerate_ocr_slips() -> None:
    noisy = [(r, c, rs, cs, "Sc0res" if t == "Scores" else t) for r, c, rs, cs, t in GT]
    m, _, g = adjacency_counts(noisy, GT)
    assert m == g


def test_teds_identity_and_degradation() -> None:
    pytest.importorskip("apted")
    assert teds(GT, GT) == pytest.approx(1.0)
    wrong_span = [(r, c, rs, 1 if (r, c) == (0, 1) else cs, t) for r, c, rs, cs, t in GT]
    assert teds(wrong_span, GT, structure_only=True) < 1.0
    other_text = [(r, c, rs, cs, "x") for r, c, rs, cs, _ in GT]
    assert teds(other_text, GT, structure_only=True) == pytest.approx(1.0)
    assert teds(other_text, GT) < teds(GT, GT)


def test_order_pairs() -> None:
    assert order_pairs(["a x", "b y", "c z"], ["a x", "b y", "c z"]) == (3, 3)
    assert order_pairs(["a x", "b y", "c z"], ["c z", "b y", "a x"]) == (0, 3)
