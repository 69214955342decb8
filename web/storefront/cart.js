// The cart (quantities, removal), the checkout (quote, contact and payment, place-order with an
// Idempotency-Key that a retry reuses) and the order confirmation.
import { uuid4 } from '/shared/api.js';
import { h, money, mount } from '/shared/dom.js';
import { field, problemBox, showFormProblem } from '/shared/problem.js';
import { api, customer, link, pendingOrder, setPendingOrder } from './context.js';
import { navigate, render, setTitle } from './app.js';

/** The session's cart, or null when it has none (the API answers 404). */
async function loadCart() {
  try {
    return await api.get('/api/cart');
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
}

/** Updates the item count in the header. */
export async function refreshCartCount(cart) {
  const badge = document.getElementById('cart-count');
  if (!badge) return;
  let count = 0;
  try {
    const c = cart === undefined ? await loadCart() : cart;
    count = c ? c.itemCount : 0;
  } catch { /* the count stays as it was */ return; }
  badge.textContent = String(count);
  badge.setAttribute('aria-label', `${count} ${count === 1 ? 'item' : 'items'} in cart`);
}

function totals(rows) {
  return h('div', { class: 'totals', id: 'totals' }, rows.filter(Boolean).map(([label, value, cls]) =>
    h('div', { class: cls || null }, h('span', {}, label), h('span', {}, value))));
}

function cartLine(item, status) {
  const qty = h('input', {
    type: 'number', min: '1', value: String(item.quantity), class: 'cart-qty', inputmode: 'numeric',
    id: `qty-${item.id}`, name: 'quantity', 'aria-describedby': `qty-${item.id}-error`,
  });
  const error = h('p', { class: 'field-error', id: `qty-${item.id}-error`, 'aria-live': 'polite' });
  let sent = item.quantity;  // Enter and the change event may both fire: one request a value
  const update = async () => {
    const quantity = Number(qty.value);
    if (quantity === sent) return;
    sent = quantity;
    mount(error);
    qty.removeAttribute('aria-invalid');
    try {
      await api.put(`/api/cart/items/${item.id}`, { quantity: Number.isInteger(quantity) ? quantity : qty.value });
      mount(status, `Quantity of ${item.productName} changed to ${quantity}.`);
      await render({ focus: false });
      document.getElementById(`qty-${item.id}`)?.focus();
    } catch (err) {
      sent = null;
      qty.setAttribute('aria-invalid', 'true');
      const msgs = Object.values(err.fieldErrors).flat();
      mount(error, msgs.length ? msgs.join(' ') : (err.problem.detail || err.problem.title));
    }
  };
  qty.addEventListener('change', update);
  qty.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); update(); } });
  const remove = async () => {
    try {
      await api.del(`/api/cart/items/${item.id}`);
      mount(status, `${item.productName} removed from the cart.`);
      await render({ focus: false });
      document.querySelector('#main h1')?.focus?.();
    } catch (err) {
      mount(error, err.problem.detail || err.problem.title);
    }
  };
  return h('tr', { 'data-item-id': item.id, 'data-product-id': item.productId },
    h('td', {}, h('a', { href: link('product', { id: item.productId }), 'data-nav': 'product' }, item.productName)),
    h('td', { class: 'num', 'data-label': 'Price' }, money(item.price)),
    h('td', {}, h('label', { for: `qty-${item.id}`, class: 'visually-hidden' }, `Quantity of ${item.productName}`), qty, error),
    h('td', { class: 'num', 'data-label': 'Subtotal' }, money(item.subtotal)),
    h('td', {}, h('button', { type: 'button', class: 'secondary', onclick: remove, 'aria-label': `Remove ${item.productName}` }, 'Remove')));
}

export async function cartPage() {
  setTitle('Your cart');
  const cart = await loadCart();
  refreshCartCount(cart);
  const status = h('p', { role: 'status', class: 'visually-hidden', id: 'cart-status' });
  if (!cart || cart.items.length === 0) {
    return [h('h1', { tabindex: '-1' }, 'Your cart'), status, h('p', { id: 'cart-empty' }, 'Your cart is empty.'),
      h('p', {}, h('a', { class: 'button', href: link('products'), 'data-nav': 'products' }, 'Browse products'))];
  }
  return [
    h('h1', { tabindex: '-1' }, 'Your cart'),
    status,
    h('table', { class: 'cart-table' },
      h('caption', { class: 'visually-hidden' }, 'Items in your cart'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Product'), h('th', { scope: 'col', class: 'num' }, 'Price'),
        h('th', { scope: 'col' }, 'Quantity'), h('th', { scope: 'col', class: 'num' }, 'Subtotal'),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', {}, cart.items.map((item) => cartLine(item, status)))),
    totals([['Items', String(cart.itemCount)], ['Subtotal', money(cart.subtotal), 'grand']]),
    h('div', { class: 'actions' },
      h('a', { class: 'button', href: link('checkout'), 'data-nav': 'checkout' }, 'Checkout'),
      h('a', { href: link('products'), 'data-nav': 'products' }, 'Continue shopping')),
  ];
}

const PAYMENT_METHODS = [['CreditCard', 'Credit card'], ['PayPal', 'PayPal'], ['CashOnDelivery', 'Cash on delivery']];

function checkoutForm(quote) {
  const c = customer();
  const chosen = pendingOrder()?.body?.paymentMethod || 'CreditCard';
  const form = h('form', { class: 'narrow', id: 'checkout-form', novalidate: true, 'aria-labelledby': 'contact-title' },
    h('h2', { id: 'contact-title' }, 'Contact and delivery'),
    h('div', { 'data-problem': true }),
    field('Email', h('input', { name: 'email', type: 'email', autocomplete: 'email', required: true, value: c ? c.email : '' })),
    field('Phone', h('input', { name: 'phone', type: 'tel', autocomplete: 'tel', required: true }), 'Digits, spaces and + ( ) -, 7 to 20 characters.'),
    field('Shipping address', h('textarea', { name: 'shippingAddress', autocomplete: 'street-address', required: true, rows: '3' })),
    h('fieldset', { 'aria-describedby': 'paymentMethod-error' },
      h('legend', {}, 'Payment method'),
      PAYMENT_METHODS.map(([value, label]) => h('div', { class: 'radio' },
        h('input', { type: 'radio', name: 'paymentMethod', value, id: `pm-${value}`, checked: value === chosen }),
        h('label', { for: `pm-${value}` }, label))),
      h('p', { class: 'field-error', id: 'paymentMethod-error', 'data-error-for': 'paymentMethod', 'aria-live': 'polite' })),
    h('div', { id: 'order-status', role: 'status' }),
    h('button', { type: 'submit', id: 'place-order' }, `Place order · ${money(quote.total)}`));
  const pending = pendingOrder();
  if (pending && pending.body) {
    for (const name of ['email', 'phone', 'shippingAddress']) {
      if (pending.body[name]) form.elements[name].value = pending.body[name];
    }
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); placeOrder(form); });
  return form;
}

/**
 * Sends place-order. The Idempotency-Key of an attempt whose outcome is unknown (no answer: a
 * network error) is kept with its body and reused by the next attempt with the same body, so a
 * retry can never place a second order; the server answers the first order again.
 */
async function placeOrder(form) {
  const data = new FormData(form);
  const body = {
    email: String(data.get('email') || '').trim(),
    phone: String(data.get('phone') || '').trim(),
    shippingAddress: String(data.get('shippingAddress') || '').trim(),
    paymentMethod: String(data.get('paymentMethod') || ''),
  };
  const pending = pendingOrder();
  const same = pending && JSON.stringify(pending.body) === JSON.stringify(body);
  const key = same ? pending.key : uuid4();
  const button = form.querySelector('#place-order');
  const status = form.querySelector('#order-status');
  const box = form.querySelector('[data-problem]');
  mount(box);
  mount(status, h('p', { class: 'loading' }, same ? 'Retrying your order…' : 'Placing your order…'));
  button.disabled = true;
  setPendingOrder({ key, body });
  try {
    const res = await api.post('/api/checkout/place-order', { idempotencyKey: key, ...body }, { 'Idempotency-Key': key });
    setPendingOrder(null);
    const replayed = res.headers.get('Idempotent-Replayed') === 'true';
    sessionStorage.setItem(`ecom.order.${res.data.orderId}`, JSON.stringify({ ...res.data, replayed, retried: same }));
    await navigate(link('order', { id: res.data.orderId }), { replace: false });
  } catch (err) {
    button.disabled = false;
    mount(status);
    if (err.isNetworkError) {
      // Unknown outcome: keep the key, so that "Try again" cannot order twice.
      mount(box, h('div', { class: 'problem', role: 'alert', id: 'network-problem' },
        h('p', {}, h('strong', {}, 'We could not reach the shop.')),
        h('p', {}, 'Your order may or may not have been placed. Press “Place order” again: it will not be placed twice.')));
      return;
    }
    setPendingOrder(null);  // a definite refusal stores nothing: the next attempt is a new one
    showFormProblem(form, err);
    if (err.status === 401) {  // this store sells to signed-in customers only
      box.append(h('p', {}, h('a', { href: link('login', { next: 'checkout' }), 'data-nav': 'login' }, 'Log in to place your order')));
    }
  }
}

export async function checkoutPage() {
  setTitle('Checkout');
  let quote;
  try {
    quote = (await api.post('/api/checkout/quote', {})).data;
  } catch (err) {
    if (err.status !== 400 && err.status !== 409) throw err;
    return [h('h1', {}, 'Checkout'), problemBox(err),
      h('p', {}, h('a', { href: link('cart'), 'data-nav': 'cart' }, 'Back to your cart'))];
  }
  return [
    h('h1', {}, 'Checkout'),
    h('div', { class: 'checkout' },
      checkoutForm(quote),
      h('section', { 'aria-labelledby': 'summary-title' },
        h('h2', { id: 'summary-title' }, 'Order summary'),
        h('ul', {}, quote.items.map((i) => h('li', {}, `${i.quantity} × ${i.productName} — ${money(i.subtotal)}`))),
        totals([['Subtotal', money(quote.subtotal)], ['Tax', money(quote.tax)],
          ['Shipping', quote.shipping > 0 ? money(quote.shipping) : 'Free'], ['Total', money(quote.total), 'grand']]))),
  ];
}

export async function orderPage(params) {
  const id = params.get('id') || '';
  const order = await api.get(`/api/orders/${encodeURIComponent(id)}`);
  let placed = null;
  try { placed = JSON.parse(sessionStorage.getItem(`ecom.order.${id}`) || 'null'); } catch { placed = null; }
  setTitle(`Order ${order.orderNumber}`);
  refreshCartCount();
  return [
    h('h1', {}, placed ? 'Thank you for your order' : `Order ${order.orderNumber}`),
    placed && h('div', { class: 'notice', role: 'status' },
      h('p', {}, 'Your order number is ', h('span', { class: 'order-number', id: 'order-number' }, order.orderNumber), '.'),
      placed.replayed && h('p', { id: 'order-replayed' }, 'Your retry reached us: the order was placed once, not twice.')),
    !placed && h('p', {}, 'Order number ', h('span', { class: 'order-number', id: 'order-number' }, order.orderNumber)),
    h('p', {}, `Status: ${order.status}. We will write to ${order.email}.`),
    h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Ordered items'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Product'), h('th', { scope: 'col', class: 'num' }, 'Quantity'),
        h('th', { scope: 'col', class: 'num' }, 'Subtotal'))),
      h('tbody', {}, order.items.map((i) => h('tr', {}, h('td', {}, i.productName), h('td', { class: 'num' }, String(i.quantity)),
        h('td', { class: 'num' }, money(i.subtotal)))))),
    totals([['Subtotal', money(order.subtotal)], ['Tax', money(order.tax)],
      ['Shipping', order.shipping > 0 ? money(order.shipping) : 'Free'], ['Total', money(order.total), 'grand']]),
    h('p', {}, `Payment: ${order.paymentMethod}. Delivery to: ${order.shippingAddress}`),
    h('div', { class: 'actions' }, h('a', { href: link('products'), 'data-nav': 'products' }, 'Continue shopping'),
      customer() && h('a', { href: link('orders'), 'data-nav': 'orders' }, 'My orders')),
  ];
}

