// A player's training log on their page: per pack, the sessions logged, the success rate with its 95 % Wilson
// interval and the attempts it rests on (`GET /api/v1/rocket/training/progress`), and the form that logs a session
// (`POST /api/v1/rocket/training/sessions`), followed until it is published.
import { api, el, fmt, rateCell } from "./common.js";
import { keyField, postSigned, takeKey, until } from "./signed.js";

const BASE = "/api/v1/rocket";
const THIN_ATTEMPTS = 30;

/** Each pack's sessions and success rate with its interval. */
function progressTable(progress) {
  if (!progress.length) return el("p", { id: "training-progress" }, "No training session published for this player yet.");
  return el("table", { id: "training-progress" },
    el("caption", { class: "muted" }, "Success rate per pack over every logged session, with its 95 % Wilson interval and the attempts it rests on (thin below 30)."),
    el("thead", {}, el("tr", {}, ["Pack", "Sessions", "Success rate (95% interval)", "Mean improvement", "Last session"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, progress.map((p) => el("tr", { "data-pack": p.pack_code },
      el("td", { class: "text" }, p.pack_code), el("td", {}, fmt(p.sessions)),
      el("td", {}, rateCell(p.success_rate, p.success_ci_low, p.success_ci_high, p.attempts, p.attempts < THIN_ATTEMPTS)),
      el("td", {}, p.mean_improvement === null ? "—" : `${p.mean_improvement >= 0 ? "+" : ""}${fmt(p.mean_improvement * 100, 1)} pts`),
      el("td", {}, p.last_day)))));
}

const sessionsOf = (progress) => progress.reduce((sum, p) => sum + p.sessions, 0);

/** The local time now as a `datetime-local` value. */
const localNow = () => new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16);

/** The progress and the form logging a session for `player_id`; `suggested` pack codes fill its list (more come from
 * the catalogue as one types); `published()` is called once the session is published. */
export function trainingLog(player_id, progress, suggested, published) {
  const key = keyField("session-key");
  const status = el("p", { id: "session-status", class: "status", role: "status", "aria-live": "polite" });
  const send = el("button", { type: "submit", id: "session-send" }, "Log session");
  const list = el("datalist", { id: "pack-options" }, suggested.map((code) => el("option", { value: code })));
  const pack = el("input", { id: "session-pack", list: "pack-options", required: "", maxlength: 64, pattern: "[A-Za-z0-9\\-]+",
                             autocomplete: "off", value: suggested[0] || "" });
  let asked = 0;
  pack.addEventListener("input", async () => {
    const words = pack.value.trim(), turn = ++asked;
    if (words.length < 3) return;
    const found = await api(`${BASE}/training/packs`, { q: words, limit: 20 }).catch(() => null);
    if (found && turn === asked) list.replaceChildren(...found.data.map((p) => el("option", { value: p.code }, p.name)));
  });
  const number = (id, value, max) => el("input", { id, type: "number", min: 0, max, step: 1, required: "", value });
  const form = el("form", { class: "controls upload", id: "log-session", "aria-label": "Log a training session",
    onsubmit: async (event) => {
      event.preventDefault();
      takeKey(key);
      const value = (id) => form.querySelector(`#${id}`).value;
      const body = { player_id, pack_code: pack.value.trim(), started_at: new Date(value("session-start")).toISOString(),
                     duration_seconds: Math.round(Number(value("session-minutes")) * 60),
                     attempts: Number(value("session-attempts")), successes: Number(value("session-successes")) };
      if (body.successes > body.attempts) { status.textContent = "Not logged: more successes than attempts."; form.dataset.status = "refused"; return; }
      send.disabled = true;
      try {
        const before = sessionsOf(progress);
        await postSigned(`${BASE}/training/sessions`, body);
        form.dataset.status = "processing";
        status.textContent = "Logged: the progress above shows it once the pipeline publishes it.";
        await until(async () => sessionsOf((await api(`${BASE}/training/progress`, { player_id })).data) > before);
        form.dataset.status = "published";
        status.textContent = "Published.";
        published();
      } catch (error) {
        form.dataset.status = "refused";
        status.textContent = `Not logged: ${error.message}`;
      } finally {
        send.disabled = false;
        takeKey(key);
      }
    } },
    key, el("label", {}, "Pack code", pack), list,
    el("label", {}, "Started", el("input", { id: "session-start", type: "datetime-local", required: "", value: localNow() })),
    el("label", {}, "Minutes", number("session-minutes", 10, 1440)),
    el("label", {}, "Attempts", number("session-attempts", 20, 100000)),
    el("label", {}, "Successes", number("session-successes", 10, 100000)), send, status);
  return [el("div", { class: "scroll" }, progressTable(progress)), form];
}
