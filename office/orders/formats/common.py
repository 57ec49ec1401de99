"""What the platform readers share: columns found by name, rows padded so a missing optional
column reads as "", cell errors turned into RowErrors, and the small pieces of an order that
several platforms write the same way (addresses in parts, courier and tracking in one cell).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from flask_babel import gettext as _

from office.orders.formats import cells
from office.orders.formats.tables import Table
from office.orders.records import LineRecord, RowError

MISSING = -1  # the index of a column the file lacks: every row gets a "" appended for it


@dataclass(frozen=True, slots=True)
class Column:
    field: str
    names: tuple[str, ...]  # as the platforms' export versions spell it; the first is shown when missing
    required: bool = False


def column(field: str, *names: str, required: bool = False) -> Column:
    return Column(field, names, required)


class Sheet:
    """One table read against a platform's columns: ``ix[field]`` is the cell's index in a
    padded row (MISSING when the file lacks the column), ``labels[field]`` the header as the
    file writes it, for errors. A missing required column is recorded as an error on row 1."""

    __slots__ = ("table", "name", "ix", "labels", "width", "errors", "complete")

    def __init__(self, table: Table, columns: tuple[Column, ...], errors: list[RowError]):
        self.table = table
        self.name = table.name
        self.width = len(table.keys)
        self.errors = errors
        self.ix: dict[str, int] = {}
        self.labels: dict[str, str] = {}
        self.complete = True  # every required column found (else its error is recorded)
        position = {}
        for index, key in enumerate(table.keys):
            position.setdefault(key, index)  # a repeated header: the first one counts
        for col in columns:
            for name in col.names:
                index = position.get(cells.header_key(name))
                if index is not None:
                    self.ix[col.field] = index
                    self.labels[col.field] = table.labels[index]
                    break
            else:
                self.ix[col.field] = MISSING
                self.labels[col.field] = col.names[0]
                if col.required:
                    self.complete = False
                    errors.append(RowError(self.name, 1, col.names[0], _("This column is missing.")))

    def has(self, field: str) -> bool:
        return self.ix[field] != MISSING

    def rows(self):
        """(spreadsheet row number, cells), each row padded so that every column's index,
        MISSING included, reads a cell. Blank rows come too: order_number() tells them apart,
        so that only rows without an order number pay for the check."""
        width = self.width
        number = 1
        try:
            for number, row in enumerate(self.table.rows, 2):
                size = len(row)
                if size >= width:
                    row.append("")
                elif size == 1 and row[0] == "":
                    continue  # an empty line (the one after the last record, mostly)
                else:
                    row.extend([""] * (width + 1 - size))
                yield number, row
        except (csv.Error, UnicodeDecodeError) as error:
            self.errors.append(RowError(self.name, number + 1, "",
                                        _("The file could not be read from this row on: %(error)s", error=str(error))))

    def error(self, row: int, field: str, reason: str) -> None:
        self.errors.append(RowError(self.name, row, self.labels[field], reason))

    # Readers that record what they cannot read; each returns a usable value anyway.

    def amount(self, row: list, number: int, field: str):
        value = cells.amount(row[self.ix[field]])
        if value is cells.BAD:
            self.error(number, field, _("Not an amount: %(value)s", value=_shown(row[self.ix[field]])))
            return cells.ZERO
        return value

    def moment(self, row: list, number: int, field: str):
        index = self.ix[field]
        if index == MISSING:
            return None
        value = cells.moment(row[index])
        if value is cells.BAD:
            self.error(number, field, _("Not a date and time: %(value)s", value=_shown(row[self.ix[field]])))
            return None
        return value

    def quantity(self, row: list, number: int, field: str) -> int:
        value = cells.quantity(row[self.ix[field]])
        if value is cells.BAD:
            self.error(number, field, _("Not a whole quantity above zero: %(value)s",
                                        value=_shown(row[self.ix[field]])))
            return 1
        return value

    def order_number(self, row: list, number: int, field: str) -> str | None:
        """The order number; "" after recording why there is none; None for a blank row."""
        raw = row[self.ix[field]]
        value = cells.order_number(raw)
        if not value and value is not cells.BAD and not any(cells.text(cell) for cell in row):
            return None
        if value is cells.BAD:
            self.error(number, field, _("The order number was turned into a number by a spreadsheet and lost its "
                                        "last digits (%(value)s): export the file again and upload it unopened.",
                                        value=_shown(raw)))
            return ""
        if not value:
            self.error(number, field, _("The order number is empty."))
        return value


def _shown(value) -> str:
    shown = cells.text(value) if value.__class__ is str else str(value)
    shown = shown or str(value).strip()
    return shown if len(shown) <= 40 else shown[:39] + "…"


def address(*parts: str) -> str:
    """省 市 区 街道 详细地址 as one line; a detail that already starts with the province is whole."""
    parts = [part for part in parts if part]
    if len(parts) > 1 and parts[-1].startswith(parts[0]):
        return parts[-1]
    return " ".join(parts)


def address_in_parts(row: list, ix: dict) -> str:
    """The address of a row whose export splits it into 省, 市, 区, 街道 and 详细地址 columns."""
    line = cells.single_line
    return address(line(row[ix["province"]]), line(row[ix["city"]]), line(row[ix["district"]]),
                   line(row[ix["street"]]), line(row[ix["detail"]]))


_TRACKING = re.compile(r"[A-Za-z0-9]{6,}")


def courier_and_tracking(cell: str) -> tuple[str, str]:
    """Douyin's 快递信息 holds both: "中通快递 75312345678901", "YT8812345678901-圆通速递",
    several packages separated by ";". The first package counts."""
    if not cell:
        return "", ""
    first = re.split(r"[;；\n]", cell, maxsplit=1)[0].strip()
    match = _TRACKING.search(first)
    if match is None:
        return first, ""
    courier = (first[:match.start()] + " " + first[match.end():]).strip(" -:：,，/|")
    return courier.strip(), match.group(0)


def prefix_free_tracking(value: str) -> str:
    """Taobao writes some tracking numbers as "No:YT88..."."""
    if value[:3].lower() == "no:":
        return value[3:].strip()
    return value


def priced_line(sheet: Sheet, row: list, number: int, **fields) -> LineRecord:
    """A line whose unit price and quantity are cells of its own row (JD, Douyin): its amount is
    price × quantity; title, SKU and status come from the columns of those names, and ``fields``
    adds what only one platform's export carries (spec, sub-order number, after-sales)."""
    ix, text = sheet.ix, cells.text
    price = sheet.amount(row, number, "price")
    count = sheet.quantity(row, number, "quantity")
    return LineRecord(title=text(row[ix["title"]]), quantity=count, unit_price=price, amount=price * count,
                      sku_code=text(row[ix["sku"]]), platform_status=text(row[ix["status"]]), **fields)
