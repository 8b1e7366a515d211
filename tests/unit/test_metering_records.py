"""Usage records: durable append, hash chain, tamper detection, dedupe, concurrency."""

from __future__ import annotations

import json
import multiprocessing
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from docintel.metering.log import UsageLog
from docintel.metering.records import (
    GENESIS,
    HEAD_FILE,
    UsageChainError,
    line_hash,
    month_files,
    operation_meters,
    verify_chain,
)

T0 = datetime(2024, 5, 30, 23, 0, tzinfo=UTC)
READ = "FormRecognizer.Read.Pages"
LAYOUT = "FormRecognizer.Layout.Pages"


def meters(report: dict[str, object]) -> dict[str, int]:
    """``meters`` of a report as a dict."""
    return {m["name"]: m["quantity"] for m in report["meters"]}  # type: ignore[attr-defined]


@pytest.fixture
def usage(tmp_path: Path) -> UsageLog:
    """A usage log with five records over two months (pages 1..5)."""
    log = UsageLog(tmp_path, "read")
    for i in range(5):
        now = T0 + timedelta(days=i)  # records 3.. fall in June
        meter = READ if i % 2 == 0 else LAYOUT
        assert log.record(f"op-{i}", "prebuilt-read", [(meter, i + 1)], now) == 1
    return log


def lines(path: Path) -> list[bytes]:
    """The record lines of a file."""
    return path.read_bytes().splitlines()


def test_report_sums_per_meter_and_month(usage: UsageLog) -> None:
    """All records and one calendar month, summed per meter."""
    assert meters(usage.report("read")) == {READ: 1 + 3 + 5, LAYOUT: 2 + 4}
    assert meters(usage.report("read", 5, 2024)) == {READ: 1, LAYOUT: 2}
    assert meters(usage.report("read", 6, 2024)) == {READ: 3 + 5, LAYOUT: 4}
    assert usage.report("read", 7, 2024)["meters"] == []
    body = usage.report("read")
    assert body["apiType"] == "FormRecognizer" and body["serviceName"] == "read"


def test_one_global_chain_across_month_files(usage: UsageLog) -> None:
    """seq runs 1..n over the month files; each prev is the hash of the line before."""
    files = month_files(usage.folder)
    assert [p.name for p in files] == ["2024-05.jsonl", "2024-06.jsonl"]
    all_lines = [line for p in files for line in lines(p)]
    prev = GENESIS
    for n, line in enumerate(all_lines, 1):
        rec = json.loads(line)
        assert rec["seq"] == n and rec["prev"] == prev
        prev = line_hash(line)
    assert json.loads((usage.folder / HEAD_FILE).read_text()) == {"seq": 5, "hash": prev}


def _rewrite(path: Path, new_lines: list[bytes]) -> None:
    path.write_bytes(b"".join(line + b"\n" for line in new_lines))


def test_edited_record_is_detected(usage: UsageLog) -> None:
    """Changing a quantity (JSON still valid) breaks the chain at the next record."""
    june = usage.folder / "2024-06.jsonl"
    ls = lines(june)
    ls[0] = ls[0].replace(b'"quantity":3', b'"quantity":300')
    _rewrite(june, ls)
    with pytest.raises(UsageChainError, match=r"Usage record 4 \(2024-06.jsonl, line 2\)"):
        usage.report("read")


def test_edited_last_record_is_detected_by_head(usage: UsageLog) -> None:
    """The newest record has no successor; the head file catches its edit."""
    june = usage.folder / "2024-06.jsonl"
    ls = lines(june)
    ls[-1] = ls[-1].replace(b'"quantity":5', b'"quantity":1')
    _rewrite(june, ls)
    with pytest.raises(UsageChainError, match="head"):
        usage.report("read")


def test_deleted_record_is_detected(usage: UsageLog) -> None:
    """Removing a record in the middle: the next one is out of sequence."""
    june = usage.folder / "2024-06.jsonl"
    ls = lines(june)
    del ls[0]
    _rewrite(june, ls)
    with pytest.raises(UsageChainError, match=r"Usage record 3 .*missing or out of order"):
        usage.report("read")


def test_deleted_last_record_and_month_file_are_detected(usage: UsageLog) -> None:
    """Truncating the end (head names a later record) or dropping a whole month file."""
    june = usage.folder / "2024-06.jsonl"
    original = june.read_bytes()
    _rewrite(june, lines(june)[:-1])
    with pytest.raises(UsageChainError, match="5 to 5 have been removed"):
        usage.report("read")
    june.write_bytes(original)
    assert meters(usage.report("read"))[READ] == 9
    (usage.folder / "2024-05.jsonl").unlink()
    with pytest.raises(UsageChainError, match="Usage record 1"):
        usage.report("read")


def test_reordered_and_inserted_records_are_detected(usage: UsageLog) -> None:
    """Swapping two records, or duplicating one, breaks seq/prev."""
    june = usage.folder / "2024-06.jsonl"
    ls = lines(june)
    _rewrite(june, [ls[1], ls[0], ls[2]])
    with pytest.raises(UsageChainError, match="Usage record 3"):
        usage.report("read")
    _rewrite(june, [ls[0], ls[0], ls[1], ls[2]])
    with pytest.raises(UsageChainError, match="Usage record 4"):
        usage.report("read")


def test_deleted_head_is_detected(usage: UsageLog) -> None:
    """Without the head, an end-truncation would be invisible: its absence is reported."""
    (usage.folder / HEAD_FILE).unlink()
    with pytest.raises(UsageChainError, match="head file"):
        usage.report("read")


def test_same_operation_is_recorded_once_even_after_restart(usage: UsageLog) -> None:
    """A crash between record and response re-runs the operation: no second record."""
    assert usage.record("op-1", "prebuilt-read", [(LAYOUT, 2)], T0) == 0
    again = UsageLog(usage.folder.parent, "read")  # a new process after the crash
    assert again.record("op-1", "prebuilt-read", [(LAYOUT, 2)], T0 + timedelta(days=2)) == 0
    assert again.recorded("op-1", LAYOUT)
    # A new meter for the same operation is a different record.
    assert again.record("op-1", "prebuilt-read", [(READ, 2)], T0) == 1
    assert verify_chain(usage.folder).duplicates == 0
    assert meters(again.report("read")) == {READ: 9 + 2, LAYOUT: 6}


def test_duplicates_are_counted_once_on_read(tmp_path: Path) -> None:
    """Dedupe on read too: a correctly chained duplicate record id is not summed twice."""
    a = UsageLog(tmp_path, "read")
    a.record("op-x", "prebuilt-read", [(READ, 4)], T0)
    # Simulate a writer that did not check (e.g. an older version): a second log that
    # forgot what it had seen appends the same record id again, properly chained.
    b = UsageLog(tmp_path, "read")
    b._catch_up = lambda: None  # type: ignore[method-assign]
    b._tail_seq = 1
    b._tail_hash = line_hash(lines(a.folder / "2024-05.jsonl")[0])
    b._tail_file = "2024-05.jsonl"
    assert b.record("op-x", "prebuilt-read", [(READ, 4)], T0) == 1
    verified = verify_chain(a.folder)
    assert len(verified.records) == 2 and verified.duplicates == 1
    assert meters(a.report("read")) == {READ: 4}


def test_torn_last_line_is_dropped(usage: UsageLog) -> None:
    """A half-written final line (crash mid-append) never counts and is cut on next write."""
    june = usage.folder / "2024-06.jsonl"
    with june.open("ab") as f:
        f.write(b'{"seq":6,"prev":"')
    assert meters(usage.report("read"))[READ] == 9
    fresh = UsageLog(usage.folder.parent, "read")
    assert fresh.record("op-new", "prebuilt-read", [(READ, 1)], T0 + timedelta(days=1)) == 1
    assert meters(fresh.report("read"))[READ] == 10


def test_clock_set_back_keeps_the_chain_in_order(usage: UsageLog) -> None:
    """A record stamped in an earlier month still goes to the newest file."""
    usage.record("op-old", "prebuilt-read", [(READ, 7)], T0 - timedelta(days=60))
    assert [p.name for p in month_files(usage.folder)] == ["2024-05.jsonl", "2024-06.jsonl"]
    assert meters(usage.report("read", 3, 2024)) == {READ: 7}


def test_operation_meters() -> None:
    """The model meter plus paid add-ons; free features add nothing."""
    assert operation_meters(READ, (), 3) == [(READ, 3)]
    assert operation_meters(LAYOUT, ("languages", "styleFont", "ocrHighResolution"), 2) == [
        (LAYOUT, 2),
        ("FormRecognizer.AddOn.styleFont.Pages", 2),
        ("FormRecognizer.AddOn.ocrHighResolution.Pages", 2),
    ]


def test_many_threads_keep_one_valid_chain(tmp_path: Path) -> None:
    """Concurrent dispatch tasks of one process (threads) share the log safely."""
    log = UsageLog(tmp_path, "read")

    def work(t: int) -> None:
        for i in range(25):
            log.record(f"op-{t}-{i}", "prebuilt-read", [(READ, 1)], T0)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(verify_chain(log.folder).records) == 200
    assert meters(log.report("read")) == {READ: 200}


def _process_writer(root: str, tag: int) -> None:
    log = UsageLog(Path(root), "read")
    for i in range(30):
        log.record(f"p{tag}-{i}", "prebuilt-read", [(READ, 2)], T0)
        log.record(f"shared-{i}", "prebuilt-read", [(READ, 1)], T0)  # all processes race


def test_several_processes_keep_one_valid_chain(tmp_path: Path) -> None:
    """Several processes on one host appending to one output folder (fcntl lock)."""
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_process_writer, args=(str(tmp_path), k)) for k in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    verified = verify_chain(tmp_path / "usage")
    assert len(verified.records) == 3 * 30 + 30 and verified.duplicates == 0
    assert meters(UsageLog(tmp_path, "read").report("read")) == {READ: 3 * 30 * 2 + 30}
