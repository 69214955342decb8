// Opening a store: init (name, address, plan, admin email) → confirm → the three provisioning
// steps drawn live (GET /provision/tenants/{id}/status, polled) until Ready → the admin sets a
// password (activate-account with the token init gave) → signed in, on to the store admin.
import { h, mount } from '/shared/dom.js';
import { field, problemBox, showFormProblem, clearFieldErrors } from '/shared/problem.js';
import { anonApi, busy, input, render, setAdminSession } from './context.js';

const STEP_NAMES = {
  CreateDatabase: 'Create the database',
  ApplyMigrations: 'Create the tables',
  SeedData: 'Add the starter catalog and the admin account',
};

// The sign-up in progress lives in sessionStorage so a reload resumes the progress page.
const KEY = 'ecom.console.signup';
function saved() { try { return JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch { return null; } }
function save(v) { try { if (v) sessionStorage.setItem(KEY, JSON.stringify(v)); else sessionStorage.removeItem(KEY); } catch { /* */ } }

export function signupPage() {
  const s = saved();
  if (s && s.confirmed) return progressPage(s);
  if (s && s.confirmToken) return confirmPage(s);
  return initPage();
}

function initPage() {
  const plan = h('select', { name: 'plan', id: 'f-plan' },
    h('option', { value: 'Basic' }, 'Basic'), h('option', { value: 'Premium', selected: true }, 'Premium'),
    h('option', { value: 'Enterprise' }, 'Enterprise'));
  const form = h('form', { class: 'narrow', novalidate: true },
    field('Store name', input('name', { required: true, maxlength: 200, autocomplete: 'organization' })),
    field('Store address (slug)', input('slug', { required: true, pattern: '[a-z0-9]+(-[a-z0-9]+)*', autocapitalize: 'none', spellcheck: 'false' }),
      'Lowercase letters, digits and dashes, 3 to 63 characters; your shop will be at /?store=address.'),
    field('Plan', plan),
    field('Admin email', input('adminEmail', { type: 'email', required: true, autocomplete: 'email' }),
      'The store admin account; you set its password once the store is ready.'),
    h('div', { 'data-problem': true }),
    h('button', { type: 'submit', id: 'signup-submit' }, 'Continue'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(new FormData(form));
    clearFieldErrors(form);
    busy();
    try {
      const { data } = await anonApi.post('/provision/tenants/init', body);
      const s = { ...data, slug: body.slug, name: body.name, adminEmail: body.adminEmail };
      save(s);
      confirmPage(s);
    } catch (err) {
      busy(false);
      showFormProblem(form, err);
    }
  });
  render('signup', 'Open a new store',
    h('p', {}, 'Three steps: tell us about the store, confirm, and watch it being built.'), form);
}

function confirmPage(s) {
  const box = h('div', { 'data-problem': true });
  const button = h('button', { type: 'button', id: 'signup-confirm' }, 'Confirm and build the store');
  button.addEventListener('click', async () => {
    button.disabled = true;
    busy();
    try {
      await anonApi.post('/provision/tenants/confirm', undefined, { Authorization: `Bearer ${s.confirmToken}` });
      const next = { ...s, confirmed: true };
      save(next);
      progressPage(next);
    } catch (err) {
      busy(false);
      button.disabled = false;
      mount(box, problemBox(err));
    }
  });
  const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => { save(null); initPage(); } }, 'Start over');
  render('signup-confirm', 'Confirm the new store',
    h('dl', { class: 'kv' }, h('dt', {}, 'Name'), h('dd', {}, s.name), h('dt', {}, 'Address'), h('dd', {}, s.slug),
      h('dt', {}, 'Admin'), h('dd', {}, s.adminEmail)),
    h('p', {}, 'The confirmation is valid for 15 minutes.'), box, h('div', { class: 'actions' }, button, cancel));
  button.focus();
}

function stepList(steps) {
  return h('ol', { class: 'steps', id: 'steps' }, steps.map((st) =>
    h('li', { 'data-step': st.step, 'data-status': st.status },
      h('span', { class: 'state' }, st.status === 'InProgress' ? 'In progress' : st.status),
      h('span', {}, STEP_NAMES[st.step] || st.step),
      st.errorMessage && h('span', { class: 'problem-detail' }, st.errorMessage),
      st.log && h('span', { class: 'muted' }, st.log))));
}

function progressPage(s) {
  const status = h('p', { id: 'provision-status', role: 'status', 'aria-live': 'polite' }, 'Waiting for the builder…');
  const steps = h('div', {}, stepList(['CreateDatabase', 'ApplyMigrations', 'SeedData'].map((step) => ({ step, status: 'Pending' }))));
  const after = h('div');
  render('signup-progress', `Building ${s.name}`, status, steps, after);
  const started = Date.now();
  const poll = async () => {
    if (document.getElementById('provision-status') !== status) return; // another page is shown
    let data;
    try {
      data = await anonApi.get(`/provision/tenants/${encodeURIComponent(s.provisioningId)}/status`);
    } catch (err) {
      mount(after, problemBox(err));
      setTimeout(poll, 2000);
      return;
    }
    mount(steps, stepList(data.steps || []));
    const done = (data.steps || []).filter((x) => x.status === 'Success').length;
    if (data.status === 'Ready') {
      mount(status, h('strong', {}, 'Ready'), ` — ${s.name} is open at `, h('a', { href: `/?store=${encodeURIComponent(s.slug)}` }, `/?store=${s.slug}`));
      document.getElementById('main').dataset.status = 'Ready';
      activateForm(s, after);
      return;
    }
    if (data.status === 'Failed') {
      mount(status, h('strong', {}, 'Failed'), ' — the store could not be built. A platform operator can repair it from the super admin page.');
      document.getElementById('main').dataset.status = 'Failed';
      return;
    }
    mount(status, `${data.status === 'Seeding' ? 'Building' : 'Queued'}: ${done} of 3 steps done…`);
    setTimeout(poll, Date.now() - started < 30000 ? 500 : 2000);
  };
  poll();
}

function activateForm(s, into) {
  if (!s.adminActivationToken) {
    mount(into, h('p', {}, 'The store has no admin account yet: ask the operator for an activation token (ecom-provision admin create).'));
    return;
  }
  const form = h('form', { class: 'narrow', novalidate: true, id: 'activate-form' },
    h('h2', {}, 'Set the admin password'),
    h('p', {}, `For ${s.adminEmail}.`),
    field('Password', input('password', { type: 'password', required: true, minlength: 8, autocomplete: 'new-password' }), 'At least 8 characters.'),
    field('Repeat the password', input('confirmPassword', { type: 'password', required: true, autocomplete: 'new-password' })),
    h('div', { 'data-problem': true }),
    h('button', { type: 'submit', id: 'activate-submit' }, 'Activate and sign in'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const { password, confirmPassword } = Object.fromEntries(new FormData(form));
    const tenant = { 'X-Tenant-Slug': s.slug };
    busy();
    try {
      await anonApi.post('/api/auth/activate-account', { token: s.adminActivationToken, password, confirmPassword }, tenant);
      const { data } = await anonApi.post('/api/auth/login', { email: s.adminEmail, password }, tenant);
      setAdminSession({ slug: s.slug, email: s.adminEmail, token: data.accessToken, expiresAt: Date.now() + (Number(data.expiresIn) || 3600) * 1000 });
      save(null);
      location.hash = '#/admin/products';
    } catch (err) {
      busy(false);
      showFormProblem(form, err);
    }
  });
  mount(into, form);
  form.querySelector('input').focus();
}

/** Forgets a sign-up in progress (the "Open a store" link starts afresh once it is done). */
export function resetSignup() { save(null); }
