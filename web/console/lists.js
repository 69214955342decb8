// The console's paged lists (store admin's products, categories and orders; super admin's
// stores): the page, page size and filters live in the URL's fragment after "?"
// (#/admin/orders?status=PAID&page=2), so back and forward, reload and shared links show the same
// page. The API answers every list with {items, totalCount, page, pageSize, totalPages}.
import { h } from '/shared/dom.js';
import { field } from '/shared/problem.js';

export const PAGE_SIZES = [10, 20, 50, 100];
export const DEFAULT_PAGE_SIZE = 20;

/**
 * The list's state from the fragment's parameters: {page, pageSize, ...filters}. A page or page
 * size that is not one the console offers falls back to the first page / the default size, so a
 * hand-edited address still shows a list. `filters` names the other parameters kept (as strings).
 */
export function listState(params, filters = [], defaultPageSize = DEFAULT_PAGE_SIZE) {
  const page = Number(params.get('page'));
  const size = Number(params.get('pageSize'));
  const state = {
    page: Number.isInteger(page) && page >= 1 && page <= 1000000 ? page : 1,
    pageSize: PAGE_SIZES.includes(size) ? size : defaultPageSize,
  };
  for (const f of filters) state[f] = (params.get(f) || '').trim();
  return state;
}

/** The fragment of list `base` (#/admin/orders) in state q; defaults and empty filters left out. */
export function listHash(base, q, defaultPageSize = DEFAULT_PAGE_SIZE) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (k === 'page' && v === 1) continue;
    if (k === 'pageSize' && v === defaultPageSize) continue;
    if (v !== '' && v !== undefined && v !== null) p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `${base}?${s}` : base;
}

/** The API's query for state q: empty filters left out. */
export function apiQuery(q) {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== '' && v !== undefined && v !== null));
}

/** "Showing 21–40 of 57 orders" (a status line the tests and screen readers read). */
export function listSummary(list, noun, id = 'list-count') {
  let text;
  if (list.totalCount === 0) text = `No ${noun}.`;
  else if (list.items.length === 0) text = `This page is empty: there are ${list.totalCount} ${noun}.`;
  else {
    const from = (list.page - 1) * list.pageSize + 1;
    text = `Showing ${from}–${from + list.items.length - 1} of ${list.totalCount} ${noun}`;
  }
  return h('p', { class: 'muted', role: 'status', id }, text);
}

/**
 * Page links of list `base`: Previous, the first and last pages, the two on each side of the
 * current one, Next. Links, not buttons: each page has its own address.
 */
export function pager(base, q, list, label, defaultPageSize = DEFAULT_PAGE_SIZE) {
  const total = Math.max(list.totalPages || 0, 1);
  if (total <= 1 && q.page === 1) return null;
  const at = (n) => listHash(base, { ...q, page: n }, defaultPageSize);
  const item = (n, text, rel) => h('li', {}, n === q.page && !text
    ? h('span', { 'aria-current': 'page' }, h('span', { class: 'visually-hidden' }, 'Page '), String(n))
    : h('a', { href: at(n), rel, 'aria-label': text ? null : `Page ${n}` }, text || String(n)));
  const out = [];
  const from = Math.max(1, Math.min(q.page, total) - 2);
  const to = Math.min(total, q.page + 2);
  if (q.page > 1) out.push(item(Math.min(q.page - 1, total), 'Previous', 'prev'));
  if (from > 1) out.push(item(1), from > 2 && h('li', { 'aria-hidden': 'true' }, '…'));
  for (let n = from; n <= to; n++) out.push(item(n));
  if (to < total) out.push(to < total - 1 && h('li', { 'aria-hidden': 'true' }, '…'), item(total));
  if (q.page < total) out.push(item(q.page + 1, 'Next', 'next'));
  return h('nav', { 'aria-label': label, class: 'pager' }, h('ul', { class: 'pagination' }, out));
}

/**
 * The filter form above a list: the given fields plus the page size; "Show" goes to the first
 * page of the chosen filters (a new address, so back returns to the previous ones).
 */
export function filterForm(base, q, fields, defaultPageSize = DEFAULT_PAGE_SIZE) {
  const size = h('select', { name: 'pageSize', id: 'f-pageSize' },
    PAGE_SIZES.map((n) => h('option', { value: n, selected: n === q.pageSize }, String(n))));
  const form = h('form', { class: 'row-form list-filter', role: 'search', 'aria-label': 'Filter the list', novalidate: true },
    fields, field('Per page', size), h('button', { type: 'submit', class: 'secondary', id: 'list-filter-apply' }, 'Show'),
    h('div', { 'data-problem': true }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = { page: 1 };
    for (const [k, v] of new FormData(form)) next[k] = k === 'pageSize' ? Number(v) : String(v).trim();
    location.hash = listHash(base, next, defaultPageSize);
  });
  return form;
}
