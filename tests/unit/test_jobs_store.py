"""The embedded operation store: durability, claiming, re-queue, retention."""

from __future__ import annotations

import time
from pathlib import Path

from docintel.jobs.runner import split_pages
from docintel.jobs.store import OperationStore


def _new(store: OperationStore, data: bytes = b"%PDF-1.4", now: float | None = None) -> str:
    op_id, tmp = store.new_input_file()
    tmp.write_bytes(data)
    store.commit_input(op_id, tmp)
    store.create(
        op_id,
        kind="analyze",
        model_id="prebuilt-read",
        api_version="2023-07-31",
        options={"pages": "1"},
        input_name=f"{op_id}.bin",
        now=now,
    )
    return op_id


def test_lifecycle(tmp_path: Path) -> None:
    """notStarted → running (claimed once) → succeeded with the result kept, input dropped."""
    store = OperationStore(tmp_path)
    op = _new(store)
    rec = store.get(op)
    assert rec is not None and rec.status == "notStarted" and rec.options == {"pages": "1"}
    assert store.input_path(op).read_bytes() == b"%PDF-1.4"
    assert store.claim(op) is True
    assert store.claim(op) is False
    store.succeed(op, b'{"content":"x"}', pages=1)
    rec = store.get(op)
    assert rec is not None and rec.status == "succeeded" and rec.pages == 1
    assert store.result_json(rec) == b'{"content":"x"}'
    assert not store.input_path(op).exists()


def test_failed_operation_keeps_error(tmp_path: Path) -> None:
    """A failed operation stores the Azure error object."""
    store = OperationStore(tmp_path)
    op = _new(store)
    store.claim(op)
    store.fail(op, {"code": "InvalidRequest", "message": "Invalid request."})
    rec = store.get(op)
    assert rec is not None and rec.status == "failed"
    assert rec.error == {"code": "InvalidRequest", "message": "Invalid request."}


def test_restart_requeues_running_work(tmp_path: Path) -> None:
    """A second store on the same folder (a restart) sees running work as pending again."""
    store = OperationStore(tmp_path)
    a, b = _new(store), _new(store)
    store.claim(a)
    again = OperationStore(tmp_path)
    assert again.requeue_unfinished() == [a, b]
    rec = again.get(a)
    assert rec is not None and rec.status == "notStarted" and rec.attempts == 1


def test_release_only_touches_one(tmp_path: Path) -> None:
    """release() puts back exactly the named operation."""
    store = OperationStore(tmp_path)
    a, b = _new(store), _new(store)
    store.claim(a)
    store.claim(b)
    store.release(a)
    assert store.pending() == [a]


def test_retention_purges_old_operations(tmp_path: Path) -> None:
    """Finished operations older than the cutoff disappear with their files."""
    store = OperationStore(tmp_path)
    old = _new(store, now=time.time() - 3600)
    new = _new(store)
    for op in (old, new):
        store.claim(op)
        store.succeed(op, b"{}", pages=1)
    assert store.purge_older_than(time.time() - 60) == 1
    assert store.get(old) is None and store.get(new) is not None
    assert not (store.results / f"{old}.json.gz").exists()


def test_split_pages() -> None:
    """Chunks are contiguous, cover every page once, and spread over the workers."""
    pages = list(range(1, 21))
    chunks = split_pages(pages, workers=2)
    assert [p for c in chunks for p in c] == pages
    assert len(chunks) == 4
    assert split_pages([], 2) == []
    assert split_pages([5], 4) == [[5]]
    assert all(len(c) <= 16 for c in split_pages(list(range(1000)), 2))
    assert split_pages(pages, 2, per_chunk=7) == [pages[:7], pages[7:14], pages[14:]]


def test_plan_chunks_groups_text_pages_and_spreads_ocr_pages() -> None:
    """Text-layer pages travel in big chunks; OCR pages about two chunks per worker."""
    from docintel.jobs.runner import plan_chunks
    from docintel.models.pipeline import DocumentPlan

    text_only = DocumentPlan("pdf", 100, tuple(range(1, 101)))
    assert [len(c) for c in plan_chunks(text_only, workers=2)] == [64, 36]
    mixed = DocumentPlan("pdf", 10, tuple(range(1, 11)), ocr_pages=(3, 4, 5, 6))
    chunks = plan_chunks(mixed, workers=2)
    assert chunks[0] == [1, 2, 7, 8, 9, 10]
    assert chunks[1:] == [[3], [4], [5], [6]]
    assert sorted(p for c in chunks for p in c) == list(range(1, 11))
