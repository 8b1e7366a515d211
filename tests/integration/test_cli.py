"""``docintel analyze`` and ``docintel serve`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import documents as docs


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "docintel.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_analyze_prints_json(tmp_path: Path) -> None:
    """One file → the analyzeResult JSON on stdout."""
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(docs.born_digital_pdf([["Hello from the command line"]]))
    out = run_cli("analyze", str(pdf), "--model", "prebuilt-read", "--workers", "1")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["modelId"] == "prebuilt-read"
    assert result["content"] == "Hello from the command line"


def test_analyze_several_files_to_a_folder_as_markdown(tmp_path: Path) -> None:
    """Several files, --output folder, --format markdown: one .md per input."""
    for name in ("one", "two"):
        (tmp_path / f"{name}.pdf").write_bytes(docs.born_digital_pdf([[f"Document {name}"]]))
    out_dir = tmp_path / "out"
    res = run_cli(
        "analyze",
        str(tmp_path / "one.pdf"),
        str(tmp_path / "two.pdf"),
        "-o",
        str(out_dir),
        "--format",
        "markdown",
        "--workers",
        "1",
    )
    assert res.returncode == 0, res.stderr
    assert (out_dir / "one.md").read_text().strip() == "Document one"
    assert (out_dir / "two.md").read_text().strip() == "Document two"


def test_analyze_bad_file_fails_clearly(tmp_path: Path) -> None:
    """A corrupt input: exit code 1 and the Azure error code on stderr, no traceback."""
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7 garbage")
    res = run_cli("analyze", str(bad), "--workers", "1")
    assert res.returncode == 1
    assert "InvalidRequest" in res.stderr
    assert "Traceback" not in res.stderr


def test_serve_refuses_without_eula(tmp_path: Path) -> None:
    """Eula other than accept: non-zero exit with one clear line."""
    res = run_cli("serve", f"Mounts:Shared={tmp_path}", "--port", "1")
    assert res.returncode != 0
    assert "Eula" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
