// The super admin: a pasted token (kept in sessionStorage), the stores with status, plan,
// features and limits; suspend/resume, change plan, repair a Failed store.
import { h, dateTime, mount } from '/shared/dom.js';
import { field, problemBox, showFormProblem } from '/shared/problem.js';
import { busy, input, render, setSuperToken, superApi, superToken } from './context.js';
import { apiQuery, filterForm, listState, listSummary, pager } from './lists.js';

const PLANS = [['BASIC', 'Basic'], ['PREMIUM', 'Premium'], ['ENTERPRISE', 'Enterprise']];

export async function superPage(parts, params = new URLSearchParams()) {
  if (!superToken()) return tokenPage();
  busy();
  try {
    if (parts[0]) return await storePage(parts[0]);
    return await storesPage(params);
  } catch (err) {
    if (err.status === 401 || err.status === 403) { setSuperToken(null); return tokenPage(err); }
    render('super-error', 'Super admin', problemBox(err));
  }
}

function tokenPage(err) {
  const form = h('form', { class: 'narrow', novalidate: true },
    field('Super-admin token', h('textarea', { name: 'token', id: 'f-token', rows: 4, required: true, spellcheck: 'false', autocomplete: 'off' }),
      'Print one with: ecom-provision token superadmin. It is kept in this tab only.'),
    h('div', { 'data-problem': true }, err && problemBox(err)),
    h('button', { type: 'submit', id: 'super-login' }, 'Continue'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const token = String(new FormData(form).get('token')).trim();
    setSuperToken(token);
    busy();
    try {
      await superApi.get('/superadmin/tenants', { pageSize: 1 });
      await storesPage();
    } catch (e) {
      setSuperToken(null);
      busy(false);
      showFormProblem(form, e);
    }
  });
  render('super-login', 'Super admin', form);
}

function signOut() {
  return h('p', { class: 'muted' }, h('button', { type: 'button', class: 'link', onclick: () => { setSuperToken(null); tokenPage(); } }, 'Forget the token'));
}

const STORES = '#/super';

async function storesPage(params = new URLSearchParams()) {
  const q = listState(params);
  const page = await superApi.get('/superadmin/tenants', apiQuery(q));
  const find = h('form', { class: 'row-form', novalidate: true, id: 'store-find' },
    field('Store address (slug)', input('findSlug', { required: true, autocapitalize: 'none', spellcheck: 'false' })),
    h('button', { type: 'submit' }, 'Open'));
  find.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const slug = String(new FormData(find).get('findSlug')).trim();
    if (slug) location.hash = `#/super/${encodeURIComponent(slug)}`;
  });
  render('super-stores', q.page > 1 ? `Stores (page ${q.page})` : 'Stores', signOut(), find,
    h('h2', {}, 'All stores'), filterForm(STORES, q, []),
    listSummary(page, 'stores', 'store-count'),
    page.items.length > 0 && h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Store', 'Name', 'Plan', 'Status', 'Created'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, page.items.map((t) => h('tr', { 'data-slug': t.slug },
        h('td', {}, h('a', { href: `#/super/${encodeURIComponent(t.slug)}` }, t.slug)), h('td', {}, t.name), h('td', {}, t.plan),
        h('td', {}, t.status), h('td', {}, dateTime(t.createdAt))))))),
    pager(STORES, q, page, 'Pages of stores'));
}

async function storePage(slug) {
  const t = await superApi.get(`/superadmin/tenants/${encodeURIComponent(slug)}`);
  const box = h('div', { id: 'store-problem' });
  const notice = h('div', { role: 'status', id: 'store-notice' });
  const act = (fn, done) => async () => {
    busy();
    try {
      await fn();
      await storePage(slug);
      mount(document.getElementById('store-notice'), h('p', { class: 'notice' }, done));
    } catch (err) { busy(false); mount(box, problemBox(err)); }
  };
  const plan = h('select', { name: 'planCode', id: 'f-planCode' }, PLANS.map(([code, label]) => h('option', { value: code, selected: code === t.planCode }, label)));
  const planForm = h('form', { class: 'row-form', novalidate: true },
    field('Plan', plan), h('button', { type: 'submit', id: 'store-plan' }, 'Change plan'), h('div', { 'data-problem': true }));
  planForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    act(() => superApi.patch(`/superadmin/tenants/${encodeURIComponent(slug)}`, { planCode: plan.value }), `Plan changed to ${plan.value}.`)();
  });
  const actions = h('div', { class: 'actions' },
    t.status === 'Ready' && h('button', { type: 'button', id: 'store-suspend', class: 'secondary',
      onclick: act(() => superApi.patch(`/superadmin/tenants/${encodeURIComponent(slug)}`, { status: 'Suspended' }), 'Suspended: the shop shows "temporarily closed".') }, 'Suspend'),
    t.status === 'Suspended' && h('button', { type: 'button', id: 'store-resume',
      onclick: act(() => superApi.patch(`/superadmin/tenants/${encodeURIComponent(slug)}`, { status: 'Ready' }), 'Resumed: the shop is open.') }, 'Resume'),
    t.status === 'Failed' && h('button', { type: 'button', id: 'store-repair',
      onclick: act(() => superApi.post('/superadmin/tenants/repair', { tenant: slug }), 'Repaired.') }, 'Repair'));
  const features = Object.entries(t.features || {});
  const limits = Object.entries(t.limits || {});
  render('super-store', `${t.name} (${t.slug})`, signOut(),
    h('p', {}, h('a', { href: '#/super' }, '← All stores')), notice, box,
    h('dl', { class: 'kv' },
      h('dt', {}, 'Status'), h('dd', { id: 'store-status' }, t.status),
      h('dt', {}, 'Plan'), h('dd', { id: 'store-plan-name' }, t.plan),
      h('dt', {}, 'Database'), h('dd', {}, t.dbName),
      h('dt', {}, 'Created'), h('dd', {}, dateTime(t.createdAt))),
    actions, planForm,
    h('h2', {}, 'Features'),
    h('ul', {}, features.map(([k, v]) => h('li', {}, `${k}: ${v ? 'on' : 'off'}${k in (t.overrides?.features || {}) ? ' (override)' : ''}`))),
    h('h2', {}, 'Limits'),
    h('ul', {}, limits.map(([k, v]) => h('li', {}, `${k}: ${v}${k in (t.overrides?.limits || {}) ? ' (override)' : ''}`))),
    (t.steps || []).length > 0 && [h('h2', {}, 'Provisioning steps'),
      h('ol', { class: 'steps' }, t.steps.map((s) => h('li', { 'data-status': s.status }, h('span', { class: 'state' }, s.status), h('span', {}, s.step),
        s.errorMessage && h('span', {}, s.errorMessage))))]);
}
