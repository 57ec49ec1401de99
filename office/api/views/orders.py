"""POST /api/orders: an ERP or script pushes orders with a personal token (Bearer).

The same path as an imported export: the body is read into records (office/api/payload.py),
then office.orders.intake.save validates, routes and stores them all or nothing, keyed by
platform and order number, so sending the same orders twice changes nothing. Every answer
is JSON; problems come as {"errors": [{file, row, column, reason}]}. The session cookie is
never looked at: only the token authenticates, so CSRF does not apply (csrf.exempt).
"""
from __future__ import annotations

import json
from decimal import Decimal

from flask import current_app, jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from office.api import payload
from office.api.blueprint import bp
from office.api.credentials import authenticate
from office.extensions import csrf
from office.i18n import supported
from office.models.orders import SOURCE_API, Order, Shop
from office.orders import intake
from office.orders.access import can_work_orders
from office.orders.records import ParsedExport, RowError
from office.orders.shops import ShopError, get_or_create_shop

# A save that collided with another one at the same moment is tried again this many times:
# the second attempt finds the other's orders and reports them unchanged.
ATTEMPTS = 3


def _errors(status: int, errors: list[RowError], headers: dict | None = None):
    response = jsonify({"errors": [error.to_dict() for error in errors]})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _refuse(status: int, reason: str, column: str = "", headers: dict | None = None):
    return _errors(status, [RowError(payload.FILE, 0, column, reason)], headers)


def _unauthorized(reason: str, invalid: bool):
    challenge = 'Bearer realm="ShopOffice"' + (', error="invalid_token"' if invalid else "")
    return _refuse(401, reason, headers={"WWW-Authenticate": challenge})


def _no_constants(name: str):
    raise ValueError(f"{name} is not a number")


def _results(shop: Shop, order_nos: list[str]) -> list[dict]:
    """Where each order now stands, for the caller's records; one query per 500 orders."""
    found: dict[str, Order] = {}
    for start in range(0, len(order_nos), 500):
        chunk = order_nos[start:start + 500]
        query = (Order.select(Order.id, Order.order_no, Order.status, Order.queue, Order.rule,
                              Order.exception_reason)
                 .where((Order.platform == shop.platform) & Order.order_no.in_(chunk)))
        found.update({order.order_no: order for order in query})
    return [
        {"order_no": no, "id": order.id, "status": order.status, "queue": order.queue,
         "rule": order.rule_id, "exception_reason": order.exception_reason}
        for no in order_nos if (order := found.get(no)) is not None
    ]


def bearer_user():
    """(the token's owner, None) for a request with a token in force, else (None, the 401
    answer). Shared by every token endpoint (office/api/views/workorders.py too)."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        return None, _unauthorized(_("Send your API token as Authorization: Bearer <token>."), invalid=False)
    token = authenticate(presented)
    if token is None:
        return None, _unauthorized(_("This API token is unknown or has been revoked."), invalid=True)
    return token.user, None


def user_locale(user) -> str:
    return user.locale if supported(user.locale) else current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.route("/orders", methods=["POST"])
def orders():
    """POST (JSON): create or update orders. 201 when some were created, else 200, with the
    import report and each order's status and queue. 400 bad JSON or invalid orders (nothing
    saved), 401 no or bad token, 403 the token's owner may not work orders, 413 too many
    orders in one call, 503 when colliding saves kept failing (Retry-After)."""
    user, refusal = bearer_user()
    if refusal is not None:
        return refusal
    if not user.is_active or not can_work_orders(user):
        return _refuse(403, _("The owner of this token may not work orders."))
    with force_locale(user_locale(user)):
        return _receive(user)


def _receive(user):
    try:
        raw = request.get_data(cache=False)
    except RequestEntityTooLarge:
        return _refuse(413, _("The request is too large."))
    try:
        body = json.loads(raw, parse_float=Decimal, parse_constant=_no_constants)
    except (ValueError, UnicodeDecodeError) as error:
        return _refuse(400, _("The body is not valid JSON: %(error)s", error=str(error)))
    limit = current_app.config["ORDER_API_MAX_ORDERS"]
    data, too_many = payload.read(body, limit)
    if too_many:
        return _refuse(413, _("Send at most %(n)d orders per request.", n=limit), column="orders")
    if data.errors:
        return _errors(400, data.errors)

    shop = Shop.get_or_none(Shop.name == data.shop)
    if shop is None and not data.platform:
        return _refuse(400, _("Shop %(name)s is new: say its platform.", name=data.shop), column="platform")
    if shop is not None and data.platform and data.platform != shop.platform:
        return _refuse(400, _("Shop %(name)s is on another platform (%(platform)s).", name=shop.name,
                              platform=shop.platform), column="platform")
    parsed = ParsedExport(platform=shop.platform if shop else data.platform, orders=data.orders)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            # A new shop is created with its first orders, in their transaction: a refusal
            # takes it back with them.
            with intake.transaction():
                target = shop or get_or_create_shop(data.shop, data.platform)
                report = intake.save(target, parsed, by=user, source=SOURCE_API)
            shop = target
            break
        except ShopError as error:
            return _refuse(400, str(error), column="shop")
        except intake.Refused as refused:
            collided = refused.__cause__ is not None
            if not collided:
                return _errors(400, refused.errors)
            if attempt == ATTEMPTS:
                return _errors(503, refused.errors, headers={"Retry-After": "1"})
    body = {"shop": shop.name, "platform": shop.platform, **report.to_dict(),
            "results": _results(shop, [record.order_no for record in data.orders])}
    response = jsonify(body)
    response.status_code = 201 if report.created else 200
    return response


# The token is the credential; a cross-site form cannot set an Authorization header.
csrf.exempt(orders)
