"""Exports with one row per order line (JD, Pinduoduo, Douyin): rows are grouped by order
number, the order's own fields are taken from its first row, and the order-level amounts
that every row repeats must agree with that first row, else the row is refused.
"""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from office.orders.formats import cells
from office.orders.formats.common import Sheet
from office.orders.records import LineRecord, OrderRecord

ReadOrder = Callable[[Sheet, list, int, str, dict], OrderRecord]
ReadLine = Callable[[Sheet, list, int], LineRecord]


def group(sheet: Sheet, orders: dict[str, OrderRecord], repeated: tuple[str, ...],
          read_order: ReadOrder, read_line: ReadLine) -> None:
    """Reads ``sheet`` into ``orders`` (shared by the files of one upload).

    ``repeated`` names the amount fields written on each of an order's rows; read_order gets
    them parsed as a dict, and read_line builds one line from a row."""
    firsts: dict[str, tuple[int, list]] = {}  # order number → its first row here, and its amounts
    ix = sheet.ix
    i_no = ix["order_no"]
    indexes = tuple(ix[field] for field in repeated)
    amount, BAD, order_number = cells.amount, cells.BAD, cells.order_number
    for number, row in sheet.rows():
        order_no = order_number(row[i_no])
        if not order_no or order_no is BAD:
            order_no = sheet.order_number(row, number, "order_no")
            if not order_no:
                continue
        values = [amount(row[index]) for index in indexes]
        unread = ()
        for value in values:
            if value is BAD:  # (not "BAD in values": Decimal's == with a stranger is slow)
                # Unreadable amounts are reported once, as such, and left out of the comparison.
                unread = {field for field, value in zip(repeated, values) if value is BAD}
                values = [sheet.amount(row, number, field) if value is BAD else value
                          for field, value in zip(repeated, values)]
                break
        order = orders.get(order_no)
        if order is None:
            order = read_order(sheet, row, number, order_no, dict(zip(repeated, values)))
            orders[order_no] = order
            firsts[order_no] = (number, values)
        else:
            first = firsts.get(order_no)
            if first is None:
                sheet.error(number, "order_no", _("This order is also in %(file)s (row %(row)d): upload each order "
                                                  "once.", file=order.file, row=order.row))
                continue
            first_row, first_values = first
            if values != first_values:
                for field, here, there in zip(repeated, values, first_values):
                    if here != there and field not in unread:
                        sheet.error(number, field, _("This order-level amount is %(here)s here but %(there)s on "
                                                     "row %(row)d of the same order.",
                                                     here=here, there=there, row=first_row))
        order.lines.append(read_line(sheet, row, number))


def split_by_quantity(order: OrderRecord, total) -> None:
    """Gives lines that the export prices only as a whole order (PDD's 商品总价) a share of
    ``total`` by quantity, the last line taking the rounding, so the lines add up to it."""
    lines = order.lines
    if len(lines) == 1:
        line = lines[0]
        line.amount = total
        line.unit_price = total if line.quantity == 1 else (total / line.quantity).quantize(cells.CENT)
        return
    count = sum(line.quantity for line in lines)
    left = total
    for index, line in enumerate(lines):
        if index == len(lines) - 1:
            share = left
        else:
            share = (total * line.quantity / count).quantize(cells.CENT)
            left -= share
        line.amount = share
        line.unit_price = (share / line.quantity).quantize(cells.CENT)


def derived_discount(goods, shipping, paid, paid_at):
    """What a paid order's buyer did not pay of goods + shipping, when the export has no discount."""
    if paid_at is None or not paid:
        return cells.ZERO
    discount = goods + shipping - paid
    return discount if discount > cells.ZERO else cells.ZERO
