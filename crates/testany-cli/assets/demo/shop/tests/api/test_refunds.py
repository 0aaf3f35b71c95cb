"""Refunds, grouped in a class the way the payments team writes its tests."""

import pytest


class TestRefunds:
    def test_refund_within_30_days(self, api):
        resp = api.post("/orders/1001/refund", json={"reason": "damaged"})
        assert resp.status_code == 200

    def test_refund_of_a_gift_card_order(self, api):
        resp = api.post("/orders/1002/refund", json={"reason": "changed my mind"})
        assert resp.status_code == 200, "refund rejected"

    @pytest.mark.skip(reason="partial refunds ship in 2.4")
    def test_partial_refund(self, api):
        resp = api.post("/orders/1003/refund", json={"amount": "5.00"})
        assert resp.status_code == 200
