// The console's lists and forms in headless Chromium, each checked twice: what the page shows and
// what the API then holds. The store admin's paged lists (products, categories, orders: page
// links, page size, filters, all kept in the address so back and forward work), a category
// created and edited, the settings saved (and the storefront's theme and SEO title following
// them), a product deactivated (and gone from the storefront); the super admin's paged stores, a
// Failed store repaired and a plan changed.
import { randomUUID } from 'node:crypto';
import {
  andRender, adminHttp, assert, assertEqual, checkAccessibility, column, createStore, guestOrder,
  gridNames, hashOf, http, newPage, operator, products, screenshot, shopUrl, signIn, storeWithAdmin,
  superAdminToken, visit, waitForPage,
} from './lib.mjs';

/** The names (or another field) of one page of an admin list, as the API gives it. */
async function apiPage(api, path, query, key = 'name') {
  const res = await api('GET', `${path}?${new URLSearchParams(query)}`);
  assertEqual(res.status, 200, `GET ${path}`);
  return res.body.items.map((x) => x[key]);
}

function assertSame(actual, expected, message) {
  assertEqual(JSON.stringify(actual), JSON.stringify(expected), message);
}

export async function test_console_lists_page(browser) {
  const admin = await storeWithAdmin('cpage');
  const api = await adminHttp(admin);
  // Set-up through the API: 12 categories (the demo's 7 and 5 more) and 11 orders, 3 of them
  // paid, so that each list has more than one page of 10.
  for (let i = 1; i <= 5; i++) assertEqual((await api('POST', '/api/admin/categories', { name: `Paging ${i}` })).status, 201, 'a category');
  const p = (await products(admin.slug)).items[0];
  assertEqual((await api('PUT', `/api/admin/products/${p.id}/stock`, { stock: 100 })).status, 200, 'stock');
  const orders = [];
  for (let i = 0; i < 11; i++) orders.push(await guestOrder(admin.slug, p.id));
  for (const o of orders.slice(0, 3)) assertEqual((await api('PATCH', `/api/admin/orders/${o.orderId}`, { status: 'PAID' })).status, 200, 'paid');
  const total = (await api('GET', '/api/admin/products?pageSize=1')).body.totalCount;
  assert(total > 30, `the demo catalog has more than 3 pages of 10 (${total})`);
  const lastPage = Math.ceil(total / 10);

  const page = await newPage(browser);
  await signIn(page, admin);
  assertEqual(await page.textContent('#list-count'), `Showing 1–20 of ${total} products`, 'the first page of 20');
  // Ten a page, chosen in the form: the address keeps it.
  await andRender(page, 'admin-products', async () => {
    await page.selectOption('#f-pageSize', '10');
    await page.click('#list-filter-apply');
  });
  assertEqual(await hashOf(page), '#/admin/products?pageSize=10', 'the page size is in the address');
  assertEqual(await page.textContent('#list-count'), `Showing 1–10 of ${total} products`, 'ten a page');
  const first = await column(page, 0);
  assertSame(first, await apiPage(api, '/api/admin/products', { page: 1, pageSize: 10 }), 'page 1 is the API\'s page 1');
  await checkAccessibility(page, 'console products, paged');
  await screenshot(page, 'console-products-paged');
  // Next, with the keyboard.
  await andRender(page, 'admin-products', async () => {
    await page.focus('nav.pager a[rel="next"]');
    await page.keyboard.press('Enter');
  });
  assertEqual(await hashOf(page), '#/admin/products?page=2&pageSize=10', 'page 2 in the address');
  const second = await column(page, 0);
  assertSame(second, await apiPage(api, '/api/admin/products', { page: 2, pageSize: 10 }), 'page 2 is the API\'s page 2');
  assert(second.every((n) => !first.includes(n)), 'page 2 shows other products');
  assertEqual((await page.textContent('nav.pager [aria-current="page"]')).trim(), 'Page 2', 'page 2 is the current one');
  // The last page: what is left, and no Next.
  await andRender(page, 'admin-products', () => page.click(`nav.pager a[aria-label="Page ${lastPage}"]`));
  assertEqual(await page.locator('main tbody tr').count(), total - 10 * (lastPage - 1), 'the last page has the rest');
  assertEqual(await page.locator('nav.pager a[rel="next"]').count(), 0, 'no Next on the last page');
  // Back and forward, and the address opened afresh.
  await andRender(page, 'admin-products', () => page.goBack());
  assertSame(await column(page, 0), second, 'back: page 2 again');
  await andRender(page, 'admin-products', () => page.goBack());
  assertSame(await column(page, 0), first, 'back: page 1 again');
  await andRender(page, 'admin-products', () => page.goForward());
  assertSame(await column(page, 0), second, 'forward: page 2 again');
  await andRender(page, 'admin-products', () => page.reload());
  assertSame(await column(page, 0), second, 'the address alone shows page 2');
  // A search narrows the list and starts at its first page.
  await andRender(page, 'admin-products', async () => {
    await page.fill('#f-filter-search', p.name);
    await page.press('#f-filter-search', 'Enter');
  });
  assert((await hashOf(page)).startsWith(`#/admin/products?search=${encodeURIComponent(p.name).replace(/%20/g, '+')}`), `search in the address: ${await hashOf(page)}`);
  assert((await column(page, 0)).includes(p.name), 'the product searched for is listed');

  // Categories: 12, so 10 and 2.
  await visit(page, '#/admin/categories?pageSize=10', 'admin-categories');
  assertEqual(await page.textContent('#list-count'), 'Showing 1–10 of 12 categories', 'categories, page 1');
  await andRender(page, 'admin-categories', () => page.click('nav.pager a[rel="next"]'));
  assertEqual(await page.textContent('#list-count'), 'Showing 11–12 of 12 categories', 'categories, page 2');
  assertSame(await column(page, 0), await apiPage(api, '/api/admin/categories', { page: 2, pageSize: 10 }), 'the API\'s page 2 of categories');

  // Orders: 11, newest first; then only the paid ones.
  await visit(page, '#/admin/orders?pageSize=10', 'admin-orders');
  assertEqual(await page.textContent('#list-count'), 'Showing 1–10 of 11 orders', 'orders, page 1');
  await andRender(page, 'admin-orders', () => page.click('nav.pager a[rel="next"]'));
  assertSame(await column(page, 0), await apiPage(api, '/api/admin/orders', { page: 2, pageSize: 10 }, 'orderNumber'), 'the API\'s page 2 of orders');
  await andRender(page, 'admin-orders', async () => {
    await page.selectOption('#f-filter-status', 'PAID');
    await page.click('#list-filter-apply');
  });
  assertEqual(await hashOf(page), '#/admin/orders?status=PAID&pageSize=10', 'the filter is in the address, from page 1');
  assertSame((await column(page, 0)).sort(), orders.slice(0, 3).map((o) => o.orderNumber).sort(), 'the paid orders');
  assert((await column(page, 5)).every((s) => s === 'PAID'), 'only paid orders');
  await checkAccessibility(page, 'console orders, filtered');
  await screenshot(page, 'console-orders-filtered');
  await andRender(page, 'admin-orders', () => page.goBack());
  assertEqual(await page.locator('main tbody tr').count(), 1, 'back: the second page of all orders');
  // Dates: none placed before 2000; a date the API refuses is named next to the form.
  await visit(page, '#/admin/orders?to=2000-01-01', 'admin-orders');
  assertEqual(await page.textContent('#list-count'), 'No orders that match.', 'no order before 2000');
  await visit(page, '#/admin/orders?from=yesterday', 'admin-orders');
  await page.waitForSelector('#f-filter-from[aria-invalid="true"]');
  assert((await page.textContent('#f-filter-from-error')).includes('date'), 'the refused date is explained next to its field');
  assertEqual(await page.locator('main tbody tr').count(), 0, 'no list for a refused filter');
  // On a phone: the filters and page links wrap, only the table itself scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const hash of ['#/admin/orders?pageSize=10', '#/admin/products?page=2&pageSize=10']) {
    await visit(page, hash, hash.includes('orders') ? 'admin-orders' : 'admin-products');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 1, `no sideways scrolling of ${hash} on a phone (${overflow}px)`);
    assert(await page.isVisible('nav.pager a[rel="next"]'), 'the page links are there');
  }
  await screenshot(page, 'console-products-phone');
}

export async function test_console_admin_saves_a_category(browser) {
  const admin = await storeWithAdmin('ccat');
  const api = await adminHttp(admin);
  const page = await newPage(browser);
  await signIn(page, admin);
  await visit(page, '#/admin/categories', 'admin-categories');
  // No name: the API's message next to the field.
  await page.click('#category-add');
  await page.waitForSelector('#f-name[aria-invalid="true"]');
  assert((await page.textContent('#f-name-error')).trim().length > 0, 'the name field says what is wrong');
  await andRender(page, 'admin-categories', async () => {
    await page.fill('#f-name', 'Console Garden');
    await page.fill('#f-description', 'Seeds and tools');
    await page.click('#category-add');
  });
  assertEqual(await page.textContent('#cat-notice'), 'Added “Console Garden”.', 'the notice');
  const made = (await api('GET', '/api/admin/categories?pageSize=100')).body.items.find((c) => c.name === 'Console Garden');
  assert(made && made.description === 'Seeds and tools' && made.isActive, `the API has the category: ${JSON.stringify(made)}`);
  const row = `main tbody tr[data-id="${made.id}"]`;
  assertEqual(await page.textContent(`${row} td:nth-child(2)`), 'Seeds and tools', 'the row shows it');
  // Edit it in its row: the name field gets the focus; Enter saves.
  await page.click(`${row} [data-action="edit"]`);
  assertEqual(await page.evaluate(() => document.activeElement.id), 'f-edit-name', 'the name field has the focus');
  await checkAccessibility(page, 'console category edit');
  await screenshot(page, 'console-category-edit');
  await page.fill('#f-edit-name', '');
  await page.click('#category-save');
  await page.waitForSelector('#f-edit-name[aria-invalid="true"]');
  await andRender(page, 'admin-categories', async () => {
    await page.fill('#f-edit-name', 'Console Garden Tools');
    await page.fill('#f-edit-description', 'Spades and rakes');
    await page.press('#f-edit-name', 'Enter');
  });
  assertEqual(await page.textContent('#cat-notice'), 'Saved “Console Garden Tools”.', 'the notice');
  assertEqual(await page.textContent(`${row} td:nth-child(1)`), 'Console Garden Tools', 'the row shows the new name');
  const saved = (await api('GET', '/api/admin/categories?pageSize=100')).body.items.find((c) => c.id === made.id);
  assertEqual(saved.name, 'Console Garden Tools', 'the API has the new name');
  assertEqual(saved.description, 'Spades and rakes', 'the API has the new description');
  // One row at a time: editing another puts the first back.
  await page.click(`${row} [data-action="edit"]`);
  await page.click(`main tbody tr:not([data-id="${made.id}"]) [data-action="edit"] >> nth=0`);
  assertEqual(await page.locator('#category-edit').count(), 1, 'one edit form');
  assertEqual(await page.textContent(`${row} td:nth-child(1)`), 'Console Garden Tools', 'the first row is back');
  // Cancel puts the row back unchanged, the focus on its Edit button.
  await page.click(`${row} [data-action="edit"]`);
  await page.fill('#f-edit-name', 'Not saved');
  await page.click('#category-cancel');
  assertEqual(await page.textContent(`${row} td:nth-child(1)`), 'Console Garden Tools', 'cancelled');
  assertEqual(await page.evaluate(() => document.activeElement.dataset.action), 'edit', 'the focus is back on Edit');
  // The shop's categories name it.
  const shopCats = await http('GET', '/api/catalog/categories', { headers: { 'X-Tenant-Slug': admin.slug } });
  assert(shopCats.body.some((c) => c.id === made.id && c.name === 'Console Garden Tools'), 'the storefront\'s categories have it');
}

export async function test_console_admin_saves_settings(browser) {
  const admin = await storeWithAdmin('cset');
  const api = await adminHttp(admin);
  const page = await newPage(browser);
  await signIn(page, admin);
  await visit(page, '#/admin/settings', 'admin-settings');
  // A tax rate over 100 %: the API's message next to the field, nothing saved.
  await page.fill('#f-taxRate', '150');
  await page.click('#settings-save');
  await page.waitForSelector('#f-taxRate[aria-invalid="true"]');
  assert((await api('GET', '/api/admin/settings')).body.taxRate !== 1.5, 'the refused rate is not saved');
  await page.fill('#f-taxRate', '7.5');
  await page.fill('#f-shippingFlat', '4.99');
  await page.fill('#f-freeShippingThreshold', '80');
  await page.fill('#f-primaryColor', '#0b5d1e');
  await page.fill('#f-accentColor', '#7a2e8f');
  await page.fill('#f-logoUrl', 'https://cdn.example.com/console-logo.png');
  await page.fill('#f-title', 'Console Lamps — light for every room');
  await page.fill('#f-description', 'Lamps, bulbs and shades.');
  await page.fill('#f-keywords', 'lamps, light');
  await page.click('#settings-save');
  await page.waitForSelector('#settings-notice .notice');
  assert(await page.locator('#settings-form [aria-invalid="true"]').count() === 0, 'no field is marked wrong');
  const s = (await api('GET', '/api/admin/settings')).body;
  assertEqual(s.taxRate, 0.075, 'tax rate');
  assertEqual(s.shippingFlat, 4.99, 'flat shipping');
  assertEqual(s.freeShippingThreshold, 80, 'free shipping threshold');
  assertEqual(s.theme.primaryColor, '#0b5d1e', 'main colour');
  assertEqual(s.theme.accentColor, '#7a2e8f', 'accent colour');
  assertEqual(s.theme.logoUrl, 'https://cdn.example.com/console-logo.png', 'logo');
  assertEqual(s.seo.title, 'Console Lamps — light for every room', 'SEO title');
  assertEqual(s.seo.description, 'Lamps, bulbs and shades.', 'SEO description');
  // The page drawn afresh shows what was saved.
  await andRender(page, 'admin-settings', () => page.reload());
  assertEqual(await page.inputValue('#f-taxRate'), '7.5', 'the form shows the saved rate');
  assertEqual(await page.inputValue('#f-primaryColor'), '#0b5d1e', 'the form shows the saved colour');
  // The storefront: the SEO title and description, the colours, the logo, the store's name.
  const shop = await newPage(browser);
  await shop.goto(shopUrl(admin.slug));
  await waitForPage(shop, 'home');
  assertEqual(await shop.title(), 'Console Lamps — light for every room', 'the home page\'s title is the SEO title');
  assertEqual(await shop.getAttribute('meta[name="description"]', 'content'), 'Lamps, bulbs and shades.', 'meta description');
  const look = await shop.evaluate(() => {
    const css = getComputedStyle(document.documentElement);
    return { primary: css.getPropertyValue('--primary').trim(), accent: css.getPropertyValue('--accent').trim(), logo: document.querySelector('#brand img')?.getAttribute('src') };
  });
  assertSame(look, { primary: '#0b5d1e', accent: '#7a2e8f', logo: 'https://cdn.example.com/console-logo.png' }, 'the theme');
  assertEqual((await shop.textContent('#brand-name')).trim(), admin.name, 'the store\'s name');
  await checkAccessibility(shop, 'storefront with the saved theme');
  // The quote uses the new tax and shipping: $10 of goods → $0.75 tax, $4.99 shipping.
  const session = { 'X-Tenant-Slug': admin.slug, 'X-Session-Id': randomUUID() };
  const item = (await api('POST', '/api/admin/products', { name: 'Ten Dollar Bulb', price: 10, stock: 5 })).body;
  await http('POST', '/api/cart/items', { body: { productId: item.id, quantity: 1 }, headers: session });
  const quote = await http('POST', '/api/checkout/quote', { body: {}, headers: session });
  assertEqual(quote.status, 200, `the quote: ${JSON.stringify(quote.body)}`);
  assertSame([quote.body.tax, quote.body.shipping, quote.body.total], [0.75, 4.99, 15.74], 'tax, shipping and total');
}

export async function test_console_admin_deactivates_a_product(browser) {
  const admin = await storeWithAdmin('cdeact');
  const api = await adminHttp(admin);
  // One product an order names (it stays, inactive) and one no order names (it goes).
  const kept = (await products(admin.slug)).items.find((x) => x.stock > 0);
  await guestOrder(admin.slug, kept.id);
  const gone = (await api('POST', '/api/admin/products', { name: 'Console Doomed Vase', price: 5, stock: 1 })).body;
  const shop = await newPage(browser);
  const shopLists = async (name) => {
    await shop.goto(shopUrl(admin.slug, { view: 'products', search: name }));
    await waitForPage(shop, 'products');
    return (await gridNames(shop)).includes(name);
  };
  assert(await shopLists(kept.name), 'the storefront lists the product before');

  const page = await newPage(browser);
  await signIn(page, admin);
  await visit(page, `#/admin/products/${kept.id}`, 'admin-product');
  await andRender(page, 'admin-product', () => page.click('#product-deactivate'));
  assert((await page.textContent('#product-notice')).startsWith('Deactivated'), 'the notice');
  assertEqual(await page.isChecked('#f-isActive'), false, 'the form shows it inactive');
  assertEqual(await page.locator('#product-deactivate').count(), 0, 'no second deactivation');
  const after = await api('GET', `/api/admin/products/${kept.id}`);
  assertEqual(after.body.isActive, false, 'the API has it inactive');
  assert(!(await shopLists(kept.name)), 'the storefront no longer lists it');
  // The inactive products, by the list's filter.
  await visit(page, '#/admin/products?isActive=false', 'admin-products');
  const inactive = await column(page, 0);
  assert(inactive.includes(kept.name), 'the inactive products include it');
  assertSame(inactive, await apiPage(api, '/api/admin/products', { isActive: 'false', pageSize: 20 }), 'the API\'s inactive products');
  assert((await column(page, 4)).every((x) => x === 'Inactive'), 'only inactive products');
  assertEqual(await page.inputValue('#f-filter-isActive'), 'false', 'the filter shows its choice');
  // The product no order names is deleted: back to the list, with a notice.
  await visit(page, `#/admin/products/${gone.id}`, 'admin-product');
  await andRender(page, 'admin-products', () => page.click('#product-deactivate'));
  assertEqual(await page.textContent('#product-notice'), 'Deleted “Console Doomed Vase” (no order named it).', 'the notice');
  assertEqual(await hashOf(page), '#/admin/products', 'the list\'s address');
  assertEqual((await api('GET', `/api/admin/products/${gone.id}`)).status, 404, 'the API has it no more');
  assert(!(await shopLists('Console Doomed Vase')), 'the storefront does not list it');
}

/** Signs the super admin in with a token; lands on the stores. */
async function superSignIn(page) {
  await visit(page, '#/super', 'super-login');
  await page.fill('#f-token', superAdminToken());
  await andRender(page, 'super-stores', () => page.click('#super-login'));
}

export async function test_console_super_admin_repairs_and_changes_plan(browser) {
  // A store whose build failed: its schema gone and its status Failed (the operator's SQL, as
  // the API tests do it).
  const { slug } = await createStore('crepair');
  operator('ecom.sql(f"DROP DATABASE `{ecom.schema_of(args[0])}`")\necom.set_tenant_status(args[0], "Failed")', slug);
  const sa = { Authorization: `Bearer ${superAdminToken()}` };
  const page = await newPage(browser);
  await superSignIn(page);
  // The stores, ten a page.
  await andRender(page, 'super-stores', async () => {
    await page.selectOption('#f-pageSize', '10');
    await page.click('#list-filter-apply');
  });
  const all = (await http('GET', '/superadmin/tenants?pageSize=1', { headers: sa })).body.totalCount;
  assert(all > 10, `more than ten stores (${all})`);
  assertEqual(await page.textContent('#store-count'), `Showing 1–10 of ${all} stores`, 'the count of stores');
  await andRender(page, 'super-stores', () => page.click('nav.pager a[rel="next"]'));
  assertEqual(await hashOf(page), '#/super?page=2&pageSize=10', 'page 2 in the address');
  const apiSecond = (await http('GET', '/superadmin/tenants?page=2&pageSize=10', { headers: sa })).body.items.map((t) => t.slug);
  assertSame(await column(page, 0), apiSecond, 'the API\'s page 2 of stores');

  await visit(page, `#/super/${slug}`, 'super-store');
  assertEqual(await page.textContent('#store-status'), 'Failed', 'the store is shown Failed');
  assertEqual(await page.locator('#store-suspend').count(), 0, 'a Failed store cannot be suspended');
  await screenshot(page, 'console-store-failed');
  await andRender(page, 'super-store', () => page.click('#store-repair'));
  assertEqual(await page.textContent('#store-notice'), 'Repaired.', 'the notice');
  assertEqual(await page.textContent('#store-status'), 'Ready', 'Ready after the repair');
  assertEqual(await page.locator('#store-repair').count(), 0, 'nothing left to repair');
  const detail = await http('GET', `/superadmin/tenants/${slug}`, { headers: sa });
  assertEqual(detail.body.status, 'Ready', 'the API has it Ready');
  assert((await products(slug)).items.length > 0, 'its catalog is back');
  const shop = await newPage(browser);
  await shop.goto(shopUrl(slug));
  await waitForPage(shop, 'home');
  // A plan change: the page and the API name the new plan.
  await page.selectOption('#f-planCode', 'BASIC');
  await andRender(page, 'super-store', () => page.click('#store-plan'));
  assertEqual(await page.textContent('#store-notice'), 'Plan changed to BASIC.', 'the notice');
  assertEqual(await page.textContent('#store-plan-name'), (await http('GET', `/superadmin/tenants/${slug}`, { headers: sa })).body.plan, 'the plan shown');
  assertEqual((await http('GET', `/superadmin/tenants/${slug}`, { headers: sa })).body.planCode, 'BASIC', 'the API has the plan');
  assertEqual(await page.inputValue('#f-planCode'), 'BASIC', 'the plan chosen');
}
