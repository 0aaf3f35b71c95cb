from shop.cart import Cart

import pytest


# testany: A1B2C3D4
def test_add_item_updates_total():
    cart = Cart()
    cart.add("apple", 1.25, quantity=4)
    cart.add("pear", 2.00)
    assert cart.total() == 7.00


# testany: B7E4C2A9
def test_discount_applies_once():
    cart = Cart()
    cart.add("coffee", 10.00, quantity=3)
    cart.apply_discount("WELCOME10", 10)
    cart.apply_discount("WELCOME10", 10)
    assert cart.total() == 27.00


# testany: C3D9E5F1
def test_cart_rejects_negative_quantity():
    cart = Cart()
    with pytest.raises(ValueError):
        cart.add("apple", 1.25, quantity=-1)
