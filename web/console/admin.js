// The store admin: sign in to a store, then products (create, edit price, discount, stock,
// images, attributes, deactivate), categories, orders and their status transitions, and the
// settings (tax, shipping, theme, SEO). Every call goes to /api/admin/ with the admin's token.
import { h, money, dateTime, mount } from '/shared/dom.js';
import { field, problemBox, showFormProblem, clearFieldErrors } from '/shared/problem.js';
import { adminApi, adminSession, anonApi, busy, input, render, setAdminSession } from './context.js';
import { apiQuery, filterForm, listState, listSummary, pager } from './lists.js';

const TABS = [['products', 'Products'], ['categories', 'Categories'], ['orders', 'Orders'], ['settings', 'Settings']];

function tabs(current) {
  const s = adminSession();
  return h('div', {},
    h('p', { class: 'muted' }, `Store ${s.slug} · ${s.email} · `,
      h('a', { href: `/?store=${encodeURIComponent(s.slug)}` }, 'open the shop'), ' · ',
      h('button', { type: 'button', class: 'link', id: 'admin-signout', onclick: () => { setAdminSession(null); location.hash = '#/admin'; } }, 'Sign out')),
    h('nav', { 'aria-label': 'Store admin' }, h('ul', { class: 'tabs' }, TABS.map(([k, label]) =>
      h('li', {}, h('a', { href: `#/admin/${k}`, 'aria-current': k === current ? 'page' : null }, label))))));
}

/** #/admin/<section>[/<id>][?<list state>] */
export async function adminPage(parts, params = new URLSearchParams()) {
  if (!adminSession()) return loginPage();
  const [section = 'products', id] = parts;
  busy();
  try {
    if (section === 'products' && id) return await productEditPage(id);
    if (section === 'categories') return await categoriesPage(params);
    if (section === 'orders' && id) return await orderPage(id);
    if (section === 'orders') return await ordersPage(params);
    if (section === 'settings') return await settingsPage();
    return await productsPage(params);
  } catch (err) {
    if (!adminSession()) return loginPage(err);
    render('admin-error', 'Store admin', tabs(section), problemBox(err));
  }
}

function loginPage(err) {
  const form = h('form', { class: 'narrow', novalidate: true },
    field('Store address (slug)', input('slug', { required: true, autocapitalize: 'none', spellcheck: 'false' })),
    field('Email', input('email', { type: 'email', required: true, autocomplete: 'username' })),
    field('Password', input('password', { type: 'password', required: true, autocomplete: 'current-password' })),
    h('div', { 'data-problem': true }, err && problemBox(err)),
    h('button', { type: 'submit', id: 'admin-login' }, 'Sign in'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const { slug, email, password } = Object.fromEntries(new FormData(form));
    clearFieldErrors(form);
    busy();
    try {
      const { data } = await anonApi.post('/api/auth/login', { email, password }, { 'X-Tenant-Slug': slug });
      const me = await anonApi.get('/api/auth/me', undefined, { 'X-Tenant-Slug': slug, Authorization: `Bearer ${data.accessToken}` });
      if (me && me.role && me.role !== 'admin') throw Object.assign(new Error('This account is not the store admin.'), { problem: { title: 'Not a store admin', detail: 'This account is a customer account; sign in with the store admin account.' } });
      setAdminSession({ slug, email, token: data.accessToken, expiresAt: Date.now() + (Number(data.expiresIn) || 3600) * 1000 });
      if (location.hash === '#/admin/products') adminPage(['products']);
      else location.hash = '#/admin/products';
    } catch (e) {
      busy(false);
      showFormProblem(form, e);
    }
  });
  render('admin-login', 'Sign in to your store', form);
}

// ---- products ----------------------------------------------------------------------------------

const PRODUCTS = '#/admin/products';
const STATUS_CHOICES = [['', 'Any'], ['true', 'Active'], ['false', 'Inactive']];

/** A select of a list filter: name, label, [[value, text]], the chosen value. */
function choice(name, choices, value) {
  return h('select', { name, id: `f-filter-${name}` }, choices.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}

/**
 * A paged list's data, or, when the API refuses the filters (a hand-edited address), null with the
 * Problem shown in the filter form.
 */
async function fetchList(path, q, form) {
  try {
    return await adminApi.get(path, apiQuery(q));
  } catch (err) {
    if (err.status !== 400) throw err;
    showFormProblem(form, err);
    return null;
  }
}

async function productsPage(params, message = null) {
  const q = listState(params, ['search', 'categoryId', 'isActive']);
  const cats = (await adminApi.get('/api/admin/categories', { pageSize: 100 })).items;
  const form = filterForm(PRODUCTS, q, [
    field('Search', input('search', { type: 'search', value: q.search, id: 'f-filter-search' })),
    field('Category', choice('categoryId', [['', 'Any'], ...cats.map((c) => [c.id, c.name])], q.categoryId)),
    field('Status', choice('isActive', STATUS_CHOICES, q.isActive))]);
  const page = await fetchList('/api/admin/products', q, form);
  const head = [tabs('products'), h('div', { role: 'status', id: 'product-notice' }, message && h('p', { class: 'notice' }, message)),
    h('p', {}, h('a', { class: 'button', href: '#/admin/products/new' }, 'New product')), form];
  if (!page) return render('admin-products', 'Products', head);
  const rows = page.items.map((p) => h('tr', { 'data-id': p.id },
    h('td', {}, h('a', { href: `#/admin/products/${p.id}` }, p.name)),
    h('td', { class: 'num' }, money(p.price)),
    h('td', { class: 'num' }, p.discount ? `${Math.round(p.discount * 100)} %` : '—'),
    h('td', { class: 'num' }, p.stock),
    h('td', {}, p.isActive ? 'Active' : 'Inactive')));
  render('admin-products', q.page > 1 ? `Products (page ${q.page})` : 'Products', head,
    listSummary(page, 'products'),
    page.items.length > 0 && h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col', class: 'num' }, 'Price'),
        h('th', { scope: 'col', class: 'num' }, 'Discount'), h('th', { scope: 'col', class: 'num' }, 'Stock'), h('th', { scope: 'col' }, 'Status'))),
      h('tbody', {}, rows))),
    pager(PRODUCTS, q, page, 'Pages of products'));
}

function parseAttributes(text) {
  const out = {};
  for (const line of String(text).split('\n')) {
    const i = line.indexOf('=');
    if (i <= 0) continue;
    const k = line.slice(0, i).trim();
    const v = line.slice(i + 1).trim();
    if (k) out[k] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v === 'true' ? true : v === 'false' ? false : v;
  }
  return out;
}

async function productEditPage(id) {
  const isNew = id === 'new';
  const p = isNew ? { name: '', description: '', price: '', discount: 0, stock: 0, isActive: true, images: [], categories: [], dynamicAttributes: {} }
    : await adminApi.get(`/api/admin/products/${encodeURIComponent(id)}`);
  const cats = (await adminApi.get('/api/admin/categories', { pageSize: 100 })).items;
  const linked = new Set((p.categories || []).map((c) => c.id));
  const form = h('form', { class: 'narrow', novalidate: true, id: 'product-form' },
    field('Name', input('name', { required: true, maxlength: 200, value: p.name })),
    field('Description', h('textarea', { name: 'description', id: 'f-description', rows: 4 }, p.description || '')),
    field('Price', input('price', { type: 'number', min: 0, step: '0.01', required: true, inputmode: 'decimal', value: p.price })),
    field('Discount (%)', input('discount', { type: 'number', min: 0, max: 100, step: 'any', inputmode: 'decimal', value: +((p.discount || 0) * 100).toFixed(2) })),
    field('Stock', input('stock', { type: 'number', min: 0, step: '1', inputmode: 'numeric', value: p.stock })),
    field('Image URLs', h('textarea', { name: 'images', id: 'f-images', rows: 3 }, (p.images || []).join('\n')), 'One address a line.'),
    field('Attributes', h('textarea', { name: 'dynamicAttributes', id: 'f-dynamicAttributes', rows: 3 },
      Object.entries(p.dynamicAttributes || {}).map(([k, v]) => `${k}=${v}`).join('\n')), 'One "name=value" a line, e.g. color=blue.'),
    h('fieldset', {}, h('legend', {}, 'Categories'), cats.map((c) => h('label', { class: 'radio' },
      h('input', { type: 'checkbox', name: 'categoryIds', value: c.id, checked: linked.has(c.id) }), ` ${c.name}`))),
    h('label', { class: 'radio' }, h('input', { type: 'checkbox', name: 'isActive', id: 'f-isActive', checked: p.isActive }), ' Active (shown in the shop)'),
    h('div', { 'data-problem': true }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'product-save' }, isNew ? 'Create the product' : 'Save'),
      !isNew && p.isActive && h('button', { type: 'button', class: 'secondary', id: 'product-deactivate' }, 'Deactivate')));
  const notice = h('div', { role: 'status', id: 'product-notice' });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fd = new FormData(form);
    const body = {
      name: String(fd.get('name')).trim(),
      description: String(fd.get('description')),
      price: fd.get('price') === '' ? undefined : Number(fd.get('price')),
      discount: Number(fd.get('discount') || 0) / 100,
      images: String(fd.get('images')).split('\n').map((x) => x.trim()).filter(Boolean),
      dynamicAttributes: parseAttributes(fd.get('dynamicAttributes')),
      categoryIds: fd.getAll('categoryIds'),
      isActive: fd.get('isActive') !== null,
    };
    const stock = Number(fd.get('stock') || 0);
    clearFieldErrors(form);
    busy();
    try {
      if (isNew) {
        const { data } = await adminApi.post('/api/admin/products', { ...body, stock });
        location.hash = `#/admin/products/${data.id}`;
        return;
      }
      await adminApi.patch(`/api/admin/products/${encodeURIComponent(id)}`, body);
      if (stock !== p.stock) await adminApi.put(`/api/admin/products/${encodeURIComponent(id)}/stock`, { stock });
      p.stock = stock;
      busy(false);
      mount(notice, h('p', { class: 'notice' }, 'Saved.'));
    } catch (err) {
      busy(false);
      showFormProblem(form, err);
    }
  });
  const deactivate = form.querySelector('#product-deactivate');
  if (deactivate) deactivate.addEventListener('click', async () => {
    busy();
    try {
      const { data } = await adminApi.del(`/api/admin/products/${encodeURIComponent(id)}`);
      // A product no order names is deleted outright; one that orders name stays, inactive.
      if (data && data.deleted) {
        history.replaceState(null, '', PRODUCTS);
        await productsPage(new URLSearchParams(), `Deleted “${p.name}” (no order named it).`);
        return;
      }
      await productEditPage(id);
      mount(document.getElementById('product-notice'), h('p', { class: 'notice' }, 'Deactivated: the shop no longer lists it; its orders keep it.'));
    } catch (err) {
      busy(false);
      showFormProblem(form, err);
    }
  });
  render('admin-product', isNew ? 'New product' : p.name, tabs('products'), notice, form);
}

// ---- categories --------------------------------------------------------------------------------

const CATEGORIES = '#/admin/categories';

async function categoriesPage(params, message = null) {
  const q = listState(params);
  const page = await adminApi.get('/api/admin/categories', apiQuery(q));
  const redraw = (text) => categoriesPage(params, text);
  const form = h('form', { class: 'row-form', novalidate: true, id: 'category-form' },
    field('New category', input('name', { required: true, maxlength: 200 })),
    field('Description', input('description', {})),
    h('button', { type: 'submit', id: 'category-add' }, 'Add'), h('div', { 'data-problem': true }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(new FormData(form));
    clearFieldErrors(form);
    busy();
    try {
      await adminApi.post('/api/admin/categories', body);
      await redraw(`Added “${body.name.trim()}”.`);
    } catch (err) { busy(false); showFormProblem(form, err); }
  });
  const problem = h('div', { id: 'cat-problem' });
  const toggle = (c) => async () => {
    busy();
    try {
      if (c.isActive) await adminApi.del(`/api/admin/categories/${c.id}`);
      else await adminApi.patch(`/api/admin/categories/${c.id}`, { isActive: true });
      await redraw(`${c.isActive ? 'Deactivated' : 'Activated'} “${c.name}”.`);
    } catch (err) { busy(false); mount(problem, problemBox(err)); }
  };
  // A row, or in its place the row's edit form (name and description); Cancel puts the row back.
  const row = (c) => {
    const tr = h('tr', { 'data-id': c.id }, h('td', {}, c.name), h('td', {}, c.description || ''), h('td', { class: 'num' }, c.productCount ?? ''),
      h('td', {}, c.isActive ? 'Active' : 'Inactive'),
      h('td', {}, h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'secondary', 'data-action': 'edit', 'aria-label': `Edit ${c.name}`, onclick: () => edit(c, tr) }, 'Edit'),
        h('button', { type: 'button', class: 'secondary', 'data-action': 'toggle', onclick: toggle(c), 'aria-label': `${c.isActive ? 'Deactivate' : 'Activate'} ${c.name}` }, c.isActive ? 'Deactivate' : 'Activate'))));
    return tr;
  };
  let open = null;  // the row being edited (one at a time): {c, editRow}
  const restore = (c, editRow) => {
    const back = row(c);
    editRow.replaceWith(back);
    open = null;
    return back;
  };
  const edit = (c, tr) => {
    if (open) restore(open.c, open.editRow);
    const f = h('form', { class: 'row-form', novalidate: true, id: 'category-edit', 'aria-label': `Edit ${c.name}` },
      field('Name', input('name', { id: 'f-edit-name', required: true, maxlength: 200, value: c.name })),
      field('Description', input('description', { id: 'f-edit-description', value: c.description || '' })),
      h('button', { type: 'submit', id: 'category-save' }, 'Save'),
      h('button', { type: 'button', class: 'secondary', id: 'category-cancel', onclick: () => restore(c, editRow).querySelector('[data-action="edit"]').focus() }, 'Cancel'),
      h('div', { 'data-problem': true }));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = Object.fromEntries(new FormData(f));
      body.name = body.name.trim();
      clearFieldErrors(f);
      busy();
      try {
        await adminApi.patch(`/api/admin/categories/${c.id}`, body);
        await redraw(`Saved “${body.name}”.`);
      } catch (err) { busy(false); showFormProblem(f, err); }
    });
    const editRow = h('tr', { 'data-id': c.id, class: 'editing' }, h('td', { colspan: 5 }, f));
    tr.replaceWith(editRow);
    open = { c, editRow };
    f.querySelector('#f-edit-name').focus();
  };
  render('admin-categories', q.page > 1 ? `Categories (page ${q.page})` : 'Categories', tabs('categories'), form,
    h('div', { role: 'status', id: 'cat-notice' }, message && h('p', { class: 'notice' }, message)), problem,
    h('h2', {}, 'All categories'), filterForm(CATEGORIES, q, []), listSummary(page, 'categories'),
    page.items.length > 0 && h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Description'), h('th', { scope: 'col', class: 'num' }, 'Products'),
        h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', {}, page.items.map(row)))),
    pager(CATEGORIES, q, page, 'Pages of categories'));
  // After a change the page is drawn afresh: the focus goes back to its top, as after a link.
  if (message) document.getElementById('main').focus({ preventScroll: true });
}

// ---- orders ------------------------------------------------------------------------------------

const NEXT = { PENDING: ['PAID', 'CANCELLED'], PAID: ['SHIPPED', 'CANCELLED'], SHIPPED: ['DELIVERED'], DELIVERED: [], CANCELLED: [] };

const ORDERS = '#/admin/orders';

async function ordersPage(params) {
  const q = listState(params, ['status', 'from', 'to']);
  const form = filterForm(ORDERS, q, [
    field('Status', choice('status', [['', 'Any'], ...Object.keys(NEXT).map((st) => [st, st[0] + st.slice(1).toLowerCase()])], q.status)),
    field('Placed from', input('from', { type: 'date', value: q.from, id: 'f-filter-from' })),
    field('Placed until', input('to', { type: 'date', value: q.to, id: 'f-filter-to' }))]);
  const page = await fetchList('/api/admin/orders', q, form);
  const title = q.page > 1 ? `Orders (page ${q.page})` : 'Orders';
  if (!page) return render('admin-orders', title, tabs('orders'), form);
  render('admin-orders', title, tabs('orders'), form,
    listSummary(page, q.status || q.from || q.to ? 'orders that match' : 'orders'),
    page.items.length > 0 && h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Order', 'Date', 'Customer', 'Items', 'Total', 'Status'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, page.items.map((o) => h('tr', { 'data-id': o.orderId },
        h('td', {}, h('a', { href: `#/admin/orders/${o.orderId}` }, o.orderNumber)), h('td', {}, dateTime(o.createdAt)),
        h('td', {}, o.email), h('td', { class: 'num' }, o.itemCount), h('td', { class: 'num' }, money(o.total)), h('td', {}, o.status)))))),
    pager(ORDERS, q, page, 'Pages of orders'));
}

async function orderPage(id) {
  const o = await adminApi.get(`/api/admin/orders/${encodeURIComponent(id)}`);
  const box = h('div', { id: 'order-problem' });
  const move = (status) => async () => {
    busy();
    try {
      await adminApi.patch(`/api/admin/orders/${encodeURIComponent(id)}`, { status });
      await orderPage(id);
    } catch (err) { busy(false); mount(box, problemBox(err)); }
  };
  render('admin-order', `Order ${o.orderNumber}`, tabs('orders'),
    h('dl', { class: 'kv' }, h('dt', {}, 'Status'), h('dd', { id: 'order-status' }, o.status), h('dt', {}, 'Placed'), h('dd', {}, dateTime(o.createdAt)),
      h('dt', {}, 'Email'), h('dd', {}, o.email || ''), h('dt', {}, 'Ship to'), h('dd', {}, o.shippingAddress || ''), h('dt', {}, 'Total'), h('dd', {}, money(o.total))),
    h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, h('tr', {}, ['Product', 'Price', 'Quantity', 'Subtotal'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, (o.items || []).map((i) => h('tr', {}, h('td', {}, i.productName), h('td', { class: 'num' }, money(i.price)), h('td', { class: 'num' }, i.quantity), h('td', { class: 'num' }, money(i.subtotal))))))),
    box,
    h('div', { class: 'actions' }, (NEXT[o.status] || []).map((s) => h('button', { type: 'button', class: s === 'CANCELLED' ? 'secondary' : null, onclick: move(s) }, s === 'CANCELLED' ? 'Cancel the order' : `Mark ${s.toLowerCase()}`))));
}

// ---- settings ----------------------------------------------------------------------------------

async function settingsPage() {
  const s = await adminApi.get('/api/admin/settings');
  const theme = s.theme || {};
  const seo = s.seo || {};
  const form = h('form', { class: 'narrow', novalidate: true, id: 'settings-form' },
    h('fieldset', {}, h('legend', {}, 'Checkout'),
      field('Tax rate (%)', input('taxRate', { type: 'number', min: 0, max: 100, step: '0.01', value: +(s.taxRate * 100).toFixed(2) })),
      field('Flat shipping', input('shippingFlat', { type: 'number', min: 0, step: '0.01', value: s.shippingFlat })),
      field('Free shipping from', input('freeShippingThreshold', { type: 'number', min: 0, step: '0.01', value: s.freeShippingThreshold }))),
    h('fieldset', {}, h('legend', {}, 'Theme'),
      field('Main colour', input('primaryColor', { type: 'color', value: theme.primaryColor || '#1f2a44' })),
      field('Accent colour', input('accentColor', { type: 'color', value: theme.accentColor || '#b3541e' })),
      field('Logo URL', input('logoUrl', { type: 'url', value: theme.logoUrl || '' }))),
    h('fieldset', {}, h('legend', {}, 'Search engines'),
      field('Title', input('title', { value: seo.title || '' })),
      field('Description', input('description', { value: seo.description || '' })),
      field('Keywords', input('keywords', { value: seo.keywords || '' }))),
    h('div', { 'data-problem': true }), h('div', { role: 'status', id: 'settings-notice' }),
    h('button', { type: 'submit', id: 'settings-save' }, 'Save the settings'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(form));
    const body = {
      taxRate: Number(f.taxRate) / 100, shippingFlat: Number(f.shippingFlat), freeShippingThreshold: Number(f.freeShippingThreshold),
      theme: { ...theme, primaryColor: f.primaryColor, accentColor: f.accentColor, logoUrl: f.logoUrl },
      seo: { ...seo, title: f.title, description: f.description, keywords: f.keywords },
    };
    if (!body.theme.logoUrl) delete body.theme.logoUrl;
    clearFieldErrors(form);
    try {
      await adminApi.patch('/api/admin/settings', body);
      mount(form.querySelector('#settings-notice'), h('p', { class: 'notice' }, 'Saved.'));
    } catch (err) { showFormProblem(form, err); }
  });
  render('admin-settings', 'Settings', tabs('settings'), form);
}
