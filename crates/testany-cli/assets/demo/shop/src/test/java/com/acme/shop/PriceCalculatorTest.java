package com.acme.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PriceCalculatorTest {

    private final PriceCalculator calculator = new PriceCalculator();

    @Test
    void appliesPercentageDiscount() {
        assertEquals(new BigDecimal("27.00"), calculator.discounted(new BigDecimal("30.00"), 10));
    }

    @Test
    void roundsHalfEven() {
        assertEquals(new BigDecimal("2.68"), calculator.unitPrice(new BigDecimal("8.03"), 3));
    }

    @Test
    void rejectsNegativeQuantity() {
        assertThrows(IllegalArgumentException.class, () -> calculator.unitPrice(BigDecimal.ONE, -1));
    }
}
