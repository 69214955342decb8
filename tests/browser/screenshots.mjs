// The README's pictures of the storefront (docs/images/storefront-*.png), taken of the demo store
// of the stack ECOM_BASE_URL names: home, product grid, product page, cart, checkout with its
// validation messages, the order confirmation, and the grid on a phone; and the console's sign-up
// of a new store, built until Ready (docs/images/console-signup.png), its products ten a page
// (console-products.png) and its page in the super admin (console-store.png). Run by `make screenshots`
// (scripts/screenshots.sh starts a throwaway stack for it).
import path from 'node:path';
import { BASE, launch, newPage, products, shopUrl, superAdminToken, waitForPage } from './lib.mjs';

const out = process.env.ECOM_SCREENSHOT_DIR;
const slug = process.env.ECOM_SCREENSHOT_STORE || 'demo-store';
const browser = await launch();
const shot = (page, name) => page.screenshot({ path: path.join(out, `storefront-${name}.png`) });

async function go(page, kind, params) {
  await page.goto(shopUrl(slug, params));
  await waitForPage(page, kind);
}

try {
  const page = await newPage(browser, { viewport: { width: 1200, height: 800 } });
  await go(page, 'home', {});
  await shot(page, 'home');
  await go(page, 'products', { view: 'products', sort: 'price', maxPrice: '100' });
  await shot(page, 'products');
  const items = (await products(slug)).items;
  const p = items.find((x) => x.discount > 0 && x.stock > 5 && x.images.length > 1) || items[0];
  await go(page, 'product', { view: 'product', id: p.id });
  await page.fill('#f-quantity', '2');
  await page.click('button:text-is("Add to cart")');
  await page.waitForSelector('.buy-form .notice');
  await shot(page, 'product');
  await go(page, 'cart', { view: 'cart' });
  await shot(page, 'cart');
  await go(page, 'checkout', { view: 'checkout' });
  await page.fill('#f-email', 'not-an-address');
  await page.click('#place-order');
  await page.waitForSelector('#f-email[aria-invalid="true"]');
  await shot(page, 'checkout');
  await page.fill('#f-email', 'jane@example.com');
  await page.fill('#f-phone', '+1 555 010 2030');
  await page.fill('#f-shippingAddress', '12 Main Street, Springfield');
  await page.click('#place-order');
  await waitForPage(page, 'order');
  await shot(page, 'order');
  const phone = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await phone.goto(shopUrl(slug, { view: 'products' }));
  await waitForPage(phone, 'products');
  await shot(phone, 'phone');
  // The console: a store signed up and built by the stack's provisioner loop.
  const con = await newPage(browser, { viewport: { width: 1200, height: 800 } });
  await con.goto(`${BASE}/console/`);
  await waitForPage(con, 'signup');
  await con.fill('#f-name', 'Corner Bakery');
  await con.fill('#f-slug', 'corner-bakery');
  await con.fill('#f-adminEmail', 'owner@corner-bakery.example.com');
  await con.click('#signup-submit');
  await waitForPage(con, 'signup-confirm');
  await con.click('#signup-confirm');
  await con.waitForSelector('main[data-status="Ready"]', { timeout: 30000 });
  await con.screenshot({ path: path.join(out, 'console-signup.png') });
  // Its admin sets a password and lands in the products: ten a page (docs/images/console-products.png).
  await con.fill('#f-password', 'corner-bakery-1');
  await con.fill('#f-confirmPassword', 'corner-bakery-1');
  await con.click('#activate-submit');
  await waitForPage(con, 'admin-products');
  await con.goto(`${BASE}/console/#/admin/products?page=2&pageSize=10`);
  await con.waitForSelector('main[data-page="admin-products"]:not([aria-busy]) h1:text-is("Products (page 2)")');
  await con.screenshot({ path: path.join(out, 'console-products.png'), fullPage: true });
  // The super admin's page of that store (docs/images/console-store.png).
  await con.goto(`${BASE}/console/#/super`);
  await waitForPage(con, 'super-login');
  await con.fill('#f-token', superAdminToken());
  await con.click('#super-login');
  await waitForPage(con, 'super-stores');
  await con.goto(`${BASE}/console/#/super/corner-bakery`);
  await waitForPage(con, 'super-store');
  await con.screenshot({ path: path.join(out, 'console-store.png'), fullPage: true });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
}
