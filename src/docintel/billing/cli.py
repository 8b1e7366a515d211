"""``docintel billing ...``: run the billing service and manage its resources and keys."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
resource_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Billing resources.")
key_app = typer.Typer(add_completion=False, no_args_is_help=True, help="API keys.")
app.add_typer(resource_app, name="resource")
app.add_typer(key_app, name="key")

DataOption = Annotated[Path, typer.Option("--data", help="The billing service's data folder.")]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"docintel billing: {message}", err=True)
    return typer.Exit(2)


@app.command("serve")
def serve(
    data: DataOption,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 5100,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
) -> None:
    """Run the billing service (creates the signing key on first start)."""
    import uvicorn

    from docintel.billing.app import create_billing_app
    from docintel.licensing.license import public_key_text

    try:
        api = create_billing_app(data)
    except (OSError, ValueError) as e:
        raise _fail(str(e)) from None
    from docintel.billing.db import load_or_create_signing_key

    pub = public_key_text(load_or_create_signing_key(data).public_key())
    typer.echo(f"docintel billing on http://{host}:{port} (data {data}); public key {pub}")
    uvicorn.run(api, host=host, port=port, log_level="warning")


@resource_app.command("create")
def resource_create(
    data: DataOption,
    name: Annotated[str, typer.Option(help="A name for the resource.")],
    kinds: Annotated[
        str, typer.Option(help="Container kinds in the plan, comma separated (read,layout,...).")
    ],
    pages_per_month: Annotated[int, typer.Option(help="Pages per month in the plan.")] = 100000,
    validity_days: Annotated[int, typer.Option(help="How long a license is valid.")] = 30,
    endpoint: Annotated[str, typer.Option(help="The endpoint recorded for the resource.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create a resource with one API key; print the key and the public key to trust."""
    from docintel.billing.db import BillingDB, load_or_create_signing_key
    from docintel.licensing.license import public_key_text

    try:
        db = BillingDB(data)
        signer = load_or_create_signing_key(data)
        res, key = db.create_resource(
            name, endpoint, kinds.split(","), pages_per_month, validity_days, datetime.now(UTC)
        )
    except (OSError, ValueError) as e:
        raise _fail(str(e)) from None
    pub = public_key_text(signer.public_key())
    if as_json:
        out = {
            "resourceId": res.id,
            "apiKey": key,
            "publicKey": pub,
            "containerKinds": list(res.container_kinds),
            "pagesPerMonth": res.pages_per_month,
            "validityDays": res.validity_days,
        }
        typer.echo(json.dumps(out, indent=2))
        return
    typer.echo(f"Resource:   {res.id} ({res.name})")
    typer.echo(f"Plan:       {', '.join(res.container_kinds)}; {res.pages_per_month} pages/month;")
    typer.echo(f"            licenses valid {res.validity_days} days")
    typer.echo(f"ApiKey:     {key}   (shown once; only its hash is stored)")
    typer.echo(f"PublicKey:  {pub}")
    typer.echo(f"Containers must trust it: License:PublicKey={pub}")


@key_app.command("create")
def key_create(
    data: DataOption,
    resource: Annotated[str, typer.Option(help="The resource id.")],
) -> None:
    """Create another API key for a resource and print it (once)."""
    from docintel.billing.db import BillingDB

    try:
        key = BillingDB(data).create_key(resource, datetime.now(UTC))
    except KeyError:
        raise _fail(f"unknown resource {resource}") from None
    typer.echo(key)


@app.command("public-key")
def public_key(data: DataOption) -> None:
    """Print the public key containers must trust (``License:PublicKey``)."""
    from docintel.billing.db import load_or_create_signing_key
    from docintel.licensing.license import public_key_text

    typer.echo(public_key_text(load_or_create_signing_key(data).public_key()))
