"""Runs stored operations on a pool of worker processes, splitting long documents by pages.

The API process only schedules: every CPU-heavy step (opening the document, OCR, layout,
assembly and serialisation) runs in a worker process that loaded its engines once. A job is
split into page chunks that run in parallel on the pool, so a 20-page scan on two workers takes
about half the time it takes on one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from docintel.core.errors import DocIntelError, InternalError, JobTimeoutError
from docintel.core.settings import Settings
from docintel.jobs.store import OperationRecord, OperationStore
from docintel.models import pipeline
from docintel.models.pipeline import AnalyzeOptions, EngineConfig

log = logging.getLogger(__name__)

T = TypeVar("T")

# Called (on a thread) with the operation and its page count after the result is computed and
# before the operation is marked succeeded; it writes the usage records durably. If it raises,
# the operation fails rather than succeeding unbilled.
SuccessHook = Callable[[OperationRecord, int], None]

# A job whose worker died this many times (e.g. a file that crashes a native library) fails
# instead of being retried forever.
MAX_ATTEMPTS = 2


def engine_config(settings: Settings) -> EngineConfig:
    """The picklable part of the settings that workers need."""
    return EngineConfig(
        ocr_engine=settings.ocr_engine,
        ocr_threads=settings.ocr_threads,
        max_document_bytes=settings.max_document_bytes,
        max_pages=settings.max_pages,
    )


def split_pages(pages: list[int], workers: int, per_chunk: int = 0) -> list[list[int]]:
    """Contiguous chunks of pages: about two per worker (for balance), at most 16 pages each."""
    if not pages:
        return []
    if per_chunk <= 0:
        per_chunk = min(16, max(1, math.ceil(len(pages) / (2 * max(1, workers)))))
    return [pages[i : i + per_chunk] for i in range(0, len(pages), per_chunk)]


def plan_chunks(plan: pipeline.DocumentPlan, workers: int, per_chunk: int = 0) -> list[list[int]]:
    """Chunks for a planned document: fine where pages need OCR, coarse where they do not.

    Runs of text-layer pages take milliseconds each, so they travel in large chunks; OCR pages
    are spread about two chunks per worker so that the workers finish together.
    """
    ocr = set(plan.ocr_pages)
    if not ocr:
        return split_pages(list(plan.pages), workers, per_chunk or pipeline.INLINE_TEXT_PAGES)
    text = [n for n in plan.pages if n not in ocr]
    return split_pages(text, workers, per_chunk or pipeline.INLINE_TEXT_PAGES) + split_pages(
        sorted(ocr), workers, per_chunk
    )


class JobRunner:
    """Schedules operations from the store onto worker processes."""

    def __init__(self, settings: Settings, store: OperationStore) -> None:
        self.settings = settings
        self.store = store
        self.workers = settings.worker_count
        self.config = engine_config(settings)
        self.ready = False
        self.accepting = True
        self._pool: ProcessPoolExecutor | None = None
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._active: set[str] = set()
        self.on_success: SuccessHook | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn: the API process runs threads (uvicorn, sqlite); forking it is unsafe.
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=pipeline.init_worker,
            initargs=(self.config,),
        )

    async def start(self) -> None:
        """Start the pool, re-queue unfinished operations, start dispatchers and warm-up."""
        self._pool = self._new_pool()
        for op_id in await asyncio.to_thread(self.store.requeue_unfinished):
            self._queue.put_nowait(op_id)
        # More dispatchers than workers, so small jobs are not stuck behind one big job.
        for _ in range(self.workers * 2):
            self._tasks.append(asyncio.create_task(self._dispatch()))
        self._tasks.append(asyncio.create_task(self._warm_up()))
        self._tasks.append(asyncio.create_task(self._retention()))

    async def stop(self) -> None:
        """Stop dispatching; running operations stay ``running`` and are re-queued on start."""
        self.accepting = False
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        self._tasks.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def submit(self, op_id: str) -> None:
        """Queue an operation that was just stored."""
        self._queue.put_nowait(op_id)

    async def _warm_up(self) -> None:
        try:
            await asyncio.gather(*(self._call(pipeline.ping) for _ in range(self.workers)))
            self.ready = True
            log.info("%d worker process(es) ready", self.workers)
        except Exception:
            log.exception("worker warm-up failed")

    async def _retention(self) -> None:
        ttl = self.settings.result_ttl_minutes * 60
        while True:
            try:
                n = await asyncio.to_thread(self.store.purge_older_than, time.time() - ttl)
                if n:
                    log.info("purged %d expired operation(s)", n)
            except Exception:
                log.exception("retention sweep failed")
            await asyncio.sleep(min(300.0, max(1.0, ttl / 10)))

    # -- execution ------------------------------------------------------------------------
    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        assert self._pool is not None
        return await loop.run_in_executor(self._pool, fn, *args)

    async def _dispatch(self) -> None:
        while True:
            op_id = await self._queue.get()
            if op_id in self._active:
                continue
            self._active.add(op_id)
            try:
                await self._run(op_id)
            except Exception:
                log.exception("operation %s: unexpected failure in the runner", op_id)
            finally:
                self._active.discard(op_id)

    async def _run(self, op_id: str) -> None:
        if not await asyncio.to_thread(self.store.claim, op_id):
            return
        rec = await asyncio.to_thread(self.store.get, op_id)
        if rec is None:
            return
        timeout = self.settings.task_timeout_minutes * 60
        broken = self._pool
        try:
            data, pages = await asyncio.wait_for(self._analyze(rec), timeout=timeout)
        except TimeoutError:
            err = JobTimeoutError(f"The operation ran longer than {timeout // 60} minutes.")
            await asyncio.to_thread(self.store.fail, op_id, err.to_error_body())
            return
        except DocIntelError as e:
            await asyncio.to_thread(self.store.fail, op_id, e.to_error_body())
            return
        except BrokenProcessPool:
            log.error("operation %s: a worker process died; restarting the pool", op_id)
            self._restart_pool(broken)
            if rec.attempts >= MAX_ATTEMPTS:
                crash = InternalError("The document could not be processed (the worker crashed).")
                await asyncio.to_thread(self.store.fail, op_id, crash.to_error_body())
            else:
                await asyncio.to_thread(self.store.release, op_id)
                self._queue.put_nowait(op_id)
            return
        except Exception as e:
            log.exception("operation %s failed", op_id)
            await asyncio.to_thread(self.store.fail, op_id, InternalError(str(e)).to_error_body())
            return
        if self.on_success is not None:
            try:
                await asyncio.to_thread(self.on_success, rec, pages)
            except Exception:
                log.exception("operation %s: the usage record could not be written", op_id)
                unbilled = InternalError("The usage record could not be written.")
                await asyncio.to_thread(self.store.fail, op_id, unbilled.to_error_body())
                return
        await asyncio.to_thread(self.store.succeed, op_id, data, pages)

    async def _analyze(self, rec: OperationRecord) -> tuple[bytes, int]:
        options = AnalyzeOptions.from_json(rec.options)
        path = self.store.input_path(rec.id)
        if not path.exists():
            raise InternalError("The stored input of this operation is missing.")
        first = await self._call(pipeline.plan_or_analyze, path, options, self.config.limits)
        if not isinstance(first, pipeline.DocumentPlan):
            return first
        chunks = plan_chunks(first, self.workers, self.settings.pages_per_chunk)
        parts = await asyncio.gather(
            *(self._call(pipeline.analyze_pages, path, chunk, options) for chunk in chunks)
        )
        pages = [p for part in parts for p in part]
        data = await self._call(pipeline.assemble_json, pages, options)
        return data, len(pages)

    def _restart_pool(self, broken: ProcessPoolExecutor | None) -> None:
        # Several jobs see the same broken pool; only the first replaces it.
        if self._pool is not broken:
            return
        self._pool = self._new_pool()
        self.ready = False
        self._tasks.append(asyncio.create_task(self._warm_up()))
        if broken is not None:
            broken.shutdown(wait=False, cancel_futures=True)
