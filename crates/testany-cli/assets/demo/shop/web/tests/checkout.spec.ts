import { test, expect } from '@playwright/test';

// testany: F6C2D8E4
test('checkout shows the order summary', async ({ page }) => {
  await page.goto('/checkout');
  await expect(page.getByRole('heading', { name: 'Order summary' })).toBeVisible();
  await expect(page.getByTestId('summary-total')).toHaveText('€27.00');
});

// testany: 0A7D3E9B
test('checkout completes the payment', async ({ page }) => {
  await page.goto('/checkout');
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByRole('button', { name: 'Pay now' }).click();
  await expect(page.getByText('Payment received')).toBeVisible({ timeout: 30_000 });
});
