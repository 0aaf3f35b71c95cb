package com.acme.shop;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** An order whose total includes VAT. */
public final class Order {
    private final BigDecimal net;
    private final BigDecimal vatRate;

    public Order(BigDecimal net, BigDecimal vatRate) {
        this.net = net;
        this.vatRate = vatRate;
    }

    public BigDecimal total() {
        BigDecimal vat = net.multiply(vatRate).setScale(2, RoundingMode.DOWN);
        return net.add(vat);
    }
}
