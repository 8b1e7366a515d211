"""``docintel`` command line: ``serve`` and ``analyze``."""

from __future__ import annotations

import json
import logging
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Annotated

import typer

from docintel.core.errors import ConfigurationError, DocIntelError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)

_LEVELS = {
    "trace": logging.DEBUG,
    "debug": logging.DEBUG,
    "information": logging.INFO,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
    "none": logging.CRITICAL + 10,
}


def _fail(message: str) -> typer.Exit:
    typer.echo(f"docintel: {message}", err=True)
    return typer.Exit(2)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def serve(
    ctx: typer.Context,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default 5000).")] = None,
    host: Annotated[str | None, typer.Option(help="Address to bind (default 0.0.0.0).")] = None,
    settings_file: Annotated[
        Path | None, typer.Option(help="JSON settings file (lowest precedence).")
    ] = None,
) -> None:
    """Run the service. Settings as Key=Value arguments (Eula=accept Mounts:Shared=/data ...)."""
    from docintel.core.settings import load_settings, parse_assignments, validate_for_serving

    try:
        settings = load_settings(parse_assignments(ctx.args), os.environ, settings_file)
        if port is not None:
            settings = settings.with_overrides(port=port)
        if host is not None:
            settings = settings.with_overrides(host=host)
        validate_for_serving(settings)
    except ConfigurationError as e:
        raise _fail(str(e)) from None
    level = _LEVELS.get(settings.log_level.lower(), logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for key in settings.unknown_keys:
        logging.getLogger("docintel").warning("Unknown setting %r is ignored.", key)

    import uvicorn

    from docintel.api.app import create_app

    api = create_app(settings)
    logging.getLogger("docintel").info(
        "docintel serving %s on %s:%d (store: %s, %d workers)",
        settings.container_kind.value,
        settings.host,
        settings.port,
        settings.data_dir,
        settings.worker_count,
    )
    uvicorn.run(api, host=settings.host, port=settings.port, log_level=min(level, logging.INFO))


@app.command()
def analyze(
    files: Annotated[list[Path], typer.Argument(help="Documents to analyse.", exists=True)],
    model: Annotated[str, typer.Option("--model", "-m")] = "prebuilt-layout",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File (one input) or folder (several) to write to."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="json or markdown")] = "json",
    pages: Annotated[str | None, typer.Option(help="Pages, e.g. 1-3,5")] = None,
    api_version: Annotated[str, typer.Option("--api-version")] = "2023-07-31",
    string_index_type: Annotated[str, typer.Option("--string-index-type")] = "textElements",
    features: Annotated[str | None, typer.Option(help="3.1 add-ons, comma separated")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (0: one per core)")] = 0,
) -> None:
    """Analyse files locally (no server) and print or write the analyzeResult."""
    from rich.progress import Progress

    from docintel.cli.markdown import to_markdown
    from docintel.core.settings import ContainerKind
    from docintel.jobs.runner import split_pages
    from docintel.models import pipeline
    from docintel.models.pipeline import AnalyzeOptions, EngineConfig
    from docintel.models.registry import API_VERSIONS, get_model

    if fmt not in ("json", "markdown"):
        raise _fail("--format must be json or markdown")
    if api_version not in API_VERSIONS:
        raise _fail(f"--api-version must be one of {', '.join(API_VERSIONS)}")
    try:
        info = get_model(model, ContainerKind.ALL)
    except DocIntelError as e:
        raise _fail(f"unknown model {model!r}") from e
    options = AnalyzeOptions(
        model_id=info.model_id,
        recipe=info.recipe,
        api_version=api_version,
        string_index_type=string_index_type,
        pages=pages,
        features=tuple(f.strip() for f in features.split(",")) if features else (),
    )
    config = EngineConfig()
    n_workers = workers if workers > 0 else max(1, os.cpu_count() or 1)
    several = len(files) > 1
    if several and output is not None:
        output.mkdir(parents=True, exist_ok=True)
    failures = 0
    pool = ProcessPoolExecutor(
        n_workers, initializer=pipeline.init_worker, initargs=(config, False)
    )
    with pool, Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("analysing", total=len(files))
        for path in files:
            try:
                plan = pipeline.plan_document(path, options, config.limits)
                chunks = split_pages(list(plan.pages), n_workers)
                futures = [pool.submit(pipeline.analyze_pages, path, c, options) for c in chunks]
                layouts = [p for f in futures for p in f.result()]
                data = pipeline.assemble_json(layouts, options)
            except DocIntelError as e:
                failures += 1
                typer.echo(f"{path}: {e.code}: {e}", err=True)
                progress.advance(task)
                continue
            result = json.loads(data)
            text = (
                to_markdown(result)
                if fmt == "markdown"
                else json.dumps(result, indent=2, ensure_ascii=False) + "\n"
            )
            if output is None:
                sys.stdout.write(text)
            else:
                suffix = ".md" if fmt == "markdown" else ".json"
                dest = output / (path.stem + suffix) if several else output
                dest.write_text(text, encoding="utf-8")
            progress.advance(task)
    if failures:
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
