import { test, expect } from '@playwright/test';

test.describe('storefront', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
  });

  test('lists the catalogue', async ({ page }) => {
    await expect(page.getByRole('listitem')).toHaveCount(12);
  });

  test('adds an item to the cart', async ({ page }) => {
    await page.getByRole('button', { name: 'Add coffee to cart' }).click();
    await expect(page.getByTestId('cart-count')).toHaveText('1');
  });

  test('searches by name', async ({ page }) => {
    await page.getByPlaceholder('Search').fill('kettle');
    await expect(page.getByRole('listitem')).toHaveCount(1);
  });
});
