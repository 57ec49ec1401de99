"""Importing a Taobao export of --orders orders with --lines-per-order lines each (100,000 /
200,000 by default) vs a raw ``sqlite3.executemany`` of the same rows, in one run.

The two files are written as Taobao writes them (订单报表 + 宝贝报表: GBK, ="…"-guarded
order numbers, masked phones, header cells with trailing spaces, buyer messages with commas
and line breaks), in the layout of tests/data/orders/make_samples.py. The import is what the
upload job does: read the files, ``reading.parse``, ``intake.save`` (lookups, validation and
routing of paid orders, orders, lines and one timeline event per order, one transaction)
into a fresh migrated SQLite database. The baseline inserts the same order and line rows
(the same columns, read back from the imported database) with ``executemany`` into an empty
copy of the same schema (same indexes and pragmas), in one transaction. Rows = orders + lines.

Peak memory is the growth of the process's high-water mark (``resource.getrusage``
``ru_maxrss``) over the import (reading the files, parsing, saving), not tracemalloc, which
would slow the import several times over.

Usage: .venv/bin/python bench/import_ratio.py [--orders 100000] [--lines-per-order 2]
"""
from __future__ import annotations

import argparse
import gc
import importlib.util
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

def samples():
    """tests/data/orders/make_samples.py: the one description of Taobao's layout."""
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "tests/data/orders/make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def raw_executemany(template: Path, target: Path, source: Path) -> tuple[float, int]:
    """executemany of the imported orders and lines (the import's own columns) into an empty
    copy of the schema, one transaction; seconds and rows."""
    from office.orders.intake import LINE_FIELDS, ORDER_FIELDS

    order_columns = [f.column_name for f in ORDER_FIELDS]
    line_columns = [f.column_name for f in LINE_FIELDS]
    read = sqlite3.connect(source)
    orders = read.execute(f"SELECT {', '.join(order_columns)} FROM orders ORDER BY id").fetchall()
    lines = read.execute(f"SELECT {', '.join(line_columns)} FROM order_lines ORDER BY id").fetchall()
    read.close()
    shutil.copyfile(template, target)
    conn = sqlite3.connect(target, isolation_level=None)
    for pragma in ("journal_mode=wal", "synchronous=normal", "foreign_keys=1", "cache_size=-16000"):
        conn.execute(f"PRAGMA {pragma}")
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO orders ({', '.join(order_columns)}) VALUES ({', '.join('?' * len(order_columns))})",
                     orders)
    conn.executemany(f"INSERT INTO order_lines ({', '.join(line_columns)}) "
                     f"VALUES ({', '.join('?' * len(line_columns))})", lines)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return seconds, len(orders) + len(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--lines-per-order", type=int, default=2)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="office-bench-import-"))
    try:
        started = time.perf_counter()
        order_path, item_path = samples().write_large_taobao(folder, args.orders, args.lines_per_order)
        size_mb = (order_path.stat().st_size + item_path.stat().st_size) / 1e6
        print(f"export written: {args.orders:,} orders, {args.orders * args.lines_per_order:,} lines, "
              f"{size_mb:.1f} MB ({time.perf_counter() - started:.1f} s)")

        from app import create_app
        from office.db import db, migrate
        from office.models.inventory import Product
        from office.models.orders import Shop
        from office.orders import intake
        from office.orders.formats import reading

        database = folder / "office.db"
        app = create_app({"DATABASE_URL": f"sqlite:///{database}", "INSTANCE_PATH": str(folder / "instance"),
                          "SECRET_KEY": "bench", "HUEY_IMMEDIATE": True})
        with app.app_context(), db.connection_context():
            migrate()
            shop = Shop.create(name="暖冬小铺", platform="taobao")
            for sku, title, price, _spec in samples().LARGE_PRODUCTS[:4]:
                Product.create(sku_code=sku, name=title, price=price)
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copyfile(database, folder / "template.db")  # the baseline's empty schema (and shop)

            gc.collect()
            rss_before = maxrss_mb()
            started = time.perf_counter()
            files = [(path.name, path.read_bytes()) for path in (order_path, item_path)]
            parsed = reading.parse(files)
            parsed_at = time.perf_counter()
            parse_peak_mb = maxrss_mb() - rss_before
            if parsed.errors:
                raise SystemExit(f"the generated export was refused: {parsed.errors[:5]}")
            report = intake.save(shop, parsed, None)
            finished = time.perf_counter()
            peak_mb = maxrss_mb() - rss_before
            rows = report.orders + report.lines
            import_s, parse_s, save_s = finished - started, parsed_at - started, finished - parsed_at
            print(f"import: {report.orders:,} orders + {report.lines:,} lines = {rows:,} rows in {import_s:.1f} s "
                  f"(read and parse {parse_s:.1f} s, save {save_s:.1f} s); created {report.created:,}, "
                  f"paid total {report.to_dict()['paid_total']}; memory high-water mark +{parse_peak_mb:.0f} MB "
                  f"after parsing, +{peak_mb:.0f} MB after saving")

            del files, parsed
            gc.collect()
            started = time.perf_counter()
            again = intake.save(shop, reading.parse([(p.name, p.read_bytes()) for p in (order_path, item_path)]), None)
            reimport_s = time.perf_counter() - started
            print(f"the same files again: unchanged {again.unchanged:,}, created {again.created}, "
                  f"updated {again.updated} in {reimport_s:.1f} s")
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")

        raw_s, raw_rows = raw_executemany(folder / "template.db", folder / "raw.db", database)
        assert raw_rows == rows, (raw_rows, rows)
        print(f"raw sqlite3.executemany of the same {raw_rows:,} rows: {raw_s:.2f} s")

        print(f"parse_rows_per_s: {rows / parse_s:,.0f}")
        print(f"save_rows_per_s: {rows / save_s:,.0f}")
        print(f"reimport_unchanged_s: {reimport_s:.1f}")
        print(f"import_rows_per_s: {rows / import_s:,.0f}")
        print(f"raw_executemany_rows_per_s: {raw_rows / raw_s:,.0f}")
        print(f"import_vs_raw_ratio: {(rows / import_s) / (raw_rows / raw_s):.3f}")
        print(f"import_peak_mb: {peak_mb:.0f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
