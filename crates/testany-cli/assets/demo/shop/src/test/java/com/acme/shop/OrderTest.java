package com.acme.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class OrderTest {

    // testany: 1B8E4FAC
    @Test
    void orderTotalIncludesTax() {
        Order order = new Order(new BigDecimal("99.99"), new BigDecimal("0.08"));
        assertEquals(new BigDecimal("107.99"), order.total());
    }

    // testany: 2C9F5A0D
    @Test
    void orderIsPersisted() {
        OrderRepository repository = OrderRepository.connect("jdbc:postgresql://db:5432/shop");
        long id = repository.save(new Order(new BigDecimal("10.00"), new BigDecimal("0.08")));
        assertTrue(repository.exists(id));
    }
}
