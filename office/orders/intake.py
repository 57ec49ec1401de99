"""Saving orders read from an export file or the API: idempotent, all or nothing, fast, with
the import report.

Orders are keyed by (platform, order number). A fingerprint of the platform's data tells an
unchanged re-import apart without comparing columns, so importing the same file twice
touches nothing. Imports models, records, validation, routing, lifecycle's event kinds, shops'
platform rule and live events; never views or tasks. Files and import batches: imports.py.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError, OperationalError

from office.db import atomic_for_update, db, is_sqlite
from office.live.events import publish
from office.models.base import utcnow
from office.models.orders import (
    ORDER_CHANGED,
    AFTERSALE,
    CLOSED,
    DELIVERED,
    QUEUE_EXCEPTION,
    QUEUE_WAREHOUSE,
    REVIEW,
    SHIPPED,
    SOURCE_API,
    SOURCE_IMPORT,
    TO_SHIP,
    UNPAID,
    Order,
    OrderEvent,
    OrderLine,
    Shop,
)
from office.models.people import User
from office.orders import routing, validation
from office.orders.formats.status import is_locked, stage_of
from office.orders.labels import platform_label, status_label
from office.orders.lifecycle import EVENT_CREATED, EVENT_IMPORTED, EVENT_RECEIVED, EVENT_UPDATED
from office.orders.records import (
    STAGE_CLOSED,
    STAGE_DELIVERED,
    STAGE_PAID,
    STAGE_SHIPPED,
    STAGE_UNPAID,
    OrderRecord,
    ParsedExport,
    RowError,
)
from office.orders.shops import SAME_NUMBERS
from office.rules import RuleError

# SQLite allows 32,766 bound values per statement, PostgreSQL 65,535: these chunks stay
# far below both with every column bound.
LOOKUP_CHUNK = 500
ORDER_CHUNK = 500
LINE_CHUNK = 1000
EVENT_CHUNK = 2000
# Orders handled per round (lookup, insert, lines, events): also how often progress is told.
ROUND = 1000

# Stages the platform reports, as our status, when the order arrives already past payment.
# Our statuses before the parcel leaves: what a platform's lock or close can still stop.
SHIPPABLE = (REVIEW, TO_SHIP)
STAGE_STATUS = {STAGE_UNPAID: UNPAID, STAGE_SHIPPED: SHIPPED, STAGE_DELIVERED: DELIVERED, STAGE_CLOSED: CLOSED}
# How far along an order is: a later export may move it forward, never back. REVIEW and
# TO_SHIP share a rank: which of the two is a person's decision, not the platform's.
RANK = {UNPAID: 0, REVIEW: 1, TO_SHIP: 1, SHIPPED: 3, DELIVERED: 4, AFTERSALE: 5, CLOSED: 6}

# Text columns and their sizes: longer values refuse the file (PostgreSQL would fail midway;
# cutting an address or a tracking number short would send a parcel astray). Titles and
# specs are only shown, so they are cut instead.
LIMITS = (
    ("order_no", 64, _l("Order number")),
    ("platform_status", 40, _l("Order status")),
    ("buyer_nick", 80, _l("Buyer")),
    ("receiver_name", 80, _l("Receiver name")),
    ("receiver_phone", 40, _l("Receiver phone")),
    ("receiver_address", 300, _l("Receiver address")),
    ("courier", 40, _l("Courier")),
    ("tracking_no", 60, _l("Tracking number")),
)
LINE_LIMITS = (
    ("sku_code", 64, _l("SKU code")),
    ("sub_order_no", 64, _l("Sub-order number")),
    ("platform_status", 40, _l("Order status")),
    ("refund_status", 40, _l("Refund status")),
)
REASON_MAX = 300
RACE_REASON = _l("Another import saved some of these orders at the same time. Nothing was saved from this one: "
                 "import it again.")
BUSY_REASON = _l("Another import is being saved. Nothing was saved from this one: try again in a minute.")

Progress = Callable[[int, int], None]


class Refused(RuleError):
    """The upload was refused and nothing saved; ``errors`` says why, row by row."""

    def __init__(self, errors: Sequence[RowError], message=None):
        self.errors = list(errors)
        super().__init__(message or _l("The import was refused: nothing was saved."))


@dataclass
class Report:
    """What one import did. ``paid_total`` sums the paid amount of the file's orders that
    have a payment time; ``platform_status_counts`` counts the platform's own status texts."""

    orders: int = 0
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    paid_total: Decimal = Decimal("0.00")
    platform_status_counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "orders": self.orders,
            "lines": self.lines,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "paid_total": f"{self.paid_total:.2f}",
            "platform_status_counts": dict(self.platform_status_counts),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        return cls(orders=data["orders"], lines=data["lines"], created=data["created"],
                   updated=data["updated"], unchanged=data["unchanged"], paid_total=Decimal(data["paid_total"]),
                   platform_status_counts=dict(data["platform_status_counts"]))


def _status_counts(statuses: Iterable[str]) -> dict[str, int]:
    """Most frequent first, then by text, so reports read the same every time."""
    counts = Counter(statuses)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


# -- fingerprints and checks -----------------------------------------------------------

def _money(value: Decimal | None) -> str:
    # Records carry amounts with two places (records.py), so str() is the canonical text.
    return "" if value is None else str(value)


def _when(value: dt.datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def fingerprint(record: OrderRecord) -> str:
    """A hash of everything the platform says about the order, lines included (not where
    in the file it stood): equal fingerprints mean nothing to update."""
    r = record
    parts = [r.order_no, r.platform_status, r.stage, r.buyer_nick, r.receiver_name, r.receiver_phone,
             r.receiver_address, r.buyer_message, r.seller_memo, _money(r.goods_amount), _money(r.shipping_fee),
             _money(r.discount), _money(r.paid_amount), _when(r.placed_at), _when(r.paid_at),
             _when(r.shipped_at), r.courier, r.tracking_no]
    for line in r.lines:
        parts += ("\x1e", line.title, str(line.quantity), _money(line.unit_price), _money(line.amount),
                  line.sku_code, line.spec, line.sub_order_no, line.platform_status, line.refund_status)
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def _row_error(record: OrderRecord, column, reason) -> RowError:
    return RowError(record.file, record.row, str(column), str(reason))


def _fits(record: OrderRecord) -> bool:
    """The common case in one expression: every value within its column (see LIMITS)."""
    r = record
    return (0 < len(r.order_no) <= 64 and len(r.platform_status) <= 40 and len(r.buyer_nick) <= 80
            and len(r.receiver_name) <= 80 and len(r.receiver_phone) <= 40 and len(r.receiver_address) <= 300
            and len(r.courier) <= 40 and len(r.tracking_no) <= 60
            and all(len(ln.sku_code) <= 64 and len(ln.sub_order_no) <= 64 and len(ln.platform_status) <= 40
                    and len(ln.refund_status) <= 40 and ln.quantity >= 0 for ln in r.lines))


def check(records: Sequence[OrderRecord]) -> list[RowError]:
    """What would stop these records from being saved, found before any write: a missing
    or repeated order number, values too long for their column."""
    errors: list[RowError] = []
    seen: dict[str, OrderRecord] = {}
    for record in records:
        first = seen.setdefault(record.order_no, record)
        if first is not record and record.order_no:
            errors.append(_row_error(record, _l("Order number"), _l(
                "Order %(no)s appears more than once (first at %(file)s, row %(row)d).",
                no=record.order_no, file=first.file, row=first.row)))
        if _fits(record):
            continue
        if not record.order_no:
            errors.append(_row_error(record, _l("Order number"), _l("The order number is missing.")))
        for name, limit, label in LIMITS:
            if len(getattr(record, name) or "") > limit:
                errors.append(_row_error(record, label, _l("Longer than %(n)d characters.", n=limit)))
        for line in record.lines:
            for name, limit, label in LINE_LIMITS:
                if len(getattr(line, name) or "") > limit:
                    errors.append(_row_error(record, label, _l("Longer than %(n)d characters.", n=limit)))
            if line.quantity is None or line.quantity < 0:
                errors.append(_row_error(record, _l("Quantity"), _l("The quantity must be 0 or more.")))
    return errors


# A virtual number carries an extension (18412345678-1234, 转1234): the tail people read
# out is the main number's.
_EXTENSION = re.compile(r"[-转,，#].*", re.S)
_NOT_DIGITS = re.compile(r"\D")


def _phone_tail(phone: str) -> str:
    digits = _NOT_DIGITS.sub("", _EXTENSION.sub("", phone)) if phone else ""
    return digits[-4:] if len(digits) >= 4 else ""


def _stage(record: OrderRecord) -> str:
    if record.stage:
        return record.stage
    return STAGE_PAID if record.paid_at else STAGE_UNPAID


def _stops_shipping(record: OrderRecord, row: _Stored) -> bool:
    """This export newly closes or locks the order on the platform: judged on the change, so
    a later export of the same state (a new memo, say) does not undo what a person resolved."""
    if _stage(record) == STAGE_CLOSED:
        return stage_of(row.platform_status) != STAGE_CLOSED if row.platform_status else True
    return is_locked(record.platform_status) and not is_locked(row.platform_status)


def _cut(text: str, limit: int) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- saving ------------------------------------------------------------------------------

@dataclass
class _Stored:
    """What a round needs to know about an order already stored."""

    id: int
    shop_id: int
    fingerprint: str
    status: str
    platform_status: str
    paid_amount: Decimal
    tracking_no: str
    is_merged_or_split: bool
    merged_into: int | None = None


# What a merge or split rewrote on an order, which a later export of it leaves alone.
OURS_AFTER_MERGE = ("buyer_message", "seller_memo", "goods_amount", "shipping_fee", "discount", "paid_amount")


class _Arrival:
    """Routing and validation of paid orders, with the rules and prices loaded once per save
    (on the first order that needs them: a re-import of unchanged orders loads nothing)."""

    def __init__(self, shop: Shop, records: Sequence[OrderRecord]):
        self.shop = shop
        self.records = records
        self._rules: list | None = None
        self._prices: dict[str, Decimal] = {}

    def _load(self) -> None:
        self._rules = routing.active_rules()
        skus = {line.sku_code for record in self.records if _stage(record) == STAGE_PAID for line in record.lines}
        self._prices = validation.known_prices(skus)

    def place(self, record: OrderRecord) -> dict:
        """Status, queue, rule and exception reason of a paid order arriving now."""
        if self._rules is None:
            self._load()
        problems = validation.problems(record, self._prices)
        if problems:
            return {"status": REVIEW, "queue": QUEUE_EXCEPTION, "rule": None,
                    "exception_reason": _cut("; ".join(str(p) for p in problems), REASON_MAX)}
        rule = routing.choose(record, self.shop, self._rules)
        queue = rule.queue if rule is not None else QUEUE_WAREHOUSE
        return {"status": TO_SHIP if queue == QUEUE_WAREHOUSE else REVIEW, "queue": queue,
                "rule": rule.id if rule is not None else None, "exception_reason": ""}


ORDER_FIELDS = (
    Order.shop, Order.platform, Order.order_no, Order.status, Order.platform_status, Order.queue, Order.rule,
    Order.exception_reason, Order.buyer_nick, Order.receiver_name, Order.receiver_phone, Order.phone_tail,
    Order.receiver_address, Order.buyer_message, Order.seller_memo, Order.goods_amount, Order.shipping_fee,
    Order.discount, Order.paid_amount, Order.placed_at, Order.paid_at, Order.shipped_at, Order.courier,
    Order.tracking_no, Order.source, Order.fingerprint, Order.created_at, Order.updated_at, Order.is_priority,
    Order.logistics_issue,
)
LINE_FIELDS = (
    OrderLine.order, OrderLine.position, OrderLine.sub_order_no, OrderLine.sku_code, OrderLine.title,
    OrderLine.spec, OrderLine.quantity, OrderLine.unit_price, OrderLine.amount, OrderLine.platform_status,
    OrderLine.refund_status,
)
EVENT_FIELDS = (OrderEvent.order, OrderEvent.kind, OrderEvent.actor, OrderEvent.detail, OrderEvent.created_at)


def _chunks(items: Sequence, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


_INSERT_SQL: dict[tuple, str] = {}


def _insert(model, fields, rows: list[tuple], size: int) -> None:
    """Multi-row INSERTs of ``size`` rows (one statement per chunk, as ``insert_many``).

    Built by hand: ``insert_many`` makes a query node per value, and building the SQL cost
    three times the database's own work at 100,000 orders. The values here are already
    what the drivers take (str, int, Decimal, naive datetime, None), and the statement text
    is cached per row count.
    """
    for chunk in _chunks(rows, size):
        param = db.obj.param
        key = (model, len(chunk), param)
        sql = _INSERT_SQL.get(key)
        if sql is None:
            columns = ", ".join(f'"{f.column_name}"' for f in fields)
            row = "(" + ", ".join([param] * len(fields)) + ")"
            sql = _INSERT_SQL[key] = (f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES '
                                      + ", ".join([row] * len(chunk)))
        db.execute_sql(sql, [value for row in chunk for value in row])


def _line_rows(order_id: int, record: OrderRecord) -> list[tuple]:
    return [(order_id, position, line.sub_order_no, line.sku_code,
             line.title if len(line.title) <= 200 else _cut(line.title, 200),
             line.spec if len(line.spec) <= 200 else _cut(line.spec, 200),
             line.quantity, line.unit_price, line.amount, line.platform_status, line.refund_status)
            for position, line in enumerate(record.lines, 1)]


def _params(count: int) -> str:
    return ", ".join([db.obj.param] * count)


def _by_order_no(platform: str, order_nos: list[str], fields) -> list[tuple]:
    """``fields`` of the platform's orders among ``order_nos``, by IN lists of LOOKUP_CHUNK.

    Plain SQL for the same reason as ``_insert``: a 500-value IN list is 500 query nodes."""
    param = db.obj.param
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    found: list[tuple] = []
    for chunk in _chunks(order_nos, LOOKUP_CHUNK):
        sql = (f'SELECT {columns} FROM "orders" WHERE "platform" = {param} '
               f'AND "order_no" IN ({_params(len(chunk))})')
        found.extend(db.execute_sql(sql, [platform, *chunk]).fetchall())
    return found


class _Save:
    """One call of ``save``: the state shared by its rounds."""

    def __init__(self, shop: Shop, platform: str, records: Sequence[OrderRecord], by: User | None, source: str,
                 create_only: bool = False):
        self.shop = shop
        self.create_only = create_only
        self.platform = platform
        self.records = records
        self.actor = by.id if by is not None else None
        self.source = source
        self.now = utcnow()
        self.arrival = _Arrival(shop, records)
        self.created = self.updated = self.unchanged = 0
        self.conflicts: list[RowError] = []
        self.other_shops: dict[int, str] = {}
        self.created_kind = {SOURCE_IMPORT: EVENT_IMPORTED, SOURCE_API: EVENT_RECEIVED}.get(source, EVENT_CREATED)
        # Translated once: gettext per order would cost more than the insert.
        self.created_detail = _("%(file)s, row %(row)s")
        self.words: dict | None = None

    def stored(self, order_nos: list[str]) -> dict[str, _Stored]:
        found: dict[str, _Stored] = {}
        rows = _by_order_no(self.platform, order_nos, (
            Order.order_no, Order.id, Order.shop, Order.fingerprint, Order.status, Order.platform_status,
            Order.paid_amount, Order.tracking_no, Order.merged_into, Order.parent))
        for no, id_, shop_id, fp, status, platform_status, paid, tracking, merged_into, parent in rows:
            found[no] = _Stored(id_, shop_id, fp, status, platform_status, Order.paid_amount.python_value(paid),
                                tracking, merged_into is not None or parent is not None, merged_into)
        return found

    def round(self, records: Sequence[OrderRecord], fingerprints: Sequence[str]) -> None:
        stored = self.stored([record.order_no for record in records])
        new: list[tuple[OrderRecord, str]] = []
        changed: list[tuple[OrderRecord, str, _Stored]] = []
        for record, fp in zip(records, fingerprints):
            row = stored.get(record.order_no)
            if row is None:
                new.append((record, fp))
            elif self.create_only:
                self.conflicts.append(_row_error(record, _l("Order number"), _l(
                    "Order %(no)s is already stored: open it rather than entering it again.", no=record.order_no)))
            elif row.shop_id != self.shop.id:
                self.conflicts.append(self._conflict(record, row))
            elif row.fingerprint == fp:
                self.unchanged += 1
            else:
                changed.append((record, fp, row))
        if self.conflicts:
            return  # refused at the end; later rounds only look for more conflicts
        if new:
            self.create(new)
        if changed:
            self.update(changed)

    def _conflict(self, record: OrderRecord, row: _Stored) -> RowError:
        if row.shop_id not in self.other_shops:
            self.other_shops[row.shop_id] = Shop.get_by_id(row.shop_id).name
        return _row_error(record, _l("Order number"), _l(
            "Order %(no)s is already stored under shop %(shop)s; import it there.",
            no=record.order_no, shop=self.other_shops[row.shop_id]))

    def create(self, new: list[tuple[OrderRecord, str]]) -> None:
        rows = []
        for record, fp in new:
            stage = _stage(record)
            if stage == STAGE_PAID:
                placed = self.arrival.place(record)
            else:
                placed = {"status": STAGE_STATUS.get(stage, UNPAID), "queue": "", "rule": None,
                          "exception_reason": ""}
            rows.append((
                self.shop.id, self.platform, record.order_no, placed["status"], record.platform_status,
                placed["queue"], placed["rule"], placed["exception_reason"], record.buyer_nick,
                record.receiver_name, record.receiver_phone, _phone_tail(record.receiver_phone),
                record.receiver_address, record.buyer_message, record.seller_memo, record.goods_amount,
                record.shipping_fee, record.discount, record.paid_amount, record.placed_at, record.paid_at,
                record.shipped_at, record.courier, record.tracking_no, self.source, fp, self.now, self.now, False,
                "",
            ))
        _insert(Order, ORDER_FIELDS, rows, ORDER_CHUNK)
        ids = dict(_by_order_no(self.platform, [record.order_no for record, _fp in new], (Order.order_no, Order.id)))
        lines: list[tuple] = []
        events: list[tuple] = []
        for record, _fp in new:
            order_id = ids[record.order_no]
            lines.extend(_line_rows(order_id, record))
            detail = self.created_detail % {"file": record.file, "row": record.row} if record.file else ""
            events.append((order_id, self.created_kind, self.actor, detail, self.now))
        _insert(OrderLine, LINE_FIELDS, lines, LINE_CHUNK)
        _insert(OrderEvent, EVENT_FIELDS, events, EVENT_CHUNK)
        self.created += len(new)

    def update(self, changed: list[tuple[OrderRecord, str, _Stored]]) -> None:
        """Platform data replaced, lines too, our status moved forward only. Once a person
        merged or split an order, its lines, amounts and messages are ours: the platform's
        export of one of the parts must not undo the merge (nor count a closed part's
        payment again), so only its status, receiver, parcel and times are taken."""
        targets, children = self._merge_parts([row for _r, _fp, row in changed])
        merged = {row.id for _r, _fp, row in changed if row.is_merged_or_split} | targets | set(children)
        keeps_lines = set(merged)
        # Lines the warehouse picks by SKU code are not replaced by an export that names the
        # goods by title only (千牛's one workbook after the two-file download): the order's
        # status, amounts and parcel are still updated.
        keeps_lines |= _coded([row.id for record, _fp, row in changed
                               if row.id not in keeps_lines and _titles_only(record)])
        held: dict[int, list[str]] = {}  # order id -> why it must not ship as it is
        lines: list[tuple] = []
        events: list[tuple] = []
        for record, fp, row in changed:
            values = {
                "platform_status": record.platform_status, "buyer_nick": record.buyer_nick,
                "buyer_message": record.buyer_message, "seller_memo": record.seller_memo,
                "goods_amount": record.goods_amount, "shipping_fee": record.shipping_fee,
                "discount": record.discount, "paid_amount": record.paid_amount,
                "placed_at": record.placed_at, "paid_at": record.paid_at,
                "fingerprint": fp, "updated_at": self.now,
            }
            if row.id in merged:
                for name in OURS_AFTER_MERGE:
                    del values[name]
            # The platform blanks what it no longer shows (masked receivers, tracking after
            # a while): an empty value never erases what we have.
            for name in ("receiver_name", "receiver_phone", "receiver_address", "courier", "tracking_no"):
                if getattr(record, name):
                    values[name] = getattr(record, name)
            if record.receiver_phone:
                values["phone_tail"] = _phone_tail(record.receiver_phone)
            status = self._forward(record, row, values)
            stopped = _stops_shipping(record, row)
            if stopped and (row.id in targets or row.merged_into is not None or row.id in children):
                # Closed or locked on the platform, but a merge or split spread its goods over
                # other orders of ours: those must not ship as they are, and a person decides.
                if row.id in targets and row.status in SHIPPABLE:
                    values.update({"status": REVIEW, "queue": QUEUE_EXCEPTION,
                                   "exception_reason": self._part_stopped(record, "merged_in_self")})
                    status = REVIEW
                for holder, how in self._holders(row):
                    held.setdefault(holder, []).append(self._part_stopped(record, how))
            _update_order(row.id, values)
            if row.id not in keeps_lines:
                lines.extend(_line_rows(row.id, record))
            events.append((row.id, EVENT_UPDATED, self.actor,
                           self._summary(record, row, status, amounts_kept=row.id in merged), self.now))
        replaced = [row.id for _r, _fp, row in changed if row.id not in keeps_lines]
        for chunk in _chunks(replaced, LOOKUP_CHUNK):
            db.execute_sql(f'DELETE FROM "order_lines" WHERE "order_id" IN ({_params(len(chunk))})', chunk)
        _insert(OrderLine, LINE_FIELDS, lines, LINE_CHUNK)
        if held:
            current = dict(Order.select(Order.id, Order.exception_reason).where(
                Order.id.in_(list(held)) & Order.status.in_(SHIPPABLE)).tuples())
            for order_id, reasons in held.items():
                if order_id not in current:
                    continue  # shipped or closed meanwhile: nothing left to stop
                reason = "；".join(dict.fromkeys([current[order_id], *reasons] if current[order_id] else reasons))
                Order.update(status=REVIEW, queue=QUEUE_EXCEPTION, exception_reason=_cut(reason, 300),
                             updated_at=self.now).where(Order.id == order_id).execute()
                events.append((order_id, EVENT_UPDATED, self.actor, "；".join(reasons), self.now))
        _insert(OrderEvent, EVENT_FIELDS, events, EVENT_CHUNK)
        self.updated += len(changed)

    def _holders(self, row: _Stored) -> list[tuple[int, str]]:
        """The orders of ours that may now carry goods of ``row``'s platform order, each with
        how ("merged_in": it was merged into that one; "split_from": that one was split off
        it; "carries": further on, through later merges and splits of those)."""
        found: list[tuple[int, str]] = []
        seen = {row.id}
        frontier = [row.id]
        while frontier:
            rows = list(Order.select(Order.id, Order.merged_into, Order.parent)
                        .where(Order.id.in_(frontier) | Order.parent.in_(frontier)).tuples())
            first = frontier == [row.id]
            frontier = []
            for order_id, merged_into, parent in rows:
                steps = ((order_id, "split_from") if parent in seen else None,
                         (merged_into, "merged_in") if order_id in seen and merged_into is not None else None)
                for step in steps:
                    if step is not None and step[0] not in seen:
                        seen.add(step[0])
                        found.append((step[0], step[1] if first else "carries"))
                        frontier.append(step[0])
        return found

    def _part_stopped(self, record: OrderRecord, how: str) -> str:
        texts = {
            "merged_in_self": _l("The platform stopped order %(no)s (%(status)s), but orders merged into it still "
                                 "hold their goods: take its own goods off before shipping the rest."),
            "merged_in": _l("Order %(no)s, merged into this one, was stopped on the platform (%(status)s): take "
                            "its goods off before shipping."),
            "split_from": _l("Order %(no)s, which this one was split from, was stopped on the platform "
                             "(%(status)s): do not ship this part unless the platform still wants it."),
            "carries": _l("Goods of order %(no)s, stopped on the platform (%(status)s), may be in this order "
                          "(merged or split since): take them off before shipping."),
        }
        return str(texts[how]) % {"no": record.order_no, "status": record.platform_status or "—"}

    def _forward(self, record: OrderRecord, row: _Stored, values: dict) -> str:
        """Our status after this export (written into ``values``); never moved back."""
        stage = _stage(record)
        if stage == STAGE_PAID:
            if row.status in SHIPPABLE and is_locked(record.platform_status) and not is_locked(row.platform_status):
                # The one move back: the platform now forbids shipping it (a cancel or refund
                # being handled), so it leaves the warehouse's work until a person resolves it.
                values.update({"status": REVIEW, "queue": QUEUE_EXCEPTION,
                               "exception_reason": validation.locked_reason(record.platform_status)})
                return REVIEW
            if row.status != UNPAID:
                return row.status
            placed = self.arrival.place(record)
            values.update({"status": placed["status"], "queue": placed["queue"], "rule_id": placed["rule"],
                           "exception_reason": placed["exception_reason"]})
            return placed["status"]
        target = STAGE_STATUS.get(stage, UNPAID)
        if RANK[target] <= RANK.get(row.status, 0):
            return row.status
        values["status"] = target
        if RANK[target] > RANK[TO_SHIP]:
            # Past the warehouse: no queue holds it any more.
            values["queue"] = ""
            values["exception_reason"] = ""
        if target == SHIPPED:
            values["shipped_at"] = record.shipped_at or self.now
        return target

    def _merge_parts(self, rows: list[_Stored]) -> tuple[set[int], dict[int, list[int]]]:
        """Among ``rows``: the ids of orders others were merged into, and the orders split
        off each split one (parent id -> child ids)."""
        targets: set[int] = set()
        children: dict[int, list[int]] = {}
        for chunk in _chunks([row.id for row in rows], LOOKUP_CHUNK):
            marks, wanted = _params(len(chunk)), set(chunk)
            found = db.execute_sql(f'SELECT "id", "merged_into_id", "parent_id" FROM "orders" WHERE "merged_into_id" '
                                   f'IN ({marks}) OR "parent_id" IN ({marks})', chunk + chunk).fetchall()
            for order_id, merged_into, parent in found:
                if merged_into in wanted:
                    targets.add(merged_into)
                if parent in wanted:
                    children.setdefault(parent, []).append(order_id)
        return targets, children

    def _summary(self, record: OrderRecord, row: _Stored, status: str, amounts_kept: bool = False) -> str:
        words = self.words
        if words is None:
            # Translated once per save, not once per order.
            words = self.words = {
                "platform": _("Platform status: %(old)s → %(new)s"), "status": _("Status: %(old)s → %(new)s"),
                "paid": _("Paid: %(old)s → %(new)s"), "tracking": _("Tracking number: %(no)s"),
                "none": _("Platform data updated"), "labels": {s: status_label(s) for s in RANK},
            }
        parts = []
        if record.platform_status != row.platform_status:
            parts.append(words["platform"] % {"old": row.platform_status or "—", "new": record.platform_status or "—"})
        if status != row.status:
            labels = words["labels"]
            parts.append(words["status"] % {"old": labels.get(row.status, row.status), "new": labels[status]})
        if record.paid_amount != row.paid_amount and not amounts_kept:
            parts.append(words["paid"] % {"old": f"{row.paid_amount:.2f}", "new": f"{record.paid_amount:.2f}"})
        if record.tracking_no and record.tracking_no != row.tracking_no:
            parts.append(words["tracking"] % {"no": record.tracking_no})
        return "; ".join(parts) or words["none"]


def _titles_only(record: OrderRecord) -> bool:
    return bool(record.lines) and not any(line.sku_code or line.sub_order_no for line in record.lines)


def _coded(order_ids: list[int]) -> set[int]:
    """Those of ``order_ids`` with a stored line that has a SKU code."""
    found: set[int] = set()
    for chunk in _chunks(order_ids, LOOKUP_CHUNK):
        rows = db.execute_sql(f'SELECT DISTINCT "order_id" FROM "order_lines" WHERE "order_id" IN '
                              f'({_params(len(chunk))}) AND "sku_code" <> {db.obj.param}', [*chunk, ""]).fetchall()
        found.update(order_id for (order_id,) in rows)
    return found


_UPDATE_SQL: dict[tuple, str] = {}


def _update_order(order_id: int, values: dict) -> None:
    """One order's UPDATE, the statement cached per set of columns (see ``_insert``)."""
    param = db.obj.param
    key = (tuple(values), param)
    sql = _UPDATE_SQL.get(key)
    if sql is None:
        sql = _UPDATE_SQL[key] = ('UPDATE "orders" SET ' + ", ".join(f'"{name}" = {param}' for name in values)
                                  + f' WHERE "id" = {param}')
    db.execute_sql(sql, [*values.values(), order_id])


def _platform_for(shop: Shop, parsed: ParsedExport) -> str:
    """The platform the orders are keyed under: the shop's. Taobao and Tmall share one
    export format and one space of order numbers."""
    found = parsed.platform
    if found and found != shop.platform and not {found, shop.platform} <= SAME_NUMBERS:
        file = parsed.orders[0].file if parsed.orders else ""
        raise Refused([RowError(file, 0, "", _("These files are a %(found)s export, but shop %(shop)s is on "
                                               "%(platform)s.", found=platform_label(found), shop=shop.name,
                                               platform=platform_label(shop.platform)))])
    return shop.platform


def _lock_platform(platform: str) -> None:
    """Two imports of one platform run one after the other. SQLite's BEGIN IMMEDIATE already
    does that; PostgreSQL would let both find an order missing and the second fail on the
    unique index, so it waits on a lock of the platform instead (to the end of the transaction)."""
    if not is_sqlite():
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (zlib.crc32(f"orders:{platform}".encode()),))


def _busy(error: OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _duplicate(error: IntegrityError) -> bool:
    text = str(error).lower()
    return "unique" in text or "duplicate key" in text


@contextmanager
def transaction():
    """The import's one transaction. SQLite: BEGIN IMMEDIATE, so a second import waits for
    the first (up to the busy timeout) instead of failing on a stale read; a race lost
    anyway becomes a clean refusal, never a half-saved file or a 500."""
    try:
        with atomic_for_update():
            yield
    except IntegrityError as error:
        if not _duplicate(error):
            raise
        raise Refused([RowError("", 0, "", str(RACE_REASON))]) from error
    except OperationalError as error:
        if not _busy(error):
            raise
        raise Refused([RowError("", 0, "", str(BUSY_REASON))]) from error


def save(shop: Shop, parsed: ParsedExport, by: User | None, source: str = SOURCE_IMPORT,
         progress: Progress | None = None, create_only: bool = False) -> Report:
    """Save ``parsed`` into ``shop``, all or nothing, in one transaction.

    New orders are created (paid ones validated and routed); changed ones updated (status
    forward only), each with a timeline event; unchanged ones are not touched at all.

    Args:
        shop: where the orders belong; its platform keys them.
        parsed: records from formats.reading.parse or the API.
        by: who imports (the timeline's actor), or None for a job without a person.
        source: SOURCE_IMPORT, SOURCE_API or SOURCE_MANUAL.
        progress: called as ``progress(done, total)`` every ``ROUND`` orders.
        create_only: refuse an order number already stored (an order typed in by hand),
            judged inside the transaction, so two people saving one number cannot both win.

    Raises:
        Refused: ``parsed`` has errors, an order number repeats or is already stored under
            another shop, a value is too long, or another import holds the database; nothing
            is saved.
    """
    if parsed.errors:
        raise Refused(parsed.errors)
    platform = _platform_for(shop, parsed)
    records = parsed.orders
    errors = check(records)
    if errors:
        raise Refused(errors)
    total = len(records)
    # Before the transaction: on SQLite it holds the database's write lock throughout.
    fingerprints = [fingerprint(record) for record in records]
    with transaction():
        _lock_platform(platform)
        work = _Save(shop, platform, records, by, source, create_only)
        done = 0
        for start in range(0, total, ROUND):
            chunk = records[start:start + ROUND]
            work.round(chunk, fingerprints[start:start + ROUND])
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        if work.conflicts:
            raise Refused(work.conflicts)
        if work.created or work.updated:
            publish(ORDER_CHANGED)
    return Report(
        orders=total, lines=parsed.line_count, created=work.created, updated=work.updated,
        unchanged=work.unchanged,
        paid_total=sum((r.paid_amount for r in records if r.paid_at is not None), Decimal("0.00")),
        platform_status_counts=_status_counts(r.platform_status for r in records),
    )
