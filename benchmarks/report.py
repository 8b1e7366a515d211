"""Render the JSON written by speed.py / accuracy.py as Markdown tables (for docs/BENCHMARKS.md).

.venv/bin/python benchmarks/report.py benchmarks/results/speed.json benchmarks/results/accuracy.json
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import fmt


def md_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table."""
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(fmt(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def machine_line(m: dict[str, Any]) -> str:
    """One line of machine facts."""
    v = ", ".join(f"{k} {val}" for k, val in m["versions"].items())
    return (
        f"{m['date']}: CPU {m['cpu']}, {m['logical_cores']} cores, {m['ram_gb']} GB RAM, "
        f"Python {m['python']}, git {m['git']}, 1-min load at start "
        f"{m.get('loadavg_1m_at_start', '?')}; {v}"
    )


def speed_md(data: dict[str, Any]) -> str:
    """Markdown for a speed.json."""
    cols = [
        "engine", "model", "set", "pages", "pages/s", "worker s/page", "CPU s/page",
        "word F1", "line CER", "line recall", "peak RSS MB/worker",
    ]  # fmt: skip
    rows = [
        [
            r["engine"], r["model"], r["set"], r["pages"], r["pages_per_s"],
            r.get("worker_s_per_page"), r.get("cpu_s_per_page"), r["word_f1"],
            r["line_cer"], r["line_recall"], r["max_peak_rss_mb"],
        ]
        for r in data["rows"]
    ]  # fmt: skip
    end = data.get("loadavg_1m_at_end")
    return f"{machine_line(data['machine'])}; load at end {end}\n\n{md_table(cols, rows)}"


def accuracy_md(data: dict[str, Any]) -> str:
    """Markdown for an accuracy.json."""
    parts = [machine_line(data["machine"])]
    res = data["results"]
    cols = ["set", "engine", "pages", "CER", "WER", "det P", "det R", "matched/GT", "word F1"]
    rows = []
    for name in ("receipts", "invoices-pdf", "invoices-img"):
        for r in res.get(name, []):
            rows.append(
                [
                    name, r["engine"], r["pages"], r["cer"], r["wer"], r["det_precision"],
                    r["det_recall"], f"{r['matched_lines']}/{r['gt_lines']}", r["word_f1"],
                ]
            )  # fmt: skip
    parts.append(md_table(cols, rows))
    cols = [
        "set", "GT marks", "mark R", "mark P", "state acc", "GT tables", "table R",
        "table P", "rows ok", "cols ok",
    ]  # fmt: skip
    rows = []
    for name in ("layout", "tabula"):
        r = res.get(name)
        if r:
            rows.append(
                [
                    name, r["marks_gt"], r["mark_recall"], r["mark_precision"],
                    r["mark_state_accuracy"], r["tables_gt"], r["table_recall"],
                    r["table_precision"], r["row_count_accuracy"], r["col_count_accuracy"],
                ]
            )  # fmt: skip
    if rows:
        parts.append(md_table(cols, rows))
    return "\n\n".join(parts)


def main(argv: Sequence[str]) -> int:
    """Print Markdown for each results file given."""
    for arg in argv:
        data = json.loads(Path(arg).read_text(encoding="utf-8"))
        print(f"<!-- {arg} -->")
        print(speed_md(data) if data["benchmark"] == "speed" else accuracy_md(data))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
