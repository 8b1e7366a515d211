"""Pure parts of PP-OCR re-reading: width batching, CTC decoding, crop boxes, word cutting."""

from __future__ import annotations

import numpy as np

from docintel.core.geometry import bbox, bbox_polygon
from docintel.core.types import Line, Word
from docintel.ocr.cascade import crop_box, reread_words, shrink_factor
from docintel.ocr.recognizer import RecognizedLine, ctc_decode, plan_batches


def test_plan_batches_groups_similar_widths_and_covers_every_crop() -> None:
    ratios = [10.0, 1.0, 1.1, 9.5, 1.05, 30.0]
    batches = plan_batches(ratios, max_batch=8, max_padding=0.25)
    assert sorted(i for b in batches for i in b) == list(range(len(ratios)))
    assert [1, 4, 2] in batches and [3, 0] in batches and [5] in batches


def test_plan_batches_respects_max_batch() -> None:
    batches = plan_batches([1.0] * 10, max_batch=4)
    assert [len(b) for b in batches] == [4, 4, 2]


def test_ctc_decode_collapses_repeats_and_blanks() -> None:
    chars = ["", "a", "b", " "]
    idx = np.array([1, 1, 0, 1, 2, 2, 0, 3, 2, 0, 0])
    prob = np.linspace(0.5, 1.0, len(idx))
    text, confs, spans = ctc_decode(idx, prob, chars, valid_steps=9)
    assert text == "aab b"
    assert spans == [(0.0, 2.0), (3.0, 4.0), (4.0, 6.0), (7.0, 8.0), (8.0, 9.0)]
    assert len(confs) == 5 and confs[0] == prob[0]


def test_ctc_decode_ignores_padded_steps() -> None:
    chars = ["", "a", "b"]
    text, _, _ = ctc_decode(np.array([1, 0, 2, 2]), np.ones(4), chars, valid_steps=2)
    assert text == "a"


def test_crop_box_pads_the_run_and_stays_inside_the_image() -> None:
    words = [
        Word("a", bbox_polygon((5.0, 10.0, 40.0, 40.0))),
        Word("b", bbox_polygon((50, 12, 90, 40))),
    ]
    ln = Line(words=words, polygon=bbox_polygon((5.0, 10.0, 90.0, 40.0)))
    x0, y0, x1, y1 = crop_box(words, ln, width=92, height=200)
    assert x0 == 0 and x1 == 92  # clipped
    assert y0 < 10 and y1 > 40


def test_reread_words_cut_along_the_crop() -> None:
    reading = RecognizedLine("1 ea", 0.99, ((0.1, 0.3), (0.5, 0.7), (0.7, 0.9)), (1.0, 1.0, 0.98))
    words = reread_words(reading, (100, 50, 200, 80))
    assert [w.text for w in words] == ["1", "ea"]
    b0, b1 = bbox(words[0].polygon), bbox(words[1].polygon)
    assert (b0[0], b0[2]) == (110.0, 130.0) and (b1[0], b1[2]) == (150.0, 190.0)
    assert b0[1] == 50 and b0[3] == 80
    assert words[1].confidence == 0.99


def test_shrink_factor_only_for_huge_images_with_tall_text() -> None:
    assert shrink_factor(3300, 2550, 26.0) == 1.0  # a 300-DPI page stays as is
    assert shrink_factor(7016, 4961, 20.0) == 1.0  # huge but small text: keep every pixel
    k = shrink_factor(7016, 4961, 80.0)
    assert k == max(32.0 / 80.0, 4000 / 7016)
    assert shrink_factor(7016, 4961, None) == 1.0
