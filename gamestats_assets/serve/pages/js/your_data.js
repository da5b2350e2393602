// A player's own data from the Rocket League pages (`/api/v1/users/*`), once signed in (a session or an API key
// kept for the tab): at first use a dialog saying what is stored, why and for how long, to consent; their profile;
// a link to download everything held about them; withdrawing consent and deleting the account, each confirmed.
import { detailText, el } from "./common.js";
import { hasSession, sessionHeaders } from "./sign_in.js";
import { SIGNED, signedInKey } from "./upload.js";

const USERS = "/api/v1/users";

/** `method` on `path` as the signed-in player (JSON `body` when given): the answer, or an Error `status: detail`. */
async function asPlayer(method, path, body, raw = false) {
  const headers = signedInKey() ? { Authorization: `Bearer ${signedInKey()}` } : await sessionHeaders();
  const response = await fetch(path, { method, credentials: "same-origin",
    headers: body === undefined ? headers : { ...headers, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) {
    const answer = await response.json().catch(() => ({}));
    throw new Error(detailText(response.status, answer.detail));
  }
  return raw ? response : response.json();
}

/** The consent dialog: the text asked (`text`), with "I consent" and "Not now"; `done` is called once consented. */
function consentDialog(text, done) {
  const status = el("p", { class: "status", role: "status" });
  const dialog = el("dialog", { id: "consent-dialog", "aria-labelledby": "consent-title" },
    el("h2", { id: "consent-title" }, "Before anything of yours is stored"),
    el("p", {}, "We store:"), el("ul", {}, text.stored.map((item) => el("li", {}, item))),
    el("p", {}, `Why: ${text.why}`),
    el("p", {}, "For how long:"),
    el("ul", {}, el("li", {}, `Raw files: ${text.retention.raw_files}`),
       el("li", {}, `Computed figures: ${text.retention.computed_figures}`),
       el("li", {}, `Account and profile: ${text.retention.account_and_profile}`)),
    el("p", { class: "muted" }, text.your_rights),
    el("p", { class: "muted" }, `Text version ${text.version}`), status,
    el("button", { type: "button", id: "consent-give", onclick: async () => {
      try {
        await asPlayer("POST", `${USERS}/consent`, { text_version: text.version });
        dialog.close();
        done();
      } catch (error) { status.textContent = error.message; }
    } }, "I consent"),
    el("button", { type: "button", id: "consent-later", onclick: () => dialog.close() }, "Not now"));
  return dialog;
}

/** The profile form: display name, email and own ballchasing.com key (left empty: kept as it is). */
function profileForm(profile, status) {
  const input = (name, label, attributes) => el("label", {}, label, el("input", { name, ...attributes }));
  const form = el("form", { id: "profile-form", class: "controls", "aria-label": "Your profile" },
    input("display_name", "Display name", { value: profile.display_name || "", maxlength: 64 }),
    input("email", "Email (kept encrypted)", { type: "email", value: profile.email || "" }),
    input("ballchasing_key", `ballchasing.com key${profile.ballchasing_key_set ? " (one is kept)" : ""}`,
          { type: "password", autocomplete: "off", placeholder: profile.ballchasing_key_set ? "kept" : "" }),
    el("p", { class: "muted" }, `Platform ids: ${profile.platform_ids.join(", ")}`),
    el("button", { type: "submit", id: "profile-save" }, "Save profile"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const given = Object.fromEntries([...new FormData(form)].filter(([, value]) => value.trim()));
    try {
      await asPlayer("PUT", `${USERS}/profile`, given);
      status.textContent = "Profile saved.";
    } catch (error) { status.textContent = error.message; }
  });
  return form;
}

/** A button that asks for the account's name before `method` on `path` (the account's deletion, or consent
 * withdrawn), then says what was done. */
function confirmed(id, label, question, account, method, path, status, after) {
  const typed = el("input", { id: `${id}-name`, "aria-label": "Your account's name", autocomplete: "off" });
  const dialog = el("dialog", { id: `${id}-dialog` }, el("p", {}, question),
    el("label", {}, `Type ${account} to confirm`, typed),
    el("button", { type: "button", id: `${id}-confirm`, onclick: async () => {
      if (typed.value !== account) { status.textContent = "The name typed is not the account's: nothing deleted."; return; }
      try {
        await asPlayer(method, path, method === "DELETE" && path.endsWith("account") ? { confirm: typed.value } : undefined);
        dialog.close();
        after();
      } catch (error) { status.textContent = error.message; }
    } }, label),
    el("button", { type: "button", onclick: () => dialog.close() }, "Cancel"));
  return [el("button", { type: "button", id, onclick: () => dialog.showModal() }, label), dialog];
}

/** A link downloading the zip of everything held about the player (`/users/export/archive`). */
function exportLink(status) {
  return el("a", { href: `${USERS}/export/archive`, id: "export-link", onclick: async (event) => {
    event.preventDefault();
    try {
      const blob = await (await asPlayer("GET", `${USERS}/export/archive`, undefined, true)).blob();
      const link = el("a", { href: URL.createObjectURL(blob), download: "your-data.zip" });
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (error) { status.textContent = error.message; }
  } }, "Download all your data (zip)");
}

/** The "Your data" panel, drawn again when the player signs in or out. */
export async function yourData(slot) {
  if (!signedInKey() && !(await hasSession())) { slot.replaceChildren(); return; }
  const status = el("p", { class: "status", id: "your-data-status", role: "status" });
  let consent;
  try {
    consent = await asPlayer("GET", `${USERS}/consent`);
  } catch (error) { slot.replaceChildren(el("p", { class: "status" }, error.message)); return; }
  const redraw = () => yourData(slot);
  const gone = (text) => () => { slot.replaceChildren(el("p", { class: "status", id: "your-data-status" }, text)); };
  const parts = [el("h2", {}, "Your data"), status];
  if (consent.consent) {
    parts.push(profileForm(await asPlayer("GET", `${USERS}/profile`), status), el("div", { class: "controls" },
      exportLink(status),
      ...confirmed("consent-withdraw", "Withdraw consent", "Withdrawing your consent deletes your data everywhere.",
                   consent.account, "DELETE", `${USERS}/consent`, status, gone("Consent withdrawn: your data is deleted.")),
      ...confirmed("account-delete", "Delete my account", "Deleting your account deletes it and all your data.",
                   consent.account, "DELETE", `${USERS}/account`, status, gone("Your account and data are deleted."))));
    slot.replaceChildren(el("section", { class: "card", id: "your-data-panel" }, parts));
  } else {
    const dialog = consentDialog(consent.text, redraw);
    parts.push(el("p", {}, "Nothing of yours is stored until you consent."),
               el("button", { type: "button", id: "consent-open", onclick: () => dialog.showModal() }, "Read and consent"),
               dialog);
    slot.replaceChildren(el("section", { class: "card", id: "your-data-panel" }, parts));
    dialog.showModal();
  }
}

const slot = document.getElementById("your-data");
if (slot) {
  yourData(slot);
  window.addEventListener(SIGNED, () => yourData(slot));
}
