"""A tiny shopping cart used by the example tests."""


class Cart:
    def __init__(self):
        self.items = {}
        self.discounts = []

    def add(self, sku, price, quantity=1):
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        old_price, old_quantity = self.items.get(sku, (price, 0))
        self.items[sku] = (price, old_quantity + quantity)

    def apply_discount(self, code, percent):
        self.discounts.append((code, percent))

    def total(self):
        subtotal = sum(price * quantity for price, quantity in self.items.values())
        for _code, percent in self.discounts:
            subtotal = subtotal * (100 - percent) / 100
        return round(subtotal, 2)
