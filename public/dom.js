// Small DOM helpers: elements by id, form values, the two live regions.

import { ApiError } from './api.js';

export const byId = (id) => document.getElementById(id);

const statusRegion = () => byId('status');
const errorRegion = () => byId('error');

/** A status line (role=status: read out politely). */
export function say(text) {
  errorRegion().textContent = '';
  statusRegion().textContent = text;
}

/** An error line (role=alert: read out at once): the API's own message. */
export function fail(error) {
  statusRegion().textContent = '';
  errorRegion().textContent =
    error instanceof Error ? error.message : String(error);
  // Neither an answer of the API nor a refusal the page explains (a
  // Notice): a defect of the page, for the console too.
  if (!(error instanceof ApiError) && error?.name !== 'Notice')
    console.error(error);
}

export function clearMessages() {
  statusRegion().textContent = '';
  errorRegion().textContent = '';
}

/** The form's fields as {name: trimmed string} (passwords untrimmed). */
export function valuesOf(form) {
  const values = {};
  for (const element of form.elements) {
    if (!element.name) continue;
    values[element.name] =
      element.type === 'password' ? element.value : element.value.trim();
  }
  return values;
}

/**
 * Runs `action` for a user's action on `owner` (a form's submit, a button's
 * click): its buttons are disabled meanwhile, and an error is shown in the
 * alert region.
 */
export async function busy(owner, action) {
  const buttons =
    owner instanceof HTMLFormElement
      ? [...owner.querySelectorAll('button')]
      : [owner];
  for (const button of buttons) button.disabled = true;
  try {
    await action();
  } catch (error) {
    fail(error);
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

/** On submit: no page load, the handler gets the form's values. */
export function onSubmit(form, handler) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(form, () => handler(valuesOf(form)));
  });
}

export function onClick(button, handler) {
  button.addEventListener('click', () => void busy(button, handler));
}

export function show(element, visible = true) {
  element.hidden = !visible;
}
