"""Shipping notes (发货单): which orders a batch holds, what each note shows (masked or not,
by who prints it), the audit row of an unmasked batch, and the order number's Code 128
barcode as inline SVG (no library: the symbology fits in a table and forty lines).

Imports models, access.py and the audit trail; never views, templates or tasks.
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from office.audit.trail import record
from office.models.orders import Order, OrderLine, Shop
from office.models.people import User
from office.orders.access import mask_address, mask_name, mask_phone

MAX_NOTES = 200
AUDIT_ACTION = "order_notes_printed"

# Code 128 (ISO/IEC 15417): the bar and space widths, in modules, of symbol values 0-105 and
# of the stop symbol (106, with its final 2-module bar). Every symbol is 11 modules wide.
PATTERNS = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
    "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
    "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
    "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
    "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
    "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
    "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
    "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
    "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
    "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
)
CODE_C = 99  # switch to set C (in set B)
CODE_B = 100  # switch to set B (in set C)
START_B = 104
START_C = 105
STOP = 106
QUIET_MODULES = 10  # the blank margin a scanner needs on each side


class BarcodeError(ValueError):
    """The text has characters Code 128 set B cannot carry (only printable ASCII)."""


def _digit_run(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end].isdigit() and text[end].isascii():
        end += 1
    return end - start


def code128_values(text: str) -> list[int]:
    """The symbol values of ``text``: start, data, check symbol, stop.

    Set B carries printable ASCII one character a symbol; set C carries two digits a
    symbol, so runs of digits (most platforms' order numbers are 16-20 digits) switch to it
    where that is shorter: four or more digits at either end, six or more in the middle.

    Raises:
        BarcodeError: ``text`` is empty or has a character outside ASCII 32-126.
    """
    if not text or any(not 32 <= ord(char) <= 126 for char in text):
        raise BarcodeError(text)
    values: list[int] = []
    current = None
    i = 0
    while i < len(text):
        run = _digit_run(text, i)
        at_edge = i == 0 or i + run == len(text)
        if current != "C" and (run >= 6 or (run >= 4 and at_edge)):
            if run % 2 and current == "B":
                # An odd run: its first digit goes in set B, so set C ends with the run.
                values.append(ord(text[i]) - 32)
                i += 1
            values.append(START_C if current is None else CODE_C)
            current = "C"
        if current == "C" and _digit_run(text, i) >= 2:
            values.append(int(text[i:i + 2]))
            i += 2
            continue
        if current != "B":
            values.append(START_B if current is None else CODE_B)
            current = "B"
        values.append(ord(text[i]) - 32)
        i += 1
    check = (values[0] + sum(position * value for position, value in enumerate(values[1:], start=1))) % 103
    return values + [check, STOP]


def code128_widths(text: str) -> list[int]:
    """Alternating bar and space widths in modules, starting and ending with a bar."""
    return [int(width) for value in code128_values(text) for width in PATTERNS[value]]


def code128_svg(text: str, module: float = 2, height: int = 60) -> Markup:
    """``text`` as a Code 128 barcode: an inline <svg> of black <rect> bars with a quiet zone,
    ``module`` px per module, labelled for screen readers with the text itself.

    Raises:
        BarcodeError: see code128_values.
    """
    widths = code128_widths(text)
    x = QUIET_MODULES
    bars = []
    for index, width in enumerate(widths):
        if index % 2 == 0:
            bars.append(f'<rect x="{x}" y="0" width="{width}" height="{height}"/>')
        x += width
    total = x + QUIET_MODULES
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="barcode" role="img" aria-label="{escape(text)}"'
        f' viewBox="0 0 {total} {height}" width="{total * module:g}" height="{height}"'
        f' preserveAspectRatio="none" shape-rendering="crispEdges" fill="#000">'
        + "".join(bars) + "</svg>"
    )


def barcode_or_none(text: str) -> Markup | None:
    """The barcode, or None for an order number Code 128 cannot carry (the note then shows
    the number alone)."""
    try:
        return code128_svg(text)
    except BarcodeError:
        return None


# --- the notes -------------------------------------------------------------------------


class NotesError(ValueError):
    """A batch that cannot be printed as asked (no ids, too many, not numbers)."""


def parse_ids(values: list[str]) -> list[int]:
    """Order ids from ``?ids=1,2&ids=3`` (checkboxes repeat the name; links join with commas),
    without repeats, in the order given.

    Raises:
        NotesError: no id, one that is not a number, or more than MAX_NOTES.
    """
    from flask_babel import gettext as _

    ids: list[int] = []
    seen: set[int] = set()
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isascii() or not part.isdigit() or len(part) > 18:
                raise NotesError(_("Order ids must be numbers."))
            order_id = int(part)
            if order_id not in seen:
                seen.add(order_id)
                ids.append(order_id)
    if not ids:
        raise NotesError(_("Choose at least one order to print its shipping note."))
    if len(ids) > MAX_NOTES:
        raise NotesError(_("Too many orders: at most %(max)d shipping notes at a time (you chose %(n)d).",
                           max=MAX_NOTES, n=len(ids)))
    return ids


@dataclass
class ShippingNote:
    order: Order
    lines: list[OrderLine]
    receiver_name: str
    receiver_phone: str
    receiver_address: str
    barcode: Markup | None

    @property
    def pieces(self) -> int:
        return sum(line.quantity for line in self.lines)


def load(ids: list[int]) -> list[Order] | None:
    """The orders of ``ids`` with their shops, in the order of ``ids``; None if any is unknown
    (the whole batch is then 404: a note never silently goes missing)."""
    orders = {order.id: order for order in Order.select(Order, Shop).join(Shop).where(Order.id.in_(ids))}
    if len(orders) != len(ids):
        return None
    return [orders[order_id] for order_id in ids]


def notes(orders: list[Order], unmasked: bool) -> list[ShippingNote]:
    """One note per order, lines included (one query for all), receiver masked unless
    ``unmasked``."""
    lines: dict[int, list[OrderLine]] = {order.id: [] for order in orders}
    query = (OrderLine.select(OrderLine.id, OrderLine.order, OrderLine.title, OrderLine.spec,
                              OrderLine.sku_code, OrderLine.quantity)
             .where(OrderLine.order.in_(list(lines)))
             .order_by(OrderLine.order, OrderLine.position, OrderLine.id))
    for line in query:
        lines[line.order_id].append(line)
    result = []
    for order in orders:
        name, phone, address = order.receiver_name, order.receiver_phone, order.receiver_address
        if not unmasked:
            name, phone, address = mask_name(name), mask_phone(phone), mask_address(address)
        result.append(ShippingNote(order, lines[order.id], name, phone, address, barcode_or_none(order.order_no)))
    return result


def audit_print(actor: User, orders: list[Order]) -> None:
    """One audit row for a batch printed with the receivers' full phone and address."""
    numbers = ",".join(order.order_no for order in orders)
    record(AUDIT_ACTION, actor, subject=numbers, count=len(orders), order_ids=[order.id for order in orders])
