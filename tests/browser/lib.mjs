// Helpers of the browser tests: the stack under test (ECOM_BASE_URL, ECOM_CONFIG, ECOM_BIN_DIR),
// stores made through the super admin API, Debian's Chromium driven by playwright-core, the
// screenshots and the axe-core accessibility check.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const BASE = (process.env.ECOM_BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const varDir = process.env.ECOM_VAR_DIR || path.resolve('var');
/** Where the tests save their screenshots (one PNG a page). */
export const SHOT_DIR = process.env.ECOM_SCREENSHOT_DIR || path.join(varDir, 'browser-screenshots');
mkdirSync(SHOT_DIR, { recursive: true });

export class AssertionError extends Error {}
export function assert(cond, message) {
  if (!cond) throw new AssertionError(message);
}
export function assertEqual(actual, expected, message) {
  if (actual !== expected) throw new AssertionError(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

// ---- the API, from the test's side ------------------------------------------------------------

let superToken = null;
/** A super-admin token from `ecom-provision token superadmin`. */
export function superAdminToken() {
  if (!superToken) {
    const bin = path.join(process.env.ECOM_BIN_DIR || 'bin', 'ecom-provision');
    const args = process.env.ECOM_CONFIG ? ['--config', process.env.ECOM_CONFIG] : [];
    superToken = execFileSync(bin, [...args, 'token', 'superadmin'], { encoding: 'utf8' }).trim();
  }
  return superToken;
}

/** A request to the stack; returns {status, headers, body} (body parsed when JSON). */
export async function http(method, urlPath, { body, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(BASE + urlPath, init);
  const text = await res.text();
  let data = text;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body: data };
}

export function uniqueSlug(prefix) {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A new store with the demo catalog (super admin API); returns {slug, name, adminActivationToken}. */
export async function createStore(prefix = 'web', extra = {}) {
  const slug = uniqueSlug(prefix);
  const name = `Browser ${slug}`;
  const res = await http('POST', '/superadmin/tenants', {
    body: { slug, name, planCode: 'PREMIUM', ...extra },
    headers: { Authorization: `Bearer ${superAdminToken()}` },
  });
  assertEqual(res.status, 201, `creating store ${slug} (${JSON.stringify(res.body)})`);
  return { slug, name, adminActivationToken: res.body.adminActivationToken };
}

/** PATCH /superadmin/tenants/{slug} with body ({status}, {features}, ...). */
export async function patchStore(slug, body) {
  const res = await http('PATCH', `/superadmin/tenants/${slug}`, {
    body, headers: { Authorization: `Bearer ${superAdminToken()}` },
  });
  assertEqual(res.status, 200, `changing ${slug} with ${JSON.stringify(body)}`);
}

export async function setStoreStatus(slug, status) {
  await patchStore(slug, { status });
}

/** The store's products as the API lists them (first 100). */
export async function products(slug, query = '') {
  const res = await http('GET', `/api/catalog/products?pageSize=100${query}`, { headers: { 'X-Tenant-Slug': slug } });
  assertEqual(res.status, 200, 'listing products');
  return res.body;
}

/**
 * The operator's SQL on the stack's MariaDB, through the Python test helpers of tests/lib
 * (ecom.sql, ecom.set_tenant_status, ...): `code` runs with `ecom` imported and the arguments
 * in `args`; what it prints is returned.
 */
export function operator(code, ...args) {
  const lib = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'lib');
  const program = `import sys\nsys.path.insert(0, ${JSON.stringify(lib)})\nimport ecom\nargs = sys.argv[1:]\n${code}`;
  return execFileSync('python3', ['-c', program, ...args], { encoding: 'utf8' });
}

/** A store made by the super admin with its admin account activated: {slug, name, email, password}. */
export async function storeWithAdmin(prefix) {
  const email = `admin@${prefix}.example.com`;
  const { slug, name, adminActivationToken } = await createStore(prefix, { adminEmail: email });
  assert(adminActivationToken, 'the create response has an activation token');
  const password = 'console-pass-1';
  const res = await http('POST', '/api/auth/activate-account', {
    body: { token: adminActivationToken, password, confirmPassword: password }, headers: { 'X-Tenant-Slug': slug },
  });
  assertEqual(res.status, 200, 'activating the admin');
  return { slug, name, email, password };
}

/** The store admin's API as the test sees it: adminHttp(admin)(method, path, body?) → {status, body}. */
export async function adminHttp(admin) {
  const login = await http('POST', '/api/auth/login', { body: { email: admin.email, password: admin.password }, headers: { 'X-Tenant-Slug': admin.slug } });
  assertEqual(login.status, 200, 'the admin logs in');
  const headers = { 'X-Tenant-Slug': admin.slug, Authorization: `Bearer ${login.body.accessToken}` };
  return (method, urlPath, body) => http(method, urlPath, { body, headers });
}

/** A guest order of one product in store slug, placed through the API; returns {orderId, orderNumber}. */
export async function guestOrder(slug, productId) {
  const headers = { 'X-Tenant-Slug': slug, 'X-Session-Id': randomUUID() };
  const add = await http('POST', '/api/cart/items', { body: { productId, quantity: 1 }, headers });
  assert(add.status === 200 || add.status === 201, `adding to the cart: ${add.status}`);
  const key = randomUUID();
  const res = await http('POST', '/api/checkout/place-order', {
    body: { idempotencyKey: key, email: 'buyer@example.com', phone: '+1 555 010 2030', shippingAddress: '1 Main Street, Springfield', paymentMethod: 'CashOnDelivery' },
    headers: { ...headers, 'Idempotency-Key': key },
  });
  assert(res.status === 200 || res.status === 201, `placing the order: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

// ---- the browser -------------------------------------------------------------------------------

export const CHROMIUM = process.env.ECOM_CHROMIUM || '/usr/bin/chromium';

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
}

/**
 * A fresh browser context (its own localStorage) whose pages reach only the stack: any other
 * host (the demo catalog's image URLs) is refused at once, as on a machine without the network.
 */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const origin = new URL(BASE).origin;
  await context.route((url) => url.origin !== origin, (route) => route.abort('internetdisconnected'));
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const consoleErrors = [];
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  page.consoleErrors = consoleErrors;
  return page;
}

/** The storefront URL of store slug with the given storefront parameters. */
export function shopUrl(slug, params = {}) {
  const q = new URLSearchParams({ store: slug, ...params });
  return `${BASE}/?${q}`;
}

/** Waits until the storefront has drawn a page of the given kind (main[data-page]) and is idle. */
export async function waitForPage(page, kind) {
  await page.waitForSelector(`main[data-page="${kind}"]:not([aria-busy])`, { timeout: 10000 });
  assert(page.consoleErrors.length === 0, `script errors on the page: ${page.consoleErrors.join('; ')}`);
}

export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(SHOT_DIR, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2 A and AA rules and best practices) on the page as it is; fails on any
 * serious or critical violation, naming the rule and the first elements.
 */
export async function checkAccessibility(page, label) {
  // A second run of the same pages through another web server (tests/browser/run.mjs under
  // scripts/test.sh's Apache stage) leaves the check to the first run.
  if (process.env.ECOM_AXE === 'off') return null;
  const t0 = Date.now();
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert(bad.length === 0, `accessibility (${label}): ` + bad.map((v) =>
    `${v.id} [${v.impact}] ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`).join('; '));
  if (process.env.ECOM_BROWSER_TIMING) console.log(`    axe ${label}: ${Date.now() - t0} ms`);
  return result;
}

/** The page's visible price numbers in the product grid, in order. */
export async function gridPrices(page) {
  return page.$$eval('#product-grid .price', (els) => els.map((el) => {
    const first = el.childNodes[1] ? el.childNodes[1].textContent : el.textContent;
    return Number(first.replace(/[^0-9.]/g, ''));
  }));
}

export async function gridNames(page) {
  return page.$$eval('#product-grid h2', (els) => els.map((el) => el.textContent.trim()));
}

// ---- the console -------------------------------------------------------------------------------

export const consoleUrl = (hash) => `${BASE}/console/${hash}`;

/** Opens the console at hash and waits for the page of the given kind. */
export async function visit(page, hash, kind) {
  await page.goto(consoleUrl(hash));
  await waitForPage(page, kind);
}

/** Signs the store admin in through the console's form; lands on the products. */
export async function signIn(page, { slug, email, password }) {
  await visit(page, '#/admin', 'admin-login');
  await page.fill('#f-slug', slug);
  await page.fill('#f-email', email);
  await page.fill('#f-password', password);
  await page.click('#admin-login');
  await waitForPage(page, 'admin-products');
}

/** The text of the cells of column `col` (0-based) of the page's table, in order. */
export async function column(page, col) {
  return page.$$eval(`main tbody tr td:nth-child(${col + 1})`, (els) => els.map((el) => el.textContent.trim()));
}

/**
 * Runs action (a click, a key, a history step) and waits until the console has drawn the next
 * page of the given kind: the heading drawn before the action is marked, so the page the action
 * left is not mistaken for the one it opens.
 */
export async function andRender(page, kind, action) {
  await page.evaluate(() => { const h1 = document.querySelector('main h1'); if (h1) h1.dataset.old = ''; });
  await action();
  await page.waitForSelector(`main[data-page="${kind}"]:not([aria-busy]) h1:not([data-old])`, { timeout: 10000 });
  assert(page.consoleErrors.length === 0, `script errors on the page: ${page.consoleErrors.join('; ')}`);
}

/** The fragment of the console's address ("#/admin/orders?page=2"). */
export async function hashOf(page) {
  return page.evaluate(() => location.hash);
}
