"""Exports with one row per order line (JD, Pinduoduo, Douyin): rows are grouped by order
number and the order's own fields are taken from its first row. Amounts come two ways, and
each platform's reader names which of its columns are which:

- order-level (``repeated``): the order's amount written again on each of its rows (JD's
  订单金额 / 应付金额): every row must agree with the first, else the row is refused;
- line-level (``summed``): each row's own share (Douyin's 订单应付金额, 运费, 优惠总金额 per
  子订单): the order's amount is the sum of its rows.
"""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from office.orders.formats import cells
from office.orders.formats.common import Sheet
from office.orders.records import LineRecord, OrderRecord

ReadOrder = Callable[[Sheet, list, int, str, dict], OrderRecord]
ReadLine = Callable[[Sheet, list, int], LineRecord]
# Told each later row of an order: the row, the order so far and the row's line-level amounts.
AddRow = Callable[[Sheet, list, int, OrderRecord, dict], None]


def group(sheet: Sheet, orders: dict[str, OrderRecord], repeated: tuple[str, ...],
          read_order: ReadOrder, read_line: ReadLine, summed: tuple[str, ...] = (),
          add_row: AddRow | None = None) -> None:
    """Reads ``sheet`` into ``orders`` (shared by the files of one upload).

    ``repeated`` names the order-level amount fields written again on each of an order's
    rows, ``summed`` the line-level ones each row has its own of; read_order gets both parsed
    as a dict (the first row's), read_line builds one line from a row, and add_row is told
    each later row of the order with its ``summed`` amounts, to add them to the order."""
    firsts: dict[str, tuple[int, list]] = {}  # order number → its first row here, and its amounts
    ix = sheet.ix
    i_no = ix["order_no"]
    fields = repeated + summed
    indexes = tuple(ix[field] for field in fields)
    count = len(repeated)
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
                unread = {field for field, value in zip(fields, values) if value is BAD}
                values = [sheet.amount(row, number, field) if value is BAD else value
                          for field, value in zip(fields, values)]
                break
        order = orders.get(order_no)
        if order is None:
            order = read_order(sheet, row, number, order_no, dict(zip(fields, values)))
            orders[order_no] = order
            firsts[order_no] = (number, values[:count])
        else:
            first = firsts.get(order_no)
            if first is None:
                sheet.error(number, "order_no", _("This order is also in %(file)s (row %(row)d): upload each order "
                                                  "once.", file=order.file, row=order.row))
                continue
            first_row, first_values = first
            if count and values[:count] != first_values:
                for field, here, there in zip(repeated, values, first_values):
                    if here != there and field not in unread:
                        sheet.error(number, field, _("This order-level amount is %(here)s here but %(there)s on "
                                                     "row %(row)d of the same order.",
                                                     here=here, there=there, row=first_row))
            if add_row is not None:
                add_row(sheet, row, number, order, dict(zip(summed, values[count:])))
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
