// Problem Details (RFC 9457) shown to people: an alert with the title and detail, and each
// message of `errors` next to the form field it names.
import { h, mount } from './dom.js';

/** An alert box for an ApiError (or any Error): title, detail, and the field messages that no field showed. */
export function problemBox(err, unplaced = {}) {
  const problem = err && err.problem ? err.problem : { title: 'Something went wrong', detail: err && err.message };
  const title = problem.title || 'Something went wrong';
  const detail = problem.detail && problem.detail !== title ? problem.detail : null;
  const rest = Object.entries(unplaced).flatMap(([field, msgs]) => (Array.isArray(msgs) ? msgs : [msgs]).map((m) => `${field}: ${m}`));
  return h('div', { class: 'problem', role: 'alert' },
    h('p', { class: 'problem-title' }, h('strong', {}, title)),
    detail && h('p', { class: 'problem-detail' }, detail),
    rest.length > 0 && h('ul', { class: 'problem-errors' }, rest.map((m) => h('li', {}, m))));
}

/** Removes the messages showFieldErrors put into form. */
export function clearFieldErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.replaceChildren();
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
}

/**
 * Puts each message of errors ({field: [messages]}) into the form's element
 * [data-error-for="field"] (matched case-insensitively, so "Email" finds "email"), marks the
 * control named field aria-invalid, and focuses the first one. Returns the errors no field showed.
 */
export function showFieldErrors(form, errors) {
  clearFieldErrors(form);
  const slots = new Map([...form.querySelectorAll('[data-error-for]')].map((el) => [el.dataset.errorFor.toLowerCase(), el]));
  const unplaced = {};
  let first = null;
  for (const [field, msgs] of Object.entries(errors || {})) {
    const list = Array.isArray(msgs) ? msgs : [String(msgs)];
    const slot = slots.get(field.toLowerCase());
    if (!slot) { unplaced[field] = list; continue; }
    mount(slot, list.join(' '));
    const control = form.querySelector(`[name="${slot.dataset.errorFor}"]`);
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      first = first || control;
    }
  }
  if (first) first.focus();
  return unplaced;
}

/** Shows err in the form: field messages next to their fields, the rest in the form's [data-problem] box. */
export function showFormProblem(form, err) {
  const unplaced = showFieldErrors(form, err && err.fieldErrors ? err.fieldErrors : {});
  const box = form.querySelector('[data-problem]');
  if (box) mount(box, problemBox(err, unplaced));
}

/** A labelled form field with its error slot: the label, the control and a message tied by aria-describedby. */
export function field(label, control, hint) {
  const name = control.getAttribute('name');
  const id = control.id || `f-${name}`;
  control.id = id;
  const errId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  control.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    hint && h('p', { class: 'hint', id: hintId }, hint),
    control,
    h('p', { class: 'field-error', id: errId, 'data-error-for': name, 'aria-live': 'polite' }));
}
