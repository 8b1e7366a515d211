"""Per-line language detection with py3langid (model from the installed wheel)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docintel.layout.content import Span
from docintel.layout.language import (
    chinese_locale,
    default_detector,
    detect_languages,
    line_script,
)

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "specs"


def lines_to_content(lines: list[str]) -> tuple[str, list[Span]]:
    """Content joined by newlines and each line's code-point span."""
    spans: list[Span] = []
    pos = 0
    for text in lines:
        spans.append(Span(pos, len(text)))
        pos += len(text) + 1
    return "\n".join(lines), spans


def by_locale(content: str, lines: list[str]) -> dict[str, list[str]]:
    """Detected locale → the lines it covers (read back through its merged spans)."""
    _, spans = lines_to_content(lines)
    out: dict[str, list[str]] = {}
    for found in detect_languages(content, spans):
        texts: list[str] = []
        for s in found.spans:
            texts.extend(content[s.offset : s.end].split("\n"))
        out[found.locale] = texts
    return out


def test_mixed_document_groups_lines_by_language() -> None:
    lines = [
        "The committee met on Tuesday to discuss the budget for next year.",
        "INVOICE NUMBER",
        "12.00",
        "It was decided that the report should be published before the end of the month.",
        "Der Ausschuss trat am Dienstag zusammen, um den Haushalt zu besprechen.",
        "Привет, как дела? Всё хорошо, спасибо.",
        "日本語のテキストです",
    ]
    content, _ = lines_to_content(lines)
    found = by_locale(content, lines)
    assert set(found) == {"en", "de", "ru", "ja"}
    assert found["en"] == lines[:4]  # short/upper-case lines stay with their neighbours
    assert found["de"] == [lines[4]]
    assert found["ru"] == [lines[5]]
    assert found["ja"] == [lines[6]]


def test_spans_are_merged_and_ordered_by_first_occurrence() -> None:
    lines = [
        "Ceci est une phrase en français, assez longue pour être reconnue.",
        "Nous avons reçu votre demande et nous vous répondrons bientôt.",
        "This line, however, is clearly written in the English language.",
    ]
    content, spans = lines_to_content(lines)
    found = detect_languages(content, spans)
    assert [f.locale for f in found] == ["fr", "en"]
    assert found[0].spans == [Span(0, spans[1].end)]
    assert all(0 < f.confidence <= 1 for f in found)


def test_nothing_to_judge_gives_no_languages() -> None:
    content, spans = lines_to_content(["12.00", "$5", "A1"])
    assert detect_languages(content, spans) == []
    assert detect_languages("", []) == []


def test_chinese_script_variant() -> None:
    assert chinese_locale("這是一個測試，我們說中文") == "zh-Hant"
    assert chinese_locale("这是一个测试，我们说中文") == "zh-Hans"
    lines = ["这是一个测试，我们说中文，这个问题很重要。"]
    content, spans = lines_to_content(lines)
    assert [f.locale for f in detect_languages(content, spans)] == ["zh-Hans"]


def test_line_script() -> None:
    assert line_script("Hello 123") == ("latin", 5)
    assert line_script("Привет!") == ("cyrillic", 6)
    assert line_script("日本語のテキスト")[0] == "cjk"
    assert line_script("مرحبا")[0] == "arabic"
    assert line_script("--- 42 ---") == ("latin", 0)


def test_detector_is_loaded_once() -> None:
    assert default_detector() is default_detector()


def test_golden_invoice_is_english() -> None:
    path = SPECS / "2023-07-31" / "examples" / "GetAnalyzeDocumentResult.json"
    if not path.is_file():
        pytest.skip("shared specs not available")
    result = json.loads(path.read_text(encoding="utf-8"))["responses"]["200"]["body"]
    result = result["analyzeResult"]
    spans = [
        Span(ln["spans"][0]["offset"], ln["spans"][0]["length"])
        for ln in result["pages"][0]["lines"]
    ]
    found = detect_languages(result["content"], spans)
    assert [f.locale for f in found] == ["en"]
    assert found[0].confidence > 0.9
    # Every line is covered (one merged span from the first line to the last).
    assert found[0].spans == [Span(0, spans[-1].end)]
