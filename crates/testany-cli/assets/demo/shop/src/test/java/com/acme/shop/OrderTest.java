package com.acme.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class OrderTest {

    // 99.99 net at 8% tax: the total is rounded half-up to the cent.
    @Test
    void orderTotalIncludesTax() {
        Order order = new Order(new BigDecimal("99.99"), new BigDecimal("0.08"));
        assertEquals(new BigDecimal("107.99"), order.total());
    }

    // Needs the CI job's PostgreSQL service (db:5432).
    @Test
    void orderIsPersisted() {
        OrderRepository repository = OrderRepository.connect("jdbc:postgresql://db:5432/shop");
        long id = repository.save(new Order(new BigDecimal("10.00"), new BigDecimal("0.08")));
        assertTrue(repository.exists(id));
    }
}
