// Writing from a page as a signed-in player: the API key kept for the tab (the upload control's), asked for in a
// form where none is kept, a JSON body sent with it, and what was written followed until it is published.
import { detailText, el } from "./common.js";
import { hasSession, sessionHeaders } from "./sign_in.js";
import { keepKey, SIGNED, signedInKey } from "./upload.js";

const POLL_MS = 2000;

/** The key field of a form, `id` its input's: shown only while no key is kept for the tab and the browser is not
 * signed in, hidden as soon as one is kept by any form of the page. */
export function keyField(id) {
  const field = el("label", { class: "key-field" }, "Your player API key",
    el("input", { type: "password", id, autocomplete: "off", placeholder: "gsk_…", "aria-label": "Your API key" }));
  const draw = async () => { field.hidden = Boolean(signedInKey()) || await hasSession(); };
  window.addEventListener(SIGNED, draw);
  draw();
  return field;
}

/** Keeps the key typed into `field` (`keyField`) for the tab, empties it and hides it while one is kept. */
export function takeKey(field) {
  const input = field.querySelector("input");
  if (input.value.trim()) keepKey(input.value.trim());
  input.value = "";
  field.hidden = Boolean(signedInKey());
}

/** POSTs `body` as JSON to `path` with the kept key, else as the signed-in browser (its CSRF token); the answer's body, or an Error `status: detail` (a refused key
 * is forgotten). */
export async function postSigned(path, body) {
  if (!signedInKey() && !(await hasSession())) throw new Error("sign in first: with your platform, or enter your player API key");
  const response = await fetch(path, { method: "POST", body: JSON.stringify(body),
    headers: { ...(signedInKey() ? { Authorization: `Bearer ${signedInKey()}` } : await sessionHeaders()),
               "Content-Type": "application/json" } });
  const answer = await response.json().catch(() => ({}));
  if (response.status === 401) keepKey("");
  if (!response.ok) {
    throw new Error(detailText(response.status, answer.detail));
  }
  return answer;
}

/** Calls `published()` every `POLL_MS` until it answers true (what was written is published). */
export async function until(published) {
  while (!(await published().catch(() => false))) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}
