// Catalog pages: the home page with the categories, the product grid (search, category, price,
// sort and page all kept in the URL) and the product page.
import { h, money, mount, productImage } from '/shared/dom.js';
import { showFormProblem, field } from '/shared/problem.js';
import { api, link } from './context.js';
import { navigate, setTitle } from './app.js';
import { refreshCartCount } from './cart.js';

const PAGE_SIZE = 12;
const SORTS = [['name', 'Name (A–Z)'], ['price', 'Price: low to high'], ['-price', 'Price: high to low'], ['newest', 'Newest first']];

function priceTag(p) {
  return h('p', { class: 'price' },
    h('span', { class: 'visually-hidden' }, 'Price: '), money(p.finalPrice),
    p.discount > 0 && [h('span', { class: 'visually-hidden' }, ', was '), h('del', {}, money(p.price)), ' ',
      h('span', { class: 'discount' }, `−${Math.round(p.discount * 100)}%`)]);
}

function stockTag(p) {
  return p.stock > 0
    ? h('p', { class: 'stock-in' }, p.stock < 10 ? `Only ${p.stock} left` : 'In stock')
    : h('p', { class: 'stock-out' }, 'Out of stock');
}

function productCard(p) {
  const href = link('product', { id: p.id });
  return h('li', {}, h('article', { class: 'card', 'data-product-id': p.id },
    h('a', { href, 'data-nav': 'product', tabindex: '-1', 'aria-hidden': 'true' }, productImage(p.images[0], p.name)),
    h('div', { class: 'body' },
      h('h2', {}, h('a', { href, 'data-nav': 'product' }, p.name)),
      priceTag(p),
      stockTag(p))));
}

export async function homePage() {
  setTitle(null);
  const [categories, featured] = await Promise.all([
    api.get('/api/catalog/categories').catch((err) => (err.status === 403 ? [] : Promise.reject(err))),
    api.get('/api/catalog/products', { page: 1, pageSize: 8, sort: 'newest' }),
  ]);
  return [
    h('h1', {}, 'Welcome'),
    categories.length > 0 && h('section', { 'aria-labelledby': 'cat-title' },
      h('h2', { id: 'cat-title' }, 'Shop by category'),
      h('ul', { class: 'categories' }, categories.map((c) => h('li', {},
        h('a', { href: link('products', { category: c.id }), 'data-nav': 'products' },
          h('strong', {}, c.name), h('span', { class: 'muted' }, `${c.productCount} products`)))))),
    h('section', { 'aria-labelledby': 'new-title' },
      h('h2', { id: 'new-title' }, 'New arrivals'),
      h('ul', { class: 'grid' }, featured.items.map(productCard)),
      h('p', {}, h('a', { class: 'button', href: link('products'), 'data-nav': 'products' }, 'See all products'))),
  ];
}

/** The grid's filters from the URL, as the API wants them. */
function listQuery(params) {
  const page = Math.max(1, parseInt(params.get('page') || '1', 10) || 1);
  return {
    page,
    pageSize: PAGE_SIZE,
    search: params.get('search') || '',
    categoryId: params.get('category') || '',
    minPrice: params.get('minPrice') || '',
    maxPrice: params.get('maxPrice') || '',
    sort: params.get('sort') || '',
  };
}

function urlParams(q, page) {
  return { search: q.search, category: q.categoryId, minPrice: q.minPrice, maxPrice: q.maxPrice, sort: q.sort, page: page > 1 ? page : '' };
}

function filterForm(q, categories) {
  const input = (name, type, value, extra = {}) => h('input', { name, type, value, ...extra });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter products', novalidate: true },
    h('div', { 'data-problem': true, style: 'grid-column: 1 / -1' }),
    field('Search', input('search', 'search', q.search, { id: 'f-search' })),
    categories.length > 0 && field('Category', h('select', { name: 'categoryId', id: 'f-category' },
      h('option', { value: '' }, 'All categories'),
      categories.map((c) => h('option', { value: c.id, selected: c.id === q.categoryId }, c.name)))),
    field('Min price', input('minPrice', 'number', q.minPrice, { min: '0', step: '0.01', inputmode: 'decimal', id: 'f-min' })),
    field('Max price', input('maxPrice', 'number', q.maxPrice, { min: '0', step: '0.01', inputmode: 'decimal', id: 'f-max' })),
    field('Sort by', h('select', { name: 'sort', id: 'f-sort' },
      SORTS.map(([v, label]) => h('option', { value: v, selected: v === (q.sort || 'name') }, label)))),
    h('div', {}, h('button', { type: 'submit' }, 'Apply')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    const next = {
      search: (data.get('search') || '').trim(), categoryId: data.get('categoryId') || '',
      minPrice: data.get('minPrice') || '', maxPrice: data.get('maxPrice') || '',
      sort: data.get('sort') === 'name' ? '' : data.get('sort'),
    };
    navigate(link('products', urlParams(next, 1)));
  });
  // Sorting and the category apply at once.
  for (const sel of form.querySelectorAll('select')) sel.addEventListener('change', () => form.requestSubmit());
  return form;
}

function pagination(q, totalPages) {
  if (totalPages <= 1) return null;
  const pageLink = (n, label, rel) => h('li', {}, n === q.page
    ? h('span', { 'aria-current': 'page' }, h('span', { class: 'visually-hidden' }, 'Page '), String(n))
    : h('a', { href: link('products', urlParams(q, n)), 'data-nav': 'products', rel, 'aria-label': label || `Page ${n}` }, label ? label : String(n)));
  const pages = [];
  const from = Math.max(1, q.page - 2);
  const to = Math.min(totalPages, q.page + 2);
  if (q.page > 1) pages.push(pageLink(q.page - 1, 'Previous', 'prev'));
  if (from > 1) pages.push(pageLink(1), from > 2 ? h('li', { 'aria-hidden': 'true' }, '…') : null);
  for (let n = from; n <= to; n++) pages.push(pageLink(n));
  if (to < totalPages) pages.push(to < totalPages - 1 ? h('li', { 'aria-hidden': 'true' }, '…') : null, pageLink(totalPages));
  if (q.page < totalPages) pages.push(pageLink(q.page + 1, 'Next', 'next'));
  return h('nav', { 'aria-label': 'Pages' }, h('ul', { class: 'pagination' }, pages));
}

export async function productsPage(params) {
  const q = listQuery(params);
  const categories = await api.get('/api/catalog/categories').catch(() => []);
  const category = categories.find((c) => c.id === q.categoryId);
  const heading = category ? category.name : q.search ? `Results for “${q.search}”` : 'All products';
  setTitle(q.page > 1 ? `${heading} (page ${q.page})` : heading);
  const form = filterForm(q, categories);
  let list;
  try {
    list = await api.get('/api/catalog/products', q);
  } catch (err) {
    if (err.status !== 400) throw err;
    showFormProblem(form, err);
    return [h('h1', {}, heading), form];
  }
  const from = (list.page - 1) * list.pageSize + 1;
  const count = list.totalCount === 0 ? 'No products match.'
    : `Showing ${from}–${from + list.items.length - 1} of ${list.totalCount} products`;
  return [
    h('h1', {}, heading),
    form,
    h('p', { class: 'result-count', role: 'status', id: 'result-count' }, list.items.length === 0 && list.totalCount > 0 ? 'This page is empty.' : count),
    h('ul', { class: 'grid', id: 'product-grid' }, list.items.map(productCard)),
    pagination(q, list.totalPages),
  ];
}

function gallery(p) {
  const images = p.images.length > 0 ? p.images : [null];
  let main = productImage(images[0], p.name, { class: 'main', loading: 'eager' });
  const thumbs = images.length > 1 && h('ul', { class: 'thumbs' }, images.map((src, i) => h('li', {},
    h('button', {
      type: 'button', 'aria-pressed': String(i === 0), 'aria-label': `Show picture ${i + 1} of ${images.length}`,
      onclick: (ev) => {
        const fresh = productImage(src, p.name, { class: 'main', loading: 'eager' });
        main.replaceWith(fresh);
        main = fresh;
        for (const b of ev.currentTarget.closest('ul').querySelectorAll('button')) b.setAttribute('aria-pressed', 'false');
        ev.currentTarget.setAttribute('aria-pressed', 'true');
      },
    }, productImage(src, `${p.name}, picture ${i + 1}`)))));
  return h('div', { class: 'gallery' }, main, thumbs);
}

function buyForm(p) {
  const qty = h('input', { name: 'quantity', type: 'number', min: '1', max: String(Math.max(1, p.stock)), value: '1', inputmode: 'numeric', required: true });
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'buy-form', novalidate: true },
    h('div', { 'data-problem': true }),
    h('div', { class: 'buy' },
      field('Quantity', qty),
      h('button', { type: 'submit', disabled: p.stock <= 0 }, p.stock > 0 ? 'Add to cart' : 'Out of stock')),
    status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    mount(form.querySelector('[data-problem]'));
    const quantity = Number(qty.value);
    try {
      await api.post('/api/cart/items', { productId: p.id, quantity: Number.isInteger(quantity) ? quantity : qty.value });
      mount(status, h('p', { class: 'notice' }, `Added ${quantity} × ${p.name} to your cart. `,
        h('a', { href: link('cart'), 'data-nav': 'cart' }, 'View cart')));
      refreshCartCount();
    } catch (err) {
      mount(status);
      showFormProblem(form, err);
    }
  });
  return form;
}

export async function productPage(params) {
  const id = params.get('id') || '';
  const p = await api.get(`/api/catalog/products/${encodeURIComponent(id)}`);
  setTitle(p.name);
  const attrs = Object.entries(p.dynamicAttributes || {});
  return [
    h('p', {}, h('a', { href: link('products'), 'data-nav': 'products' }, '← All products')),
    h('article', { class: 'product', 'data-product-id': p.id },
      gallery(p),
      h('div', {},
        h('h1', {}, p.name),
        priceTag(p),
        p.discount > 0 && h('p', { class: 'discount' }, `You save ${money(p.price - p.finalPrice)}`),
        stockTag(p),
        p.categories.length > 0 && h('p', { class: 'muted' }, 'In ', p.categories.map((c, i) => [i > 0 ? ', ' : '',
          h('a', { href: link('products', { category: c.id }), 'data-nav': 'products' }, c.name)])),
        h('p', {}, p.description),
        buyForm(p),
        attrs.length > 0 && h('section', { 'aria-labelledby': 'attr-title' },
          h('h2', { id: 'attr-title' }, 'Details'),
          h('dl', { class: 'attributes' }, attrs.map(([k, v]) => [h('dt', {}, k.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2')),
            h('dd', {}, typeof v === 'boolean' ? (v ? 'Yes' : 'No') : String(v))]))))),
  ];
}

