// Signing in as a Rocket League player from a page: "Sign in with Steam" / "Sign in with Epic Games" for the
// platforms this server offers (`GET /api/v1/auth/me`), then who is signed in, a link to add the other platform to
// the account, and "Sign out" (`POST /api/v1/auth/logout`, revoked on the server). The session is an HttpOnly
// cookie the page never sees; its writes carry the CSRF token `me` tells (`sessionHeaders`).
import { detailText, el } from "./common.js";

const ME = "/api/v1/auth/me";
const LOGOUT = "/api/v1/auth/logout";
let current = null;

/** Who is signed in (`GET /api/v1/auth/me`), asked again when `fresh`. */
export async function signedIn(fresh = false) {
  if (!current || fresh) {
    const response = await fetch(ME, { credentials: "same-origin" });
    current = response.ok ? await response.json() : { signed_in: false, providers: [], player_ids: [] };
  }
  return current;
}

/** The headers a write by the signed-in browser carries (its CSRF token); none without a session. */
export async function sessionHeaders() {
  const who = await signedIn();
  return who.via === "session" ? { "X-CSRF-Token": who.csrf_token } : {};
}

/** True when this browser is signed in by a session (not by an API key kept for the tab). */
export async function hasSession() {
  return (await signedIn()).via === "session";
}

const here = () => `${location.pathname}${location.search}`;
const loginLink = (provider, text) => el("a", {
  class: "button sign-in", id: `sign-in-${provider.id}`,
  href: `${provider.login}?next=${encodeURIComponent(here())}` }, text);

/** Why the sign-in the browser just came back from was refused (the callback's `sign_in_error`), taken off the
 * address so that a reload does not say it again; "" when none. */
function refusal() {
  const url = new URL(location.href);
  const said = url.searchParams.get("sign_in_error") || "";
  if (said) {
    url.searchParams.delete("sign_in_error");
    history.replaceState(null, "", url);
  }
  return said;
}

/** The sign-in bar: the offered platforms' buttons, or who is signed in with "Sign out"; a refused sign-in says
 * why. */
export async function signInBar() {
  const bar = el("div", { class: "sign-in-bar", id: "sign-in-bar", role: "region", "aria-label": "Sign in" });
  let refused = refusal();
  const sayRefusal = () => {
    if (refused) bar.prepend(el("p", { class: "status", id: "sign-in-error", role: "alert" }, refused));
    refused = "";
  };
  const draw = async () => {
    const who = await signedIn(true);
    if (who.via === "session") {
      const linked = new Set(who.player_ids.map((id) => id.split(":")[0]));
      const out = el("button", { type: "button", id: "sign-out" }, "Sign out");
      out.addEventListener("click", async () => {
        const response = await fetch(LOGOUT, { method: "POST", credentials: "same-origin",
                                               headers: await sessionHeaders() });
        if (!response.ok) {
          const body = await response.json().catch(() => ({}));
          bar.append(el("p", { class: "status" }, detailText(response.status, body.detail)));
          return;
        }
        await draw();
      });
      bar.replaceChildren(
        el("span", { id: "signed-in-as" }, `Signed in as ${who.name} (${who.player_ids.join(", ")})`),
        ...who.providers.filter((p) => !linked.has(p.id)).map((p) => loginLink(p, `Link ${p.name}`)), out);
      sayRefusal();
      bar.dataset.state = "signed-in";
    } else if (who.providers.length) {
      bar.replaceChildren(...who.providers.map((p) => loginLink(p, `Sign in with ${p.name}`)));
      sayRefusal();
      bar.dataset.state = "signed-out";
    } else {
      bar.replaceChildren();
      bar.dataset.state = "none-offered";
    }
  };
  await draw();
  return bar;
}

const slot = document.getElementById("sign-in");
if (slot) signInBar().then((bar) => slot.replaceChildren(bar));
