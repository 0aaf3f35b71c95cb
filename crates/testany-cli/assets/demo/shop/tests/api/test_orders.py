"""The orders endpoints."""

from decimal import Decimal


def test_create_order_returns_201(api):
    resp = api.post("/orders", json={"sku": "coffee", "quantity": 2})
    assert resp.status_code == 201
    assert resp.json()["quantity"] == 2


def test_order_total_includes_tax(api):
    order = api.post("/orders", json={"sku": "kettle", "quantity": 1}).json()
    total = Decimal(order["total"])
    assert total == Decimal("107.99")


def test_list_orders_is_paginated(api):
    page = api.get("/orders", params={"page_size": 2}).json()
    assert len(page["orders"]) <= 2
    assert "next" in page
