// Small DOM helpers shared by the storefront and the console. Text always goes in as text nodes:
// nothing from the API is ever parsed as HTML.

/**
 * h('a', {href: '/x', class: 'btn'}, 'text', child) → an element. Attributes: `class`, `text`,
 * `on<event>` functions, booleans (true → present, false/null/undefined → absent), strings.
 * Children: nodes, strings, numbers, arrays of those; null/false are skipped.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'value') el.value = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of el. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const moneyFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** 254.99 → "$254.99". */
export function money(n) {
  return moneyFormat.format(Number(n) || 0);
}

/** "2024-12-01T15:30:00Z" → a short local date and time. */
export function dateTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

/** A placeholder picture (an SVG data URL) for a product whose image cannot be loaded. */
export function placeholderImage(label) {
  const text = String(label || '?').trim();
  let hash = 0;
  for (const ch of text) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  const hue = hash % 360;
  const initials = text.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => [...w][0]).join('').toUpperCase()
    .replace(/[<>&"']/g, '');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300">` +
    `<rect width="400" height="300" fill="hsl(${hue},45%,88%)"/>` +
    `<text x="200" y="170" font-family="sans-serif" font-size="72" text-anchor="middle" fill="hsl(${hue},45%,28%)">${initials}</text></svg>`;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** An <img> that falls back to the placeholder when its source fails (or is missing). */
export function productImage(src, alt, attrs = {}) {
  const img = h('img', { alt, loading: 'lazy', decoding: 'async', ...attrs });
  const fallback = placeholderImage(alt);
  img.addEventListener('error', () => { if (img.src !== fallback) img.src = fallback; }, { once: true });
  img.src = src || fallback;
  return img;
}
