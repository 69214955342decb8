// The storefront in headless Chromium, against the stack's nginx: browsing with filters and
// pages kept in the URL (back, forward, shared links), the product page, the cart, a guest
// checkout whose place-order is retried after a lost answer, customer accounts and their orders,
// a suspended store, theme and SEO, a phone-sized screen. Each page is saved as a screenshot and
// the main pages pass axe-core with no serious or critical violation.
import {
  assert, assertEqual, checkAccessibility, createStore, gridNames, gridPrices, http, newPage, patchStore, products,
  screenshot, setStoreStatus, shopUrl, waitForPage,
} from './lib.mjs';

let shared = null;
/** One store with the demo catalog for the tests that do not change its settings or status. */
function shop() {
  shared = shared || createStore('shop');
  return shared;
}

/** Does action (a click, goBack, ...) and waits for the storefront's next page of the given kind. */
async function step(page, kind, action) {
  // The page drawn before: its number (main[data-ready]), kept on window, which a full load clears.
  await page.evaluate(() => { window.ecomStepMark = document.querySelector('main')?.dataset.ready || ''; });
  await action();
  await page.waitForFunction((k) => {
    const m = document.querySelector('main');
    return m && m.dataset.page === k && !m.hasAttribute('aria-busy') &&
      (window.ecomStepMark === undefined || (m.dataset.ready || '') !== window.ecomStepMark);
  }, kind, { timeout: 10000 });
  assert(page.consoleErrors.length === 0, `script errors: ${page.consoleErrors.join('; ')}`);
}

function param(page, name) {
  return new URL(page.url()).searchParams.get(name);
}

const money = (n) => `$${Number(n).toFixed(2)}`;

export async function test_browse_filter_paginate_back_forward(browser) {
  const { slug, name } = await shop();
  const all = await products(slug);
  const page = await newPage(browser);
  await page.goto(shopUrl(slug));
  await waitForPage(page, 'home');
  assertEqual((await page.textContent('#brand-name')).trim(), name, 'store name in the header');
  assertEqual(await page.title(), name, 'page title');
  const categories = await page.$$('.categories li');
  assert(categories.length >= 5, `categories on the home page: ${categories.length}`);
  await screenshot(page, 'home');
  await checkAccessibility(page, 'home');

  // A category from the home page: only its products.
  const catName = (await page.textContent('.categories li:first-child strong')).trim();
  await step(page, 'products', () => page.click('.categories li:first-child a'));
  const inCat = all.items.filter((p) => p.categories.some((c) => c.name === catName)).map((p) => p.name);
  assertEqual(JSON.stringify(await gridNames(page)), JSON.stringify(inCat.slice(0, 12)), `products of ${catName}`);
  assert(param(page, 'category'), 'the category is in the URL');

  // All products, page 1 then page 2 (12 a page, by name).
  await step(page, 'products', () => page.click('.site-nav a:text-is("Products")'));
  const names = all.items.map((p) => p.name);
  assertEqual(JSON.stringify(await gridNames(page)), JSON.stringify(names.slice(0, 12)), 'page 1');
  assert((await page.textContent('#result-count')).includes(`of ${all.totalCount} products`), 'result count');
  await screenshot(page, 'products');
  await checkAccessibility(page, 'products');
  await step(page, 'products', () => page.click('.pagination a[aria-label="Page 2"]'));
  assertEqual(param(page, 'page'), '2', 'page in the URL');
  assertEqual(JSON.stringify(await gridNames(page)), JSON.stringify(names.slice(12, 24)), 'page 2');

  // Price range and sort: the URL holds them, and the grid obeys.
  await page.fill('#f-min', '10');
  await page.fill('#f-max', '50');
  await step(page, 'products', () => page.selectOption('#f-sort', 'price'));
  assertEqual(param(page, 'minPrice'), '10', 'minPrice in the URL');
  assertEqual(param(page, 'maxPrice'), '50', 'maxPrice in the URL');
  assertEqual(param(page, 'sort'), 'price', 'sort in the URL');
  assertEqual(param(page, 'page'), null, 'a new filter starts at page 1');
  const prices = await gridPrices(page);
  assert(prices.length > 0 && prices.every((p) => p >= 10 && p <= 50), `prices within 10-50: ${prices}`);
  assert(prices.every((p, i) => i === 0 || prices[i - 1] <= p), `prices ascending: ${prices}`);
  const filteredUrl = page.url();
  const filteredNames = await gridNames(page);
  await screenshot(page, 'products-filtered');

  // Back: page 2 without filters; forward: the filters again, in the form too.
  await step(page, 'products', () => page.goBack());
  assertEqual(param(page, 'page'), '2', 'back to page 2');
  assertEqual(JSON.stringify(await gridNames(page)), JSON.stringify(names.slice(12, 24)), 'page 2 after back');
  assertEqual(await page.inputValue('#f-min'), '', 'no price filter after back');
  await step(page, 'products', () => page.goForward());
  assertEqual(page.url(), filteredUrl, 'forward to the filtered list');
  assertEqual(await page.inputValue('#f-min'), '10', 'the form shows the filter again');
  assertEqual(JSON.stringify(await gridNames(page)), JSON.stringify(filteredNames), 'filtered list after forward');

  // The link shared: another browser opens the same list.
  const other = await newPage(browser);
  await other.goto(filteredUrl);
  await waitForPage(other, 'products');
  assertEqual(JSON.stringify(await gridNames(other)), JSON.stringify(filteredNames), 'the shared link shows the same list');
  await other.context().close();

  // Search, and an invalid range shown next to its field (the API's Problem Details errors).
  await page.fill('#f-min', '');
  await page.fill('#f-max', '');
  await page.fill('#f-search', 'wireless');
  await step(page, 'products', () => page.press('#f-search', 'Enter'));
  const found = await gridNames(page);
  assert(found.length > 0 && found.every((n) => /wireless/i.test(n)), `search results: ${found}`);
  assertEqual(param(page, 'search'), 'wireless', 'search in the URL');
  await page.fill('#f-search', '');
  await page.fill('#f-min', '50');
  await page.fill('#f-max', '10');
  await step(page, 'products', () => page.click('button:text-is("Apply")'));
  const err = (await page.textContent('#f-min-error')).trim();
  assert(/greater/i.test(err), `the minPrice message next to its field: ${JSON.stringify(err)}`);
  assertEqual(await page.getAttribute('#f-min', 'aria-invalid'), 'true', 'minPrice marked invalid');
  await screenshot(page, 'products-invalid-range');
  await page.context().close();
}

export async function test_product_cart_and_guest_checkout_retried_once(browser) {
  const { slug } = await shop();
  const all = (await products(slug)).items;
  const p1 = all.find((p) => p.discount > 0 && p.stock >= 10 && p.images.length >= 2 && Object.keys(p.dynamicAttributes).length > 0);
  const p2 = all.find((p) => p.id !== p1.id && p.stock >= 5);
  assert(p1 && p2, 'the demo catalog has a discounted product with pictures and attributes');
  const page = await newPage(browser);

  // The product page: pictures, attributes, discount, stock.
  await page.goto(shopUrl(slug, { view: 'product', id: p1.id }));
  await waitForPage(page, 'product');
  assertEqual((await page.textContent('main h1')).trim(), p1.name, 'product name');
  assertEqual((await page.$$('.thumbs button')).length, p1.images.length, 'one thumbnail a picture');
  assertEqual((await page.$$('.attributes dt')).length, Object.keys(p1.dynamicAttributes).length, 'attributes');
  const priceText = await page.textContent('main .price');
  assert(priceText.includes(money(p1.finalPrice)) && priceText.includes(money(p1.price)), `prices: ${priceText}`);
  assert(priceText.includes(`${Math.round(p1.discount * 100)}%`), `discount: ${priceText}`);
  assert(/in stock|only \d+ left/i.test(await page.textContent('main article')), 'stock shown');
  await page.click('.thumbs li:nth-child(2) button');
  assertEqual(await page.getAttribute('.thumbs li:nth-child(2) button', 'aria-pressed'), 'true', 'second picture chosen');
  await screenshot(page, 'product');
  await checkAccessibility(page, 'product');

  // Add 2 of it and 1 of another.
  await page.fill('#f-quantity', '2');
  await page.click('button:text-is("Add to cart")');
  await page.waitForSelector('.buy-form .notice');
  await page.waitForFunction(() => document.getElementById('cart-count').textContent === '2');
  // The guest's session id is in localStorage: the cart outlives a reload.
  const session = await page.evaluate((s) => localStorage.getItem(`ecom.${s}.session`), slug);
  assert(/^[0-9a-f-]{36}$/.test(session || ''), `session id in localStorage: ${session}`);
  await page.reload();
  await waitForPage(page, 'product');
  await page.waitForFunction(() => document.getElementById('cart-count').textContent === '2');
  const cart = await http('GET', '/api/cart', { headers: { 'X-Tenant-Slug': slug, 'X-Session-Id': session } });
  assertEqual(cart.body.itemCount, 2, 'the cart of that session');
  await step(page, 'product', () => page.goto(shopUrl(slug, { view: 'product', id: p2.id })));
  await page.click('button:text-is("Add to cart")');
  await page.waitForFunction(() => document.getElementById('cart-count').textContent === '3');

  // The cart: change a quantity, remove a line.
  await step(page, 'cart', () => page.click('.site-nav a[data-nav="cart"]'));
  assertEqual((await page.$$('.cart-table tbody tr')).length, 2, 'two lines in the cart');
  const row1 = `tr[data-product-id="${p1.id}"]`;
  await page.fill(`${row1} input.cart-qty`, '3');
  await step(page, 'cart', () => page.press(`${row1} input.cart-qty`, 'Enter'));
  assertEqual((await page.textContent(`${row1} td[data-label="Subtotal"]`)).trim(), money(p1.finalPrice * 3), 'line subtotal');
  await page.waitForFunction(() => document.getElementById('cart-count').textContent === '4');
  await step(page, 'cart', () => page.click(`button[aria-label="Remove ${p2.name}"]`));
  await page.waitForFunction(() => document.querySelectorAll('.cart-table tbody tr').length === 1);
  await page.waitForFunction(() => document.getElementById('cart-count').textContent === '3');
  await screenshot(page, 'cart');
  await checkAccessibility(page, 'cart');

  // Checkout: the quote, then the API's validation messages next to the fields.
  await step(page, 'checkout', () => page.click('a:text-is("Checkout")'));
  const subtotal = p1.finalPrice * 3;
  assert((await page.textContent('#totals')).includes(money(subtotal)), 'quote subtotal');
  await checkAccessibility(page, 'checkout');
  await page.click('#place-order');
  await page.waitForSelector('#f-email[aria-invalid="true"]');
  for (const f of ['email', 'phone', 'shippingAddress']) {
    assert((await page.textContent(`#f-${f}-error`)).trim().length > 0, `message next to ${f}`);
  }
  await screenshot(page, 'checkout-errors');

  // The first real attempt reaches the server but its answer is lost; the retry reuses the key.
  const keys = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/checkout/place-order')) keys.push(r.headers()['idempotency-key']);
  });
  await page.route('**/api/checkout/place-order', async (route) => {
    await route.fetch();
    await route.abort('connectionreset');
  }, { times: 1 });
  await page.fill('#f-email', 'guest@example.com');
  await page.fill('#f-phone', '+1 555 123 4567');
  await page.fill('#f-shippingAddress', '12 Main Street, Springfield');
  await page.check('#pm-PayPal');
  await page.click('#place-order');
  await page.waitForSelector('#network-problem');
  await screenshot(page, 'checkout-network-error');
  await step(page, 'order', () => page.click('#place-order'));
  const number = (await page.textContent('#order-number')).trim();
  assert(/^ORD-\d{8}-\d{6}$/.test(number), `order number: ${number}`);
  assert(await page.isVisible('#order-replayed'), 'the page says the order was placed once');
  assertEqual(keys.length, 2, 'two place-order requests');
  assertEqual(keys[0], keys[1], 'the retry reused the Idempotency-Key');
  const after = await http('GET', `/api/catalog/products/${p1.id}`, { headers: { 'X-Tenant-Slug': slug } });
  assertEqual(after.body.stock, p1.stock - 3, 'stock taken once');
  await page.waitForFunction(() => document.getElementById('cart-count').textContent === '0');
  await screenshot(page, 'order-confirmation');
  await checkAccessibility(page, 'order confirmation');
  await page.context().close();
}

export async function test_customer_signup_login_and_my_orders(browser) {
  const { slug } = await shop();
  const product = (await products(slug)).items.find((p) => p.stock >= 5);
  const email = `buyer-${Date.now()}@example.com`;
  const page = await newPage(browser);
  await page.goto(shopUrl(slug, { view: 'signup' }));
  await waitForPage(page, 'signup');
  await checkAccessibility(page, 'sign-up');
  await page.fill('#f-email', email);
  await page.fill('#f-password', 'short');
  await page.click('#signup-form button[type="submit"]');
  await page.waitForSelector('#f-password[aria-invalid="true"]');
  assert(/8/.test(await page.textContent('#f-password-error')), 'the password rule next to its field');
  await page.fill('#f-name', 'Browser Buyer');
  await page.fill('#f-password', 'correct horse battery');
  await step(page, 'orders', () => page.click('#signup-form button[type="submit"]'));
  assert(await page.isVisible('#no-orders'), 'a new customer has no orders');

  // An order placed while signed in.
  await step(page, 'product', () => page.goto(shopUrl(slug, { view: 'product', id: product.id })));
  await page.click('button:text-is("Add to cart")');
  await page.waitForFunction(() => document.getElementById('cart-count').textContent === '1');
  await step(page, 'checkout', () => page.goto(shopUrl(slug, { view: 'checkout' })));
  assertEqual(await page.inputValue('#f-email'), email, 'the email is filled in');
  await page.fill('#f-phone', '555 0100 200');
  await page.fill('#f-shippingAddress', '1 Long Road, Lakeside');
  await step(page, 'order', () => page.click('#place-order'));
  const number = (await page.textContent('#order-number')).trim();
  await step(page, 'orders', () => page.click('.site-nav a[data-nav="orders"]'));
  assert((await page.textContent('#orders-table')).includes(number), `${number} in my orders`);
  await screenshot(page, 'my-orders');
  await checkAccessibility(page, 'my orders');

  // Log out, a wrong password (the API's Problem Details), then log in again.
  await step(page, 'home', () => page.click('button:text-is("Log out")'));
  await step(page, 'login', () => page.click('.site-nav a[data-nav="login"]'));
  await page.fill('#f-email', email);
  await page.fill('#f-password', 'wrong password!');
  await page.click('#login-form button[type="submit"]');
  await page.waitForSelector('#login-form .problem');
  assert((await page.textContent('#login-form .problem')).length > 0, 'the refusal is shown');
  await screenshot(page, 'login-refused');
  await checkAccessibility(page, 'login');
  await page.fill('#f-password', 'correct horse battery');
  await step(page, 'orders', () => page.click('#login-form button[type="submit"]'));
  assert((await page.textContent('#orders-table')).includes(number), `${number} in my orders after logging in`);
  await page.context().close();
}

export async function test_suspended_store_shows_closed(browser) {
  const { slug } = await createStore('closed');
  const page = await newPage(browser);
  await page.goto(shopUrl(slug));
  await waitForPage(page, 'home');
  // Suspended while a customer browses: the next API answer (423) closes the shop.
  await setStoreStatus(slug, 'Suspended');
  await page.click('.site-nav a[data-nav="products"]');
  await waitForPage(page, 'closed');
  assert(/temporarily closed/i.test(await page.textContent('main h1')), 'closed heading');
  // And on a fresh visit.
  await page.reload();
  await waitForPage(page, 'closed');
  assert(/temporarily closed/i.test(await page.title()), 'closed title');
  await screenshot(page, 'closed');
  await checkAccessibility(page, 'closed');
  // Open again: the same address shows the products.
  await setStoreStatus(slug, 'Ready');
  await page.reload();
  await waitForPage(page, 'products');
  await page.context().close();
}

export async function test_guest_checkout_off_asks_to_log_in(browser) {
  const { slug } = await createStore('members');
  await patchStore(slug, { features: { guestCheckout: false } });
  const email = `member-${Date.now()}@example.com`;
  const reg = await http('POST', '/api/auth/register', { body: { email, password: 'member password' }, headers: { 'X-Tenant-Slug': slug } });
  assertEqual(reg.status, 201, 'customer registered');
  const product = (await products(slug)).items.find((p) => p.stock >= 5);
  const page = await newPage(browser);
  await page.goto(shopUrl(slug, { view: 'product', id: product.id }));
  await waitForPage(page, 'product');
  await page.click('button:text-is("Add to cart")');
  await page.waitForFunction(() => document.getElementById('cart-count').textContent === '1');
  await step(page, 'checkout', () => page.goto(shopUrl(slug, { view: 'checkout' })));
  await page.fill('#f-email', email);
  await page.fill('#f-phone', '555 0100 300');
  await page.fill('#f-shippingAddress', '3 Member Lane, Clubtown');
  await page.click('#place-order');
  await page.waitForSelector('#checkout-form .problem');
  await screenshot(page, 'checkout-members-only');
  // The refusal links to the log-in, which comes back to the checkout; the guest's cart follows.
  await step(page, 'login', () => page.click('a:text-is("Log in to place your order")'));
  await page.fill('#f-email', email);
  await page.fill('#f-password', 'member password');
  await step(page, 'checkout', () => page.click('#login-form button[type="submit"]'));
  await page.fill('#f-phone', '555 0100 300');
  await page.fill('#f-shippingAddress', '3 Member Lane, Clubtown');
  await step(page, 'order', () => page.click('#place-order'));
  assert(/^ORD-\d{8}-\d{6}$/.test((await page.textContent('#order-number')).trim()), 'the order is placed once logged in');
  await page.context().close();
}

export async function test_unknown_store_says_not_found(browser) {
  const page = await newPage(browser);
  await page.goto(shopUrl('no-such-store-here'));
  await waitForPage(page, 'unavailable');
  assert(/store not found/i.test(await page.textContent('main h1')), 'not found heading');
  await page.context().close();
}

export async function test_theme_and_seo_from_tenant_config(browser) {
  const admin = 'owner@example.com';
  const { slug, adminActivationToken } = await createStore('theme', { adminEmail: admin });
  const h = { 'X-Tenant-Slug': slug };
  const act = await http('POST', '/api/auth/activate-account', {
    body: { token: adminActivationToken, password: 'owner password 1', confirmPassword: 'owner password 1' }, headers: h,
  });
  assertEqual(act.status, 200, 'admin activated');
  const login = await http('POST', '/api/auth/login', { body: { email: admin, password: 'owner password 1' }, headers: h });
  assertEqual(login.status, 200, 'admin login');
  const set = await http('PATCH', '/api/admin/settings', {
    body: { theme: { primaryColor: '#7c2d12', logoUrl: '/storefront/logo.svg' }, seo: { title: 'Rust & Co — fine goods', description: 'Goods of the finest rust.' } },
    headers: { ...h, Authorization: `Bearer ${login.body.accessToken}` },
  });
  assertEqual(set.status, 200, `settings saved (${JSON.stringify(set.body)})`);
  const page = await newPage(browser);
  await page.goto(shopUrl(slug));
  await waitForPage(page, 'home');
  assertEqual(await page.title(), 'Rust & Co — fine goods', 'SEO title');
  assertEqual(await page.getAttribute('meta[name="description"]', 'content'), 'Goods of the finest rust.', 'SEO description');
  const bg = await page.$eval('.site-header', (el) => getComputedStyle(el).backgroundColor);
  assertEqual(bg, 'rgb(124, 45, 18)', 'theme colour');
  assert(await page.$('.brand img[src="/storefront/logo.svg"]'), 'the logo');
  await screenshot(page, 'themed-home');
  await checkAccessibility(page, 'themed home');
  await page.context().close();
}

export async function test_phone_sized_screen_and_keyboard(browser) {
  const { slug } = await shop();
  const page = await newPage(browser, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  await page.goto(shopUrl(slug, { view: 'products' }));
  await waitForPage(page, 'products');
  const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert(await fits(), 'the product list fits the width of a phone');
  await screenshot(page, 'phone-products');
  await checkAccessibility(page, 'products on a phone');
  // Keyboard: the first Tab reaches the skip link, which moves focus to the content.
  await page.keyboard.press('Tab');
  assertEqual(await page.evaluate(() => document.activeElement.className), 'skip-link', 'skip link first');
  await page.keyboard.press('Enter');
  assertEqual(await page.evaluate(() => document.activeElement.id), 'main', 'focus on the content');
  // A product reached and added by keyboard alone.
  await page.focus('#product-grid li:first-child h2 a');
  await step(page, 'product', () => page.keyboard.press('Enter'));
  assert(await fits(), 'the product page fits');
  await page.focus('button:text-is("Add to cart")');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('cart-count').textContent === '1');
  await step(page, 'cart', () => page.click('.site-nav a[data-nav="cart"]'));
  assert(await fits(), 'the cart fits');
  await screenshot(page, 'phone-cart');
  await page.context().close();
}
