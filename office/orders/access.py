"""Who may work orders and who reads customer data: the one place that decides.

- Working orders (lists, the order page, imports, moves): directors, admins, and people in
  a department marked "handles orders" or under one (客服部 covers 售前组 and 售后组).
  Everyone else gets 404 on every order URL, partials included, so the module's existence
  says nothing to them.
- Customer data (the receiver's phone and address): directors and people in a department
  marked "sees customer data" (or under one) may reveal it; each reveal is audited. Everyone
  else only ever sees it masked. Administrators run the system, not the customers: masked.
- Routing rules are edited by administrators.
"""
from __future__ import annotations

from office import request_cache

from office.departments.tree import descendant_ids
from office.rules import NotFound
from office.models.orders import Order
from office.models.people import ROLE_ADMIN, ROLE_DIRECTOR, Department, User


# The departments flagged below, read once per request (every order view asks).
DEPARTMENTS = request_cache.entry("orders.departments")


def _flagged_departments() -> tuple[set[int], set[int]]:
    """Ids of departments that work orders and that see customer data, sub-departments
    included. Cached for the request: every order view asks."""
    return DEPARTMENTS.get(_read_flagged)


def _read_flagged() -> tuple[set[int], set[int]]:
    departments = list(Department.select(Department.id, Department.parent, Department.handles_orders,
                                         Department.sees_customer_data))
    working: set[int] = set()
    seeing: set[int] = set()
    for department in departments:
        if department.handles_orders:
            working |= descendant_ids(department.id, departments)
        if department.sees_customer_data:
            seeing |= descendant_ids(department.id, departments)
    return working, seeing


def can_work_orders(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.role in (ROLE_ADMIN, ROLE_DIRECTOR):
        return True
    working, seeing = _flagged_departments()
    return user.department_id in working or user.department_id in seeing


def can_see_customer_data(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == ROLE_DIRECTOR:
        return True
    return user.department_id in _flagged_departments()[1]


def can_edit_rules(user: User) -> bool:
    return user.is_authenticated and user.role == ROLE_ADMIN


def orders_or_404(user: User) -> None:
    """Every order view starts here (or with order_or_404)."""
    if not can_work_orders(user):
        raise NotFound("orders")


def order_or_404(user: User, order_id: int) -> Order:
    orders_or_404(user)
    order = Order.get_or_none(Order.id == order_id)
    if order is None:
        raise NotFound(order_id)
    return order


def mask_phone(phone: str) -> str:
    """138****5678. Platforms already mask some numbers; masking again is harmless."""
    digits = phone.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) <= 7:
        return digits[:1] + "*" * (len(digits) - 3) + digits[-2:]
    return digits[:3] + "****" + digits[-4:]


def mask_address(address: str) -> str:
    """Keep the province / city / district part, hide the street and number:
    浙江省 杭州市 西湖区 文三路 ... → 浙江省 杭州市 西湖区 ****."""
    text = address.strip()
    if not text:
        return ""
    parts = text.split()
    if len(parts) >= 4:
        return " ".join(parts[:3]) + " ****"
    # No spaces: keep up to the first 区/县/市 after the sixth character, else the first six.
    for index, char in enumerate(text[:14]):
        if char in "区县" and index >= 4:
            return text[: index + 1] + "****"
    return text[:6] + "****"


def mask_name(name: str) -> str:
    """张** — the surname only."""
    name = name.strip()
    return name[:1] + "*" * min(len(name) - 1, 2) if name else ""
