"""The benchmark scoring functions on tiny hand-made inputs."""

from __future__ import annotations

from collections import Counter

import pytest
from benchmarks.metrics import (
    LineScore,
    bag_counts,
    bbox_iou,
    cer,
    edit_distance,
    match_boxes,
    normalize_text,
    polygon_bbox,
    score_lines,
    strip_edge_punctuation,
    wer,
    word_bag,
    word_f1,
)


@pytest.mark.parametrize(
    ("a", "b", "d"),
    [
        ("", "", 0),
        ("abc", "", 3),
        ("", "abc", 3),
        ("kitten", "sitting", 3),
        ("flaw", "lawn", 2),
        ("same", "same", 0),
    ],
)
def test_edit_distance(a: str, b: str, d: int) -> None:
    assert edit_distance(a, b) == d
    assert edit_distance(b, a) == d


def test_cer_counts_edits_over_reference_length() -> None:
    assert cer("Invoice", "Invoice") == 0.0
    assert cer("Invoise", "Invoice") == pytest.approx(1 / 7)
    assert cer("", "abcd") == 1.0
    # Insertions can push CER above 1.
    assert cer("abcdef", "ab") == pytest.approx(2.0)


def test_wer_counts_token_edits() -> None:
    assert wer("total 12.50", "total 12.50") == 0.0
    assert wer("total 12.5O", "total 12.50") == pytest.approx(0.5)
    assert wer("a b c", "a c") == pytest.approx(0.5)


def test_normalize_text() -> None:
    assert normalize_text("  Total \t 12.50\n") == "Total 12.50"
    assert normalize_text("ToTaL", casefold=True) == "total"


def test_bbox_iou() -> None:
    a = (0.0, 0.0, 2.0, 2.0)
    assert bbox_iou(a, a) == pytest.approx(1.0)
    assert bbox_iou(a, (1.0, 0.0, 3.0, 2.0)) == pytest.approx(2 / 6)
    assert bbox_iou(a, (5.0, 5.0, 6.0, 6.0)) == 0.0
    assert bbox_iou((0.0, 0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 0.0)) == 0.0


def test_polygon_bbox() -> None:
    assert polygon_bbox([1, 2, 5, 1, 6, 4, 0, 5]) == (0, 1, 6, 5)


def test_match_boxes_is_one_to_one_and_prefers_higher_iou() -> None:
    refs = [(0.0, 0.0, 10.0, 1.0), (0.0, 2.0, 10.0, 3.0)]
    preds = [
        (0.0, 2.0, 9.0, 3.0),  # ref 1, IoU 0.9
        (0.0, 0.0, 6.0, 1.0),  # ref 0, IoU 0.6
        (0.0, 0.0, 9.5, 1.0),  # ref 0, IoU 0.95: wins over pred 1
        (20.0, 0.0, 30.0, 1.0),  # nothing
    ]
    pairs = match_boxes(preds, refs, 0.5)
    assert [(i, j) for i, j, _ in pairs] == [(2, 0), (0, 1)]
    assert match_boxes(preds, refs, 0.99) == []


def test_strip_edge_punctuation_keeps_inner_marks() -> None:
    assert strip_edge_punctuation("(12.50),") == "12.50"
    assert strip_edge_punctuation("e-mail:") == "e-mail"
    assert strip_edge_punctuation("«Bonjour»") == "Bonjour"
    assert strip_edge_punctuation("...") == ""
    assert strip_edge_punctuation("$5") == "$5"  # a currency sign is a symbol, not punctuation


def test_word_bag_rule() -> None:
    bag = word_bag(["Total: 12.50", "total 12.50."])
    assert bag == Counter({"Total": 1, "total": 1, "12.50": 2})
    assert word_bag(["Total: total"], case_sensitive=False) == Counter({"total": 2})
    assert word_bag(["- : ;"]) == Counter()


def test_word_f1_uses_multiset_intersection() -> None:
    assert word_f1(["a b c"], ["a b c"]) == pytest.approx(1.0)
    # pred {a, a, b}, ref {a, b, c}: tp = 2, P = 2/3, R = 2/3.
    assert word_f1(["a a b"], ["a b c"]) == pytest.approx(2 / 3)
    assert word_f1(["A"], ["a"]) == 0.0
    assert word_f1(["A"], ["a"], case_sensitive=False) == pytest.approx(1.0)
    assert word_f1([], ["a"]) == 0.0
    counts = bag_counts(Counter(), Counter())
    assert (counts.precision, counts.recall) == (1.0, 1.0)


def test_score_lines_accumulates_detection_and_matched_error_rates() -> None:
    ref = [("TOTAL 12.50", (0.0, 0.0, 10.0, 1.0)), ("THANK YOU", (0.0, 2.0, 10.0, 3.0))]
    pred = [
        ("total 12.5O", (0.0, 0.0, 10.0, 1.1)),  # matched, 1 char and 1 word wrong
        ("noise", (0.0, 5.0, 2.0, 6.0)),  # unmatched prediction
    ]
    acc = LineScore.empty()
    score_lines(pred, ref, acc)
    assert (acc.detection.tp, acc.detection.pred, acc.detection.ref) == (1, 2, 2)
    assert acc.chars.rate == pytest.approx(1 / 11)
    assert acc.words.rate == pytest.approx(1 / 2)
    # Case-sensitive scoring sees the case differences as errors too.
    strict = LineScore.empty()
    score_lines(pred, ref, strict, casefold=False)
    assert strict.chars.rate > acc.chars.rate
