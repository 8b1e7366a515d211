"""``docintel`` command line: ``serve``, ``analyze``, ``billing``, ``license``, ``usage``."""

from __future__ import annotations

import json
import logging
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Annotated

import typer

from docintel.billing.cli import app as billing_app
from docintel.core.errors import ConfigurationError, DocIntelError
from docintel.core.settings import Settings

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
    if settings.download_license:
        _download_license(settings)
        return
    from docintel.licensing.runtime import check_disconnected_start, utc_now

    try:
        check_disconnected_start(settings, utc_now())
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


def _download_license(settings: Settings) -> None:
    """``DownloadLicense=True``: fetch, verify, write, print the run templates, exit 0."""
    from docintel.licensing.download import download_license, run_templates
    from docintel.licensing.license import LicenseError
    from docintel.licensing.runtime import utc_now

    try:
        path, payload = download_license(settings, utc_now())
    except LicenseError as e:
        raise _fail(f"license download failed: {e.detail or e.message}") from None
    typer.echo(f"License written to {path}.")
    for line in run_templates(settings, payload):
        typer.echo(line)


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
    from docintel.jobs.runner import plan_chunks
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
                chunks = plan_chunks(plan, n_workers)
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


license_app = typer.Typer(add_completion=False, no_args_is_help=True, help="License files.")
usage_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Usage records.")
app.add_typer(billing_app, name="billing")
app.add_typer(license_app, name="license")
app.add_typer(usage_app, name="usage")


@license_app.command("show")
def license_show(
    folder: Annotated[Path, typer.Argument(help="The license folder (Mounts:License).")],
    public_key: Annotated[
        str | None, typer.Option("--public-key", help="Trusted key(s) to verify against.")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="Check this container kind too.")] = None,
) -> None:
    """Print what a license allows and until when; verify it when --public-key is given."""
    from docintel.licensing.license import (
        LicenseError,
        LicensePayload,
        check_grant,
        iso_z,
        license_path,
        parse_public_keys,
        verify_license_bytes,
    )
    from docintel.licensing.runtime import utc_now

    path = license_path(folder)
    try:
        data = path.read_bytes()
        doc = json.loads(data)
        payload = LicensePayload.model_validate(doc["payload"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise _fail(f"cannot read a license from {path}: {e}") from None
    now = utc_now()
    typer.echo(f"License:     {payload.license_id}")
    typer.echo(f"Resource:    {payload.resource.id} {payload.resource.name}".rstrip())
    typer.echo(f"Kinds:       {', '.join(payload.container_kinds)}")
    typer.echo(f"Plan:        {payload.plan.pages_per_month} pages/month")
    typer.echo(f"Issued:      {iso_z(payload.issued_at)}")
    state = "expired" if now >= payload.expires_at else "not expired"
    typer.echo(f"Expires:     {iso_z(payload.expires_at)} ({state})")
    typer.echo(f"Signed by:   key {payload.key_id}")
    if public_key is None:
        typer.echo("Signature:   not checked (pass --public-key)")
        return
    try:
        verify_license_bytes(data, parse_public_keys(public_key))
        if kind is not None:
            check_grant(payload, kind, now)
    except LicenseError as e:
        typer.echo(f"Signature:   INVALID: {e.detail or e.message}")
        raise typer.Exit(1) from None
    typer.echo("Signature:   valid" + (f"; valid now for {kind}" if kind else ""))


@usage_app.command("report")
def usage_report(
    output: Annotated[Path, typer.Option("--output", help="The output folder (Mounts:Output).")],
    month: Annotated[int | None, typer.Option(help="Month 1-12 (with --year).")] = None,
    year: Annotated[int | None, typer.Option(help="4-digit year (with --month).")] = None,
    kind: Annotated[str | None, typer.Option(help="serviceName (default: from records).")] = None,
) -> None:
    """Print the usage report of an output folder offline, after verifying the record chain."""
    from docintel.metering.log import UsageLog
    from docintel.metering.records import USAGE_FOLDER, UsageChainError, verify_chain

    if (month is None) != (year is None):
        raise _fail("--month and --year go together")
    if month is not None and not 1 <= month <= 12:
        raise _fail("--month must be 1..12")
    if year is not None and not 1000 <= year <= 9999:
        raise _fail("--year must have 4 digits")
    if not (output / USAGE_FOLDER).is_dir():
        raise _fail(f"no usage records under {output}")
    log = UsageLog(output, kind or "")
    try:
        if kind is None:
            with log.locked():
                records = verify_chain(log.folder).records
            kind = records[-1].container_kind if records else ""
        report = log.report(kind, month, year)
    except UsageChainError as e:
        raise _fail(f"usage records fail verification: {e.detail}") from None
    typer.echo(json.dumps(report, indent=2))


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
