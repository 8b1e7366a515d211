"""Per-line language detection for ``analyzeResult.languages`` (py3langid, offline).

Azure reports the language of each text line, grouped by locale. Short lines ("TOTAL",
"$30.00", "QTY") carry almost no signal and a naive per-line classifier scatters them over
dozens of languages, so lines are judged in context:

1. lines are grouped by writing system (Latin, Cyrillic, CJK, …) and each group's language is
   decided on all its text at once;
2. a line keeps its own language only when the classifier is sure of it (so a German sentence
   inside an English letter is reported as ``de``);
3. lines with fewer than ``MIN_LETTERS`` letters (numbers, codes) join their neighbour.

Confidence of a locale is the classifier's normalised probability for that locale on all the
text assigned to it. Text is lower-cased first: the model was trained on mixed-case prose and
misreads upper-case forms.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from typing import Any, NamedTuple

from docintel.layout.content import Span, merge_spans

MIN_LETTERS = 3
# A line overrides its script group's language when the classifier is at least this sure…
SURE = 0.9
# …or reasonably sure on a line long enough to judge on its own.
FAIRLY_SURE = 0.5
LONG_LINE_LETTERS = 20
# Group text is capped: the classifier is linear in its input and a sample is representative.
MAX_SAMPLE_CHARS = 20_000

# Scripts by code-point range start (sorted); anything unlisted uses its 128-point block.
_SCRIPT_RANGES: tuple[tuple[int, str], ...] = (
    (0x0000, "latin"),
    (0x0250, "ipa"),
    (0x0370, "greek"),
    (0x0400, "cyrillic"),
    (0x0530, "armenian"),
    (0x0590, "hebrew"),
    (0x0600, "arabic"),
    (0x0780, "thaana"),
    (0x0900, "devanagari"),
    (0x0980, "bengali"),
    (0x0A00, "gurmukhi"),
    (0x0A80, "gujarati"),
    (0x0B00, "oriya"),
    (0x0B80, "tamil"),
    (0x0C00, "telugu"),
    (0x0C80, "kannada"),
    (0x0D00, "malayalam"),
    (0x0D80, "sinhala"),
    (0x0E00, "thai"),
    (0x0E80, "lao"),
    (0x0F00, "tibetan"),
    (0x1000, "myanmar"),
    (0x10A0, "georgian"),
    (0x1100, "cjk"),
    (0x1200, "ethiopic"),
    (0x1780, "khmer"),
    (0x1800, "other"),
    (0x1E00, "latin"),
    (0x1F00, "greek"),
    (0x2000, "other"),
    (0x2E80, "cjk"),
    (0xA000, "other"),
    (0xAC00, "cjk"),
    (0xD7B0, "other"),
    (0xF900, "cjk"),
    (0xFB00, "other"),
    (0xFB50, "arabic"),
    (0xFE00, "other"),
    (0xFE70, "arabic"),
    (0xFF00, "cjk"),
    (0x10000, "other"),
    (0x20000, "cjk"),
    (0x30000, "other"),
)
_SCRIPT_STARTS = [start for start, _ in _SCRIPT_RANGES]

# Characters that exist only in one of the two Chinese written standards (common ones).
_HANT_ONLY = frozenset("們這個來說為國學會時對於與過還麼現發開問題關經當體從後點長見")
_HANS_ONLY = frozenset("们这个来说为国学会时对于与过还么现发开问题关经当体从后点长见")


class DetectedLanguage(NamedTuple):
    """A locale with the code-point spans of its lines and a confidence in [0, 1]."""

    locale: str
    spans: list[Span]
    confidence: float


def _script_of(ch: str) -> str:
    return _SCRIPT_RANGES[bisect_right(_SCRIPT_STARTS, ord(ch)) - 1][1]


def line_script(text: str) -> tuple[str, int]:
    """The dominant writing system of ``text`` and how many letters it has."""
    if text.isascii():
        return "latin", sum(ch.isalpha() for ch in text)
    counts: Counter[str] = Counter(_script_of(ch) for ch in text if ch.isalpha())
    if not counts:
        return "latin", 0
    return counts.most_common(1)[0][0], sum(counts.values())


def chinese_locale(text: str) -> str:
    """``zh-Hant`` when traditional-only characters outnumber simplified-only ones."""
    hant = sum(ch in _HANT_ONLY for ch in text)
    hans = sum(ch in _HANS_ONLY for ch in text)
    return "zh-Hant" if hant > hans else "zh-Hans"


class LanguageDetector:
    """py3langid restricted to ISO 639-1 languages; build once per process and reuse."""

    def __init__(self) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        model: Any = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        # Two-letter codes only: drops dialects and constructed/undetermined labels
        # ("zxx", "vo", "eo", "la") that short Latin-script lines otherwise fall into.
        keep = [c for c in model.labels if len(c) == 2 and c not in ("zxx", "vo", "eo", "la")]
        model.set_languages(keep)
        self._model = model

    def probabilities(self, text: str) -> dict[str, float]:
        """Normalised probability of every language for ``text``."""
        ranked = self._model.rank(_prepare(text))
        return {str(lang): float(p) for lang, p in ranked}

    def classify(self, text: str) -> tuple[str, float]:
        """The most likely language of ``text`` and its probability."""
        lang, p = self._model.classify(_prepare(text))
        return str(lang), float(p)

    def detect(self, content: str, spans: Sequence[Span]) -> list[DetectedLanguage]:
        """Languages of the text lines at ``spans`` (code points of ``content``), by locale."""
        texts = [content[s.offset : s.end] for s in spans]
        info = [line_script(t) for t in texts]
        judged = [i for i, (_, letters) in enumerate(info) if letters >= MIN_LETTERS]
        if not judged:
            return []

        by_script: dict[str, list[int]] = {}
        for i in judged:
            by_script.setdefault(info[i][0], []).append(i)
        group_lang = {
            script: self.classify(_sample(texts[i] for i in members))[0]
            for script, members in by_script.items()
        }

        assigned: list[str | None] = [None] * len(texts)
        for i in judged:
            script, letters = info[i]
            lang, p = self.classify(texts[i])
            sure = p >= SURE or (p >= FAIRLY_SURE and letters >= LONG_LINE_LETTERS)
            assigned[i] = lang if sure else group_lang[script]
        _fill_from_neighbours(assigned)

        members_of: dict[str, list[int]] = {}
        for i, found in enumerate(assigned):
            if found is not None:
                members_of.setdefault(found, []).append(i)
        out: list[DetectedLanguage] = []
        for lang, members in members_of.items():
            sample = _sample(texts[i] for i in members if info[i][1] >= MIN_LETTERS)
            confidence = self.probabilities(sample).get(lang, 0.0)
            locale = chinese_locale(sample) if lang == "zh" else lang
            merged = merge_spans((spans[i] for i in members), content)
            out.append(DetectedLanguage(locale, merged, confidence))
        out.sort(key=lambda d: d.spans[0].offset)
        return _merge_same_locale(out)


def _prepare(text: str) -> str:
    return text.replace("\n", " ").lower()


def _sample(texts: Any) -> str:
    parts: list[str] = []
    size = 0
    for t in texts:
        parts.append(t)
        size += len(t) + 1
        if size >= MAX_SAMPLE_CHARS:
            break
    return "\n".join(parts)


def _fill_from_neighbours(assigned: list[str | None]) -> None:
    # Unjudged lines take the previous judged line's language (or the next one's at the start).
    last: str | None = None
    for i, lang in enumerate(assigned):
        if lang is None:
            assigned[i] = last
        else:
            last = lang
    nxt: str | None = None
    for i in range(len(assigned) - 1, -1, -1):
        if assigned[i] is None:
            assigned[i] = nxt
        else:
            nxt = assigned[i]


def _merge_same_locale(found: list[DetectedLanguage]) -> list[DetectedLanguage]:
    # "zh" split into zh-Hans/zh-Hant never collides, but keep one entry per locale regardless.
    seen: dict[str, int] = {}
    out: list[DetectedLanguage] = []
    for d in found:
        if d.locale in seen:
            prev = out[seen[d.locale]]
            out[seen[d.locale]] = DetectedLanguage(
                d.locale,
                merge_spans([*prev.spans, *d.spans]),
                max(prev.confidence, d.confidence),
            )
        else:
            seen[d.locale] = len(out)
            out.append(d)
    return out


@functools.cache
def default_detector() -> LanguageDetector:
    """The process-wide detector (the model loads once, on first use)."""
    return LanguageDetector()


def detect_languages(
    content: str, spans: Sequence[Span], detector: LanguageDetector | None = None
) -> list[DetectedLanguage]:
    """Languages of the lines at ``spans`` in ``content`` (see ``LanguageDetector.detect``)."""
    return (detector or default_detector()).detect(content, spans)
