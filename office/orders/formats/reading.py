"""Reading one upload of a platform's own order export, as sellers download it, into records:
which export each file is (``detect``), and its orders or row errors (``parse``).

    parse(files: list[tuple[str, bytes]]) -> ParsedExport
    detect(files: list[tuple[str, bytes]]) -> str   # a PLATFORM_*, or "" (unknown or mixed)

One upload is one or more files of ONE platform: Taobao/Tmall need the order list
(订单报表) and the items file (宝贝报表) of the same export, in any order, or 千牛's current
one-workbook export (qianniu.py), which comes alone; JD, Pinduoduo and
Douyin come as one file (or several of the same export), CSV or XLSX. The platform is told
from the header row alone (never the file name), and columns are found by name, so new export
versions' extra columns and missing optional ones do no harm.

parse never raises on bad input: each problem is a RowError(file, row, column, reason) with
the spreadsheet's row number (header = 1; 0 = the file as a whole), every one of them
collected, and when there are errors the orders are not to be saved.

Taobao and Tmall write the same files; parse says tmall only when the file says so (a
shop-type column), so the caller should accept a "taobao" upload into a Tmall shop and save
it under the shop's platform.

The readers of each platform are its siblings (see the package docstring).
"""
from __future__ import annotations

import csv
import gc
import logging
from collections.abc import Callable

from flask_babel import gettext as _

from office.models.orders import PLATFORM_DOUYIN, PLATFORM_JD, PLATFORM_PDD, PLATFORM_TAOBAO, PLATFORM_TMALL
from office.orders.formats import douyin, jd, pdd, qianniu, taobao
from office.orders.formats.cells import text
from office.orders.formats.common import MISSING, Sheet
from office.orders.formats import tables
from office.orders.formats.tables import Table, Unreadable, open_table
from office.orders.labels import platform_label
from office.orders.records import ParsedExport, RowError

__all__ = ["detect", "parse"]

log = logging.getLogger(__name__)

TAOBAO_ORDERS = "taobao_orders"
TAOBAO_ITEMS = "taobao_items"
TAOBAO_WORKBOOK = "taobao_workbook"  # 千牛's current one-file export (qianniu.py)
PLATFORM_OF_KIND = {
    TAOBAO_ORDERS: PLATFORM_TAOBAO,
    TAOBAO_WORKBOOK: PLATFORM_TAOBAO,
    TAOBAO_ITEMS: PLATFORM_TAOBAO,
    PLATFORM_JD: PLATFORM_JD,
    PLATFORM_PDD: PLATFORM_PDD,
    PLATFORM_DOUYIN: PLATFORM_DOUYIN,
}


def kind_of(table: Table) -> str:
    """Which export a table is, from its header: a PLATFORM_* or TAOBAO_ORDERS / TAOBAO_ITEMS."""
    keys = table.key_set
    # Taobao first: its newer order lists also carry 主订单编号, Douyin's key column. The
    # one-workbook export before the older order list, whose signatures it also has.
    if qianniu.is_workbook(keys):
        return TAOBAO_WORKBOOK
    if taobao.is_order_list(keys):
        return TAOBAO_ORDERS
    if taobao.is_items_file(keys):
        return TAOBAO_ITEMS
    if douyin.is_export(keys):
        return PLATFORM_DOUYIN
    if jd.is_export(keys):
        return PLATFORM_JD
    if pdd.is_export(keys):
        return PLATFORM_PDD
    return ""


def parse(files: list[tuple[str, bytes]],
          progress: Callable[[int, int], None] | None = None) -> ParsedExport:
    """The orders of one platform's export (``files``: its file or files as uploaded), or
    the row errors that refuse it; never raises on bad input. ``progress(done, total)`` is
    told the bytes of CSV read so far (a workbook counts once it is read whole)."""
    if progress is None:
        return _parse_all(files)
    total = sum(len(data) for _name, data in files) or 1
    done = 0

    def tell(size: int) -> None:
        nonlocal done
        done += size
        progress(min(done, total), total)

    token = tables.read_bytes.set(tell)
    try:
        return _parse_all(files)
    finally:
        tables.read_bytes.reset(token)
        progress(total, total)


def _parse_all(files: list[tuple[str, bytes]]) -> ParsedExport:
    errors: list[RowError] = []
    # A big export makes a million objects that all live to the end: the cyclic collector
    # would scan them again and again (a third of the time) and find no cycle to free.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse(files, errors)
    except (csv.Error, UnicodeDecodeError) as error:
        # A fault past the header that the readers did not expect (a NUL byte, a broken
        # multi-byte character after the first megabyte's check).
        errors.append(RowError("", 0, "", _("The file could not be read to the end: %(error)s", error=str(error))))
    except tables.TooManyRows as error:
        errors.append(RowError(error.file, 0, "", str(error)))
    except Exception:  # never raises on bad input: a bug here must not become a 500 on upload
        log.exception("reading an order export failed")
        errors.append(RowError("", 0, "", _("The file could not be read because of an error in ShopOffice; "
                                            "the administrators have been told.")))
    finally:
        if collecting:
            gc.enable()
    return ParsedExport(platform="", orders=[], errors=errors)


def _parse(files: list[tuple[str, bytes]], errors: list[RowError]) -> ParsedExport:
    if not files:
        errors.append(RowError("", 0, "", _("No file was uploaded.")))
        return ParsedExport(platform="", errors=errors)
    by_kind: dict[str, list[Table]] = {}
    for name, data in files:
        try:
            table = open_table(name, data)
        except Unreadable as error:
            errors.append(RowError(name, 0, "", str(error)))
            continue
        kind = kind_of(table)
        if not kind:
            errors.append(RowError(name, 0, "", _("Unknown file: its column names match no order export of Taobao, "
                                                  "Tmall, JD, Pinduoduo or Douyin.")))
            continue
        by_kind.setdefault(kind, []).append(table)
    platforms = {PLATFORM_OF_KIND[kind] for kind in by_kind}
    if len(platforms) > 1:
        names = "、".join(sorted(platform_label(platform) for platform in platforms))
        errors.append(RowError("", 0, "", _("These files come from different platforms (%(platforms)s): "
                                            "upload one platform's export at a time.", platforms=names)))
        return ParsedExport(platform="", errors=errors)
    if not platforms:
        return ParsedExport(platform="", errors=errors)
    platform = platforms.pop()
    if platform == PLATFORM_TAOBAO:
        orders = []
        found = set()
        if TAOBAO_WORKBOOK in by_kind:
            workbook_platform, orders = qianniu.parse(by_kind[TAOBAO_WORKBOOK], errors)
            found.add(workbook_platform)
        if TAOBAO_ORDERS in by_kind or TAOBAO_ITEMS in by_kind:
            # Both exports in one upload: each read as itself; an order in both is refused
            # as repeated when saved (intake.check).
            list_platform, listed = taobao.parse(by_kind.get(TAOBAO_ORDERS, []), by_kind.get(TAOBAO_ITEMS, []),
                                                 errors)
            found.add(list_platform)
            orders = orders + listed
        platform = PLATFORM_TMALL if PLATFORM_TMALL in found else PLATFORM_TAOBAO
    else:
        reader = {PLATFORM_JD: jd, PLATFORM_PDD: pdd, PLATFORM_DOUYIN: douyin}[platform]
        platform, orders = reader.parse(by_kind[platform], errors)
    return ParsedExport(platform=platform, orders=orders, errors=errors)


def detect(files: list[tuple[str, bytes]]) -> str:
    """The platform the files come from, from their header rows; "" when no file is an
    export we know, or the files come from different platforms. A Taobao order list says
    tmall only with a shop-type column (店铺类型) naming Tmall in its first rows."""
    platforms = set()
    for name, data in files:
        try:
            table = open_table(name, data, header_only=True)
        except Unreadable:
            continue
        kind = kind_of(table)
        if not kind:
            continue
        platform = PLATFORM_OF_KIND[kind]
        if kind in (TAOBAO_ORDERS, TAOBAO_WORKBOOK) and _says_tmall(table):
            platform = PLATFORM_TMALL
        platforms.add(platform)
    if platforms == {PLATFORM_TAOBAO, PLATFORM_TMALL}:
        return PLATFORM_TMALL  # the items file cannot tell; the order list did
    return platforms.pop() if len(platforms) == 1 else ""


def _says_tmall(table: Table) -> bool:
    sheet = Sheet(table, qianniu.COLUMNS if qianniu.is_workbook(table.key_set) else taobao.ORDER_COLUMNS, [])
    index = sheet.ix["shop_type"]
    if index == MISSING:
        return False
    try:
        for count, (_number, row) in enumerate(sheet.rows()):
            if count >= 20:
                break
            if taobao.says_tmall(text(row[index])):
                return True
    except (csv.Error, UnicodeDecodeError):
        return False
    return False
