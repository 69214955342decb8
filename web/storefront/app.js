// The storefront: loads the store's configuration (name, theme, SEO), draws the header and routes
// between pages. Every page's state is in the URL (/?store=…&view=…&…): links can be shared, and
// back and forward work (history.pushState + popstate).
import { h, mount } from '/shared/dom.js';
import { problemBox } from '/shared/problem.js';
import { api, customer, link, onApiError, signOut, storeSlug } from './context.js';
import { homePage, productsPage, productPage } from './catalog.js';
import { cartPage, checkoutPage, orderPage, refreshCartCount } from './cart.js';
import { loginPage, signupPage, ordersPage } from './account.js';

const routes = {
  home: homePage,
  products: productsPage,
  product: productPage,
  cart: cartPage,
  checkout: checkoutPage,
  order: orderPage,
  login: loginPage,
  signup: signupPage,
  orders: ordersPage,
};

const main = document.getElementById('main');
let config = null;
let closed = false;
let renderSeq = 0;

/** The store is suspended: any API answer 423 turns the whole page into the "closed" page. */
onApiError((err) => {
  // A refused token (expired, or the store's secret changed): carry on as a guest.
  if (err.status === 401 && customer()) signOut();
  if (err.status === 423 && !closed) {
    closed = true;
    showClosed();
  }
});

function showClosed() {
  document.title = `Temporarily closed — ${config ? config.name : 'Shop'}`;
  mount(document.getElementById('site-nav'));
  mount(main, h('section', { class: 'closed', 'aria-labelledby': 'closed-title' },
    h('h1', { id: 'closed-title' }, 'This store is temporarily closed'),
    h('p', {}, 'We are not taking orders at the moment. Please come back later.')));
  main.dataset.page = 'closed';
  main.removeAttribute('aria-busy');
}

/** Relative luminance (WCAG) of a #rrggbb colour. */
function luminance(hex) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return null;
  const [r, g, b] = m.slice(1).map((x) => {
    const c = parseInt(x, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The theme ({primaryColor, accentColor, logoUrl}) and SEO ({title, description, keywords}) of the store. */
function applyConfig(cfg) {
  const theme = cfg.theme && typeof cfg.theme === 'object' ? cfg.theme : {};
  const root = document.documentElement.style;
  const primary = typeof theme.primaryColor === 'string' ? theme.primaryColor : null;
  const lum = primary ? luminance(primary) : null;
  if (lum !== null) {
    root.setProperty('--primary', primary);
    // White text needs a contrast ratio of 4.5 or more; otherwise near-black.
    root.setProperty('--on-primary', (1.05 / (lum + 0.05)) >= 4.5 ? '#ffffff' : '#111111');
  }
  if (typeof theme.accentColor === 'string' && luminance(theme.accentColor) !== null) {
    root.setProperty('--accent', theme.accentColor);
  }
  mount(document.getElementById('brand-name'), cfg.name);
  const brand = document.getElementById('brand');
  brand.href = link('home');
  if (typeof theme.logoUrl === 'string' && /^(https?:\/\/|\/)/.test(theme.logoUrl)) {
    brand.prepend(h('img', { src: theme.logoUrl, alt: '' }));
  }
  const seo = cfg.seo && typeof cfg.seo === 'object' ? cfg.seo : {};
  const describe = document.querySelector('meta[name="description"]');
  describe.content = typeof seo.description === 'string' ? seo.description : `${cfg.name}: shop online.`;
  if (typeof seo.keywords === 'string' || Array.isArray(seo.keywords)) {
    document.head.append(h('meta', { name: 'keywords', content: [].concat(seo.keywords).join(', ') }));
  }
  mount(document.getElementById('footer'), `© ${new Date().getFullYear()} ${cfg.name}`);
}

/** Sets the document title: "Page — Store" (the store's SEO title on the home page). */
export function setTitle(page) {
  const seoTitle = config && config.seo && typeof config.seo.title === 'string' ? config.seo.title : null;
  const name = config ? config.name : 'Shop';
  document.title = page ? `${page} — ${name}` : (seoTitle || name);
}

export function features() {
  return config ? config.features : [];
}

function renderNav(view) {
  const c = customer();
  const item = (v, label, extra) => h('li', {}, h('a', { href: link(v), 'data-nav': v, 'aria-current': v === view ? 'page' : null }, label, extra));
  mount(document.getElementById('site-nav'), h('ul', {},
    item('home', 'Home'),
    item('products', 'Products'),
    c ? item('orders', 'My orders') : item('login', 'Log in'),
    c ? null : item('signup', 'Sign up'),
    item('cart', 'Cart ', h('span', { class: 'badge', id: 'cart-count', 'aria-label': 'items in cart' }, '0'))));
}

/** Draws the page the URL names. */
export async function render({ focus = true } = {}) {
  if (closed) return;
  const seq = ++renderSeq;
  shownUrl = location.pathname + location.search;
  const params = new URLSearchParams(location.search);
  const view = routes[params.get('view')] ? params.get('view') : 'home';
  renderNav(view);
  refreshCartCount();
  main.dataset.page = view;
  main.setAttribute('aria-busy', 'true');
  let content;
  try {
    content = await routes[view](params);
  } catch (err) {
    if (closed) return;
    setTitle('Error');
    content = [h('h1', {}, 'Sorry, that did not work'), problemBox(err),
      h('p', {}, h('a', { href: link('home'), 'data-nav': 'home' }, 'Back to the shop'))];
  }
  if (seq !== renderSeq || closed) return;  // a newer navigation, or the store closed meanwhile
  mount(main, content);
  main.removeAttribute('aria-busy');
  main.dataset.ready = String(seq);
  if (focus) main.focus({ preventScroll: false });
}

/** Goes to url (a storefront link) as a new history entry, or replacing the current one. */
export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.scrollTo(0, 0);
  return render();
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a[data-nav]');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname !== '/') return;
  ev.preventDefault();
  navigate(url.pathname + url.search);
});
// Back and forward. A change of the fragment alone (the skip link's #main) is not a new page.
let shownUrl = location.pathname + location.search;
window.addEventListener('popstate', () => {
  if (location.pathname + location.search !== shownUrl) render();
});

async function start() {
  try {
    config = await api.get('/public/tenant-config');
  } catch (err) {
    if (closed) return;
    document.title = 'Store not available';
    const notFound = err.status === 409;
    mount(main, h('h1', {}, notFound ? 'Store not found' : 'The store could not be loaded'),
      problemBox(err),
      notFound && h('p', {}, storeSlug ? `No open store is called "${storeSlug}".` : 'Name a store in the address, e.g. ?store=demo-store.'));
    main.dataset.page = 'unavailable';
    return;
  }
  applyConfig(config);
  await render({ focus: false });
}

start();
