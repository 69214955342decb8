// The console (/console/) in headless Chromium: a store signed up and built live until Ready, its
// admin activated and signed in; the store admin's pages (a price changed there shows in the
// storefront, an order moved PENDING → DELIVERED and another cancelled, both as the API then has
// them); the super admin's pages (a store suspended
// there shows closed in the storefront). Every console page is photographed and checked with
// axe-core.
import {
  adminHttp, andRender, assert, assertEqual, checkAccessibility, createStore, guestOrder, http, newPage, products, screenshot,
  shopUrl, signIn, storeWithAdmin, superAdminToken, uniqueSlug, visit, waitForPage,
} from './lib.mjs';

export async function test_console_signup_until_ready(browser) {
  const page = await newPage(browser);
  await visit(page, '', 'signup');
  await screenshot(page, 'console-signup');
  await checkAccessibility(page, 'console sign-up');
  // A bad address is named next to its field.
  await page.fill('#f-name', 'My Console Store');
  await page.fill('#f-slug', 'Not A Slug!');
  await page.fill('#f-adminEmail', 'owner@example.com');
  await page.click('#signup-submit');
  await page.waitForSelector('#f-slug[aria-invalid="true"]');
  assert((await page.textContent('#f-slug-error')).trim().length > 0, 'the slug field says what is wrong');
  const slug = uniqueSlug('console');
  await page.fill('#f-slug', slug);
  await page.click('#signup-submit');
  await waitForPage(page, 'signup-confirm');
  await screenshot(page, 'console-signup-confirm');
  await checkAccessibility(page, 'console sign-up confirm');
  await page.click('#signup-confirm');
  await waitForPage(page, 'signup-progress');
  // The three steps are drawn, and the page follows them until the provisioner is done.
  assertEqual(await page.locator('#steps li').count(), 3, 'three steps');
  await page.waitForSelector('main[data-status="Ready"]', { timeout: 30000 });
  const states = await page.$$eval('#steps li', (els) => els.map((el) => `${el.dataset.step}:${el.dataset.status}`));
  assertEqual(states.join(','), 'CreateDatabase:Success,ApplyMigrations:Success,SeedData:Success', 'steps');
  await screenshot(page, 'console-signup-ready');
  await checkAccessibility(page, 'console sign-up ready');
  // The store is open, and the admin sets a password and lands in the store admin.
  assertEqual((await http('GET', '/public/tenant-config', { headers: { 'X-Tenant-Slug': slug } })).status, 200, 'store answers');
  await page.fill('#f-password', 'short');
  await page.fill('#f-confirmPassword', 'short');
  await page.click('#activate-submit');
  await page.waitForSelector('#activate-form .problem, #activate-form [aria-invalid="true"]');
  await page.fill('#f-password', 'a-long-password-1');
  await page.fill('#f-confirmPassword', 'a-long-password-1');
  await page.click('#activate-submit');
  await waitForPage(page, 'admin-products');
  assert((await page.textContent('main')).includes(slug), 'signed in to the new store');
  assert(await page.locator('main tbody tr').count() > 0, 'the starter catalog is listed');
  const login = await http('POST', '/api/auth/login', { body: { email: 'owner@example.com', password: 'a-long-password-1' }, headers: { 'X-Tenant-Slug': slug } });
  assertEqual(login.status, 200, 'the activated admin can log in');
}

export async function test_console_admin_changes_price(browser) {
  const admin = await storeWithAdmin('cadmin');
  const page = await newPage(browser);
  await signIn(page, admin);
  await screenshot(page, 'console-products');
  await checkAccessibility(page, 'console products');
  const p = (await products(admin.slug)).items.find((x) => x.discount === 0) || (await products(admin.slug)).items[0];
  // Found by the list's search (the list shows a page at a time).
  await andRender(page, 'admin-products', async () => {
    await page.fill('#f-filter-search', p.name);
    await page.click('#list-filter-apply');
  });
  await page.click(`tr[data-id="${p.id}"] a`);
  await waitForPage(page, 'admin-product');
  await screenshot(page, 'console-product');
  await checkAccessibility(page, 'console product');
  await page.fill('#f-price', '123.45');
  await page.fill('#f-discount', '0');
  await page.fill('#f-stock', '77');
  await page.click('#product-save');
  await page.waitForSelector('#product-notice .notice');
  const after = (await products(admin.slug)).items.find((x) => x.id === p.id);
  assertEqual(after.price, 123.45, 'price saved');
  assertEqual(after.stock, 77, 'stock saved');
  // The storefront shows the new price.
  const shop = await newPage(browser);
  await shop.goto(shopUrl(admin.slug, { view: 'product', id: p.id }));
  await waitForPage(shop, 'product');
  assert((await shop.textContent('main .price')).includes('$123.45'), 'the storefront shows the new price');
  // The other pages of the store admin.
  for (const [hash, kind] of [['#/admin/categories', 'admin-categories'], ['#/admin/orders', 'admin-orders'], ['#/admin/settings', 'admin-settings'], ['#/admin/products/new', 'admin-product']]) {
    await visit(page, hash, kind);
    await screenshot(page, `console-${hash.split('/').slice(2).join('-')}`);
    await checkAccessibility(page, `console ${hash}`);
  }
  // A new product made in the console is in the shop.
  await page.fill('#f-name', 'Console Lamp');
  await page.fill('#f-price', '19.5');
  await page.fill('#f-stock', '3');
  await page.fill('#f-dynamicAttributes', 'color=white');
  await page.click('#product-save');
  await page.waitForFunction(() => /#\/admin\/products\/[0-9a-f-]{36}$/.test(location.hash));
  await waitForPage(page, 'admin-product');
  const made = (await products(admin.slug, '&search=Console%20Lamp')).items;
  assertEqual(made.length, 1, 'the new product is in the catalog');
  assertEqual(made[0].price, 19.5, 'its price');
}

export async function test_console_super_admin_suspends(browser) {
  const { slug } = await createStore('csuper');
  const page = await newPage(browser);
  await visit(page, '#/super', 'super-login');
  await checkAccessibility(page, 'console super-admin token');
  await page.fill('#f-token', 'not-a-token');
  await page.click('#super-login');
  await page.waitForSelector('main .problem');
  await page.fill('#f-token', superAdminToken());
  await page.click('#super-login');
  await waitForPage(page, 'super-stores');
  assert(await page.locator('main tbody tr').count() > 0, 'stores are listed');
  await screenshot(page, 'console-stores');
  await checkAccessibility(page, 'console stores');
  // Every store is on some page of the list; one is opened by its address.
  const all = await http('GET', '/superadmin/tenants?pageSize=1', { headers: { Authorization: `Bearer ${superAdminToken()}` } });
  assertEqual(await page.textContent('#store-count'), `Showing 1–${Math.min(20, all.body.totalCount)} of ${all.body.totalCount} stores`, 'the count of stores');
  await page.fill('#f-findSlug', slug);
  await page.press('#f-findSlug', 'Enter');
  await waitForPage(page, 'super-store');
  assertEqual(await page.textContent('#store-status'), 'Ready', 'status shown');
  await screenshot(page, 'console-store');
  await checkAccessibility(page, 'console store');
  // Each action renders the page again; its notice says which action it was.
  await andRender(page, 'super-store', () => page.click('#store-suspend'));
  assertEqual(await page.textContent('#store-notice'), 'Suspended: the shop shows "temporarily closed".', 'the suspension notice');
  assertEqual(await page.textContent('#store-status'), 'Suspended', 'suspended');
  const shop = await newPage(browser);
  await shop.goto(shopUrl(slug));
  await waitForPage(shop, 'closed');
  // Change plan, then resume: the shop opens again.
  await page.selectOption('#f-planCode', 'ENTERPRISE');
  await andRender(page, 'super-store', () => page.click('#store-plan'));
  assertEqual(await page.textContent('#store-notice'), 'Plan changed to ENTERPRISE.', 'the plan notice');
  const detail = await http('GET', `/superadmin/tenants/${slug}`, { headers: { Authorization: `Bearer ${superAdminToken()}` } });
  assertEqual(detail.body.planCode, 'ENTERPRISE', 'plan changed');
  await page.click('#store-resume');
  await page.waitForSelector('#store-suspend');
  await shop.goto(shopUrl(slug));
  await waitForPage(shop, 'home');
  // The token lives in sessionStorage only.
  assert(await page.evaluate(() => Object.keys(localStorage).every((k) => !k.includes('super'))), 'no token in localStorage');
}

export async function test_console_phone(browser) {
  const page = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await visit(page, '', 'signup');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, `no sideways scrolling on a phone (${overflow}px)`);
  await screenshot(page, 'console-phone');
}

export async function test_console_admin_moves_an_order(browser) {
  const admin = await storeWithAdmin('corder');
  const api = await adminHttp(admin);
  const p = (await products(admin.slug)).items.find((x) => x.stock > 1);
  const { orderId, orderNumber: number } = await guestOrder(admin.slug, p.id);
  const other = await guestOrder(admin.slug, p.id);
  const page = await newPage(browser);
  await signIn(page, admin);
  await visit(page, '#/admin/orders', 'admin-orders');
  await page.click(`a:text-is("${number}")`);
  await waitForPage(page, 'admin-order');
  assertEqual(await page.textContent('#order-status'), 'PENDING', 'a new order');
  await screenshot(page, 'console-order');
  await checkAccessibility(page, 'console order');
  for (const [button, status] of [['Mark paid', 'PAID'], ['Mark shipped', 'SHIPPED'], ['Mark delivered', 'DELIVERED']]) {
    await page.click(`button:text-is("${button}")`);
    await page.waitForSelector(`#order-status:text-is("${status}")`);
    assertEqual((await api('GET', `/api/admin/orders/${orderId}`)).body.status, status, `the API has the order ${status}`);
  }
  assertEqual(await page.locator('main .actions button').count(), 0, 'a delivered order moves no further');
  // Cancelling the other order puts its unit back in stock.
  const stockBefore = (await api('GET', `/api/admin/products/${p.id}`)).body.stock;
  await visit(page, `#/admin/orders/${other.orderId}`, 'admin-order');
  await page.click('button:text-is("Cancel the order")');
  await page.waitForSelector('#order-status:text-is("CANCELLED")');
  assertEqual((await api('GET', `/api/admin/orders/${other.orderId}`)).body.status, 'CANCELLED', 'the API has it cancelled');
  assertEqual((await api('GET', `/api/admin/products/${p.id}`)).body.stock, stockBefore + 1, 'its unit is back in stock');
}
