// The storefront's state: which store, the guest session id and the customer's token (both in
// localStorage, one pair per store), the API client, and URLs of the storefront's own pages.
import { createClient, uuid4 } from '/shared/api.js';

const initial = new URLSearchParams(location.search);

/** The store named by ?store=, or '' when the deployment maps this host name to a store. */
export const storeSlug = initial.get('store') || '';

const storageKey = (name) => `ecom.${storeSlug || location.host}.${name}`;

function readStorage(name) {
  try { return localStorage.getItem(storageKey(name)); } catch { return null; }
}
function writeStorage(name, value) {
  try {
    if (value === null || value === undefined) localStorage.removeItem(storageKey(name));
    else localStorage.setItem(storageKey(name), value);
  } catch { /* storage disabled: the values live as long as the page */ }
}

/** The guest session id (X-Session-Id), made on first use and kept in localStorage. */
export function sessionId() {
  let id = readStorage('session');
  if (!id || !/^[A-Za-z0-9_-]{8,128}$/.test(id)) {
    id = uuid4();
    writeStorage('session', id);
  }
  return id;
}

/** The signed-in customer ({token, email, expiresAt}) or null. */
export function customer() {
  const raw = readStorage('customer');
  if (!raw) return null;
  try {
    const c = JSON.parse(raw);
    if (c && c.token && c.expiresAt > Date.now()) return c;
  } catch { /* unreadable: signed out */ }
  writeStorage('customer', null);
  return null;
}

export function signIn(token, email, expiresIn) {
  writeStorage('customer', JSON.stringify({ token, email, expiresAt: Date.now() + (Number(expiresIn) || 3600) * 1000 }));
}

export function signOut() {
  writeStorage('customer', null);
}

/** The place-order attempt not known to have succeeded: {key, body} (its Idempotency-Key is reused). */
export function pendingOrder() {
  try { return JSON.parse(readStorage('pending-order') || 'null'); } catch { return null; }
}
export function setPendingOrder(value) {
  writeStorage('pending-order', value ? JSON.stringify(value) : null);
}

let errorListener = () => {};
/** fn(err) is called with every API error (the app shows its "closed" page on 423). */
export function onApiError(fn) { errorListener = fn; }

export const api = createClient({
  headers() {
    const h = { 'X-Session-Id': sessionId() };
    if (storeSlug) h['X-Tenant-Slug'] = storeSlug;
    const c = customer();
    if (c) h.Authorization = `Bearer ${c.token}`;
    return h;
  },
  onError: (err) => errorListener(err),
});

/** The URL of a storefront page: link('products', {page: 2}) → "/?store=demo-store&view=products&page=2". */
export function link(view, params = {}) {
  const q = new URLSearchParams();
  if (storeSlug) q.set('store', storeSlug);
  if (view && view !== 'home') q.set('view', view);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `/?${s}` : '/';
}
