package com.acme.shop;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Prices after discounts, and unit prices of multi-packs. */
public final class PriceCalculator {

    public BigDecimal discounted(BigDecimal price, int percent) {
        BigDecimal factor = BigDecimal.valueOf(100 - percent).movePointLeft(2);
        return price.multiply(factor).setScale(2, RoundingMode.HALF_EVEN);
    }

    public BigDecimal unitPrice(BigDecimal packPrice, int quantity) {
        if (quantity <= 0) {
            throw new IllegalArgumentException("quantity must be positive");
        }
        return packPrice.divide(BigDecimal.valueOf(quantity), 2, RoundingMode.DOWN);
    }
}
