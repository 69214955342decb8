// The console's state: the store admin's session ({slug, token}) and the super admin's token, both
// in sessionStorage (gone with the tab), the API clients, and drawing a page into <main>.
import { createClient } from '/shared/api.js';
import { h, mount } from '/shared/dom.js';

function read(key) {
  try { return JSON.parse(sessionStorage.getItem(`ecom.console.${key}`) || 'null'); } catch { return null; }
}
function write(key, value) {
  try {
    if (value === null || value === undefined) sessionStorage.removeItem(`ecom.console.${key}`);
    else sessionStorage.setItem(`ecom.console.${key}`, JSON.stringify(value));
  } catch { /* storage disabled: signed out on reload */ }
}

/** The signed-in store admin ({slug, email, token, expiresAt}) or null. */
export function adminSession() {
  const s = read('admin');
  if (s && s.token && s.expiresAt > Date.now()) return s;
  write('admin', null);
  return null;
}
export function setAdminSession(s) { write('admin', s); }

/** The pasted super-admin token, or null. */
export function superToken() { return read('super'); }
export function setSuperToken(t) { write('super', t || null); }

/** The client of the anonymous API (sign-up); per-call headers name the store. */
export const anonApi = createClient();

/** The client of one store's admin API. */
export const adminApi = createClient({
  headers() {
    const s = adminSession();
    return s ? { 'X-Tenant-Slug': s.slug, Authorization: `Bearer ${s.token}` } : {};
  },
  onError(err) {
    if (err.status === 401) setAdminSession(null);
  },
});

export const superApi = createClient({
  headers() {
    const t = superToken();
    return t ? { Authorization: `Bearer ${t}` } : {};
  },
});

const main = () => document.getElementById('main');

/** Draws a page: main[data-page=kind] with its heading; returns main. */
export function render(kind, title, ...children) {
  const el = main();
  document.title = `${title} — Store console`;
  el.dataset.page = kind;
  el.removeAttribute('aria-busy');
  mount(el, h('h1', {}, title), ...children);
  return el;
}

/** Marks main busy (the tests and screen readers wait for it to clear). */
export function busy(on = true) {
  if (on) main().setAttribute('aria-busy', 'true');
  else main().removeAttribute('aria-busy');
}

/** A labelled control for a form built with h(): field() from shared with an input. */
export function input(name, attrs = {}) {
  return h('input', { name, id: `f-${name}`, ...attrs });
}
