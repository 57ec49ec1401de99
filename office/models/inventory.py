"""Products (商品): what the company sells, by SKU code (商家编码).

Orders check their prices against these where a product is known. The inventory issue adds
warehouses and the stock ledger here.
"""
from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, DecimalField

from office.models.base import BaseModel, utcnow


class Product(BaseModel):
    sku_code = CharField(max_length=64, unique=True)
    name = CharField(max_length=200)
    price = DecimalField(max_digits=12, decimal_places=2)  # the normal selling price
    is_active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "products"
