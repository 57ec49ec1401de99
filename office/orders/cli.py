"""Command line for orders: ``flask --app app orders import FILE [FILE ...] --shop SHOP`` and
``flask --app app orders stats --shop SHOP``.

Both print ONE JSON object on stdout, so scripts can read it whatever happened. A refused
import prints ``{"refused": true, "message": ..., "errors": [{"file", "row", "column",
"reason"}, ...]}`` instead of the report, a one-line summary on stderr, and exits with 1.
Registered by office/cli.py; the rules are office/orders/imports.py's and shops.py's.
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from office.db import connected
from office.models.orders import PLATFORMS, Shop
from office.orders import imports, intake
from office.orders.records import RowError
from office.orders.shops import ShopError, shop_stats


def _print(data: dict) -> None:
    click.echo(json.dumps(data, ensure_ascii=False))


def _refuse(message: str, errors: list[RowError]) -> None:
    _print({"refused": True, "message": message, "errors": [error.to_dict() for error in errors]})
    click.echo(f"refused: {len(errors)} error(s), nothing was saved", err=True)
    raise SystemExit(1)


@click.group("orders")
def orders_command():
    """Import the platforms' order exports; show what a shop holds."""


@orders_command.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--shop", "shop_name", required=True,
              help="Shop name; created on first use, on the platform detected from the files.")
@click.option("--platform", type=click.Choice(PLATFORMS), default=None,
              help="For a new shop: its platform, when the files cannot tell (a Tmall shop's export "
                   "often reads as Taobao's).")
@connected
def import_command(files: tuple[Path, ...], shop_name: str, platform: str | None):
    """Import FILES (one export: Taobao/Tmall's order list and items file or 千牛's one
    workbook, or one JD, Pinduoduo or Douyin file) and print the import report as one JSON object.

    Importing the same files again changes nothing. A file with errors is refused whole:
    the errors are printed as JSON ({"refused": true, "errors": [...]}) and the exit
    status is 1.
    """
    uploads = [(path.name, path.read_bytes()) for path in files]
    try:
        _shop, report = imports.import_files(uploads, None, shop_name=shop_name, platform=platform or "")
    except intake.Refused as refusal:
        _refuse(str(refusal), refusal.errors)
    except ShopError as error:
        _refuse(str(error), [RowError("", 0, "shop", str(error))])
    _print(report.to_dict())


@orders_command.command("stats")
@click.option("--shop", "shop_name", required=True, help="Shop name.")
@connected
def stats_command(shop_name: str):
    """Print what SHOP holds, as one JSON object: orders, lines, paid_total (over orders with a
    payment time) and platform_status_counts."""
    shop = Shop.get_or_none(Shop.name == shop_name.strip())
    if shop is None:
        raise click.ClickException(f"no shop named {shop_name!r}")
    _print(shop_stats(shop))
