// Customer accounts: sign-up, log-in, log-out and the customer's orders.
import { dateTime, h, money } from '/shared/dom.js';
import { field, showFormProblem } from '/shared/problem.js';
import { api, customer, link, signIn, signOut } from './context.js';
import { navigate, setTitle } from './app.js';

function accountForm(id, fields, submitLabel, onSubmit) {
  const form = h('form', { class: 'narrow', id, novalidate: true }, h('div', { 'data-problem': true }), fields,
    h('button', { type: 'submit' }, submitLabel));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await onSubmit(Object.fromEntries(new FormData(form)));
    } catch (err) {
      showFormProblem(form, err);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

async function logIn(email, password) {
  const res = await api.post('/api/auth/login', { email, password });
  signIn(res.data.accessToken, email, res.data.expiresIn);
}

export async function loginPage(params) {
  setTitle('Log in');
  const next = params.get('next') === 'checkout' ? 'checkout' : 'orders';
  return [
    h('h1', {}, 'Log in'),
    accountForm('login-form', [
      field('Email', h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true })),
      field('Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    ], 'Log in', async ({ email, password }) => {
      await logIn(email.trim(), password);
      await navigate(link(next));
    }),
    h('p', {}, 'New here? ', h('a', { href: link('signup'), 'data-nav': 'signup' }, 'Create an account')),
  ];
}

export async function signupPage() {
  setTitle('Sign up');
  return [
    h('h1', {}, 'Create an account'),
    accountForm('signup-form', [
      field('Name', h('input', { name: 'name', type: 'text', autocomplete: 'name' })),
      field('Email', h('input', { name: 'email', type: 'email', autocomplete: 'email', required: true })),
      field('Password', h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: '8' }),
        'At least 8 characters.'),
    ], 'Sign up', async ({ name, email, password }) => {
      const body = { email: email.trim(), password };
      if (name.trim()) body.name = name.trim();
      await api.post('/api/auth/register', body);
      await logIn(body.email, password);
      await navigate(link('orders', { welcome: 1 }));
    }),
    h('p', {}, 'Already have an account? ', h('a', { href: link('login'), 'data-nav': 'login' }, 'Log in')),
  ];
}

export async function ordersPage(params) {
  setTitle('My orders');
  const c = customer();
  if (!c) {
    return [h('h1', {}, 'My orders'), h('p', {}, 'Please ', h('a', { href: link('login'), 'data-nav': 'login' }, 'log in'), ' to see your orders.')];
  }
  let list;
  try {
    list = await api.get('/api/orders', { page: 1, pageSize: 50 });
  } catch (err) {
    if (err.status !== 401) throw err;
    signOut();  // the token expired or was refused
    return navigate(link('login'), { replace: true }).then(() => []);
  }
  const logout = () => { signOut(); navigate(link('home')); };
  return [
    h('h1', {}, 'My orders'),
    params.get('welcome') && h('p', { class: 'notice', role: 'status' }, `Welcome! You are signed in as ${c.email}.`),
    h('p', {}, `Signed in as ${c.email}. `, h('button', { type: 'button', class: 'link', onclick: logout }, 'Log out')),
    list.items.length === 0
      ? h('p', { id: 'no-orders' }, 'You have no orders yet.')
      : h('table', { id: 'orders-table' },
        h('caption', { class: 'visually-hidden' }, 'Your orders, newest first'),
        h('thead', {}, h('tr', {}, ['Order', 'Date', 'Status', 'Items', 'Total'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, list.items.map((o) => h('tr', { 'data-order-id': o.orderId },
          h('td', {}, h('a', { href: link('order', { id: o.orderId }), 'data-nav': 'order' }, o.orderNumber)),
          h('td', {}, dateTime(o.createdAt)), h('td', {}, o.status), h('td', {}, String(o.itemCount)),
          h('td', {}, money(o.total)))))),
  ];
}
