// The console at /console/: opening a store (#/signup), the store admin (#/admin/...) and the
// super admin (#/super/...). Routes live in the URL's fragment, so back and forward work.
import { h } from '/shared/dom.js';
import { render } from './context.js';
import { signupPage } from './signup.js';
import { adminPage } from './admin.js';
import { superPage } from './super.js';

function route() {
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query || '');
  const top = parts.shift() || 'signup';
  for (const a of document.querySelectorAll('.site-nav a[data-route]')) {
    if (a.dataset.route === top) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (top === 'signup') return signupPage();
  if (top === 'admin') return adminPage(parts, params);
  if (top === 'super') return superPage(parts, params);
  render('not-found', 'Page not found', h('p', {}, h('a', { href: '#/signup' }, 'Open a store')));
}

window.addEventListener('hashchange', () => {
  route();
  document.getElementById('main').focus({ preventScroll: true });
});
route();
