// Uploading a raw Rocket League replay from a page: the player's API key entered once and kept for the tab
// (sessionStorage), the file sent to `POST /api/v1/rocket/replays/upload`, then its progress read from
// `GET /api/v1/rocket/replays/{id}` (queued until its day runs, then served or failed with the reason; queued
// while the pipeline does not run says so, from `GET /api/v1/health`) and a link to its analysis.
import { detailText, el } from "./common.js";
import { hasSession, sessionHeaders } from "./sign_in.js";

/** Where the player's API key is kept for the tab. */
export const KEY = "gamestats.apiKey";
const UPLOAD = "/api/v1/rocket/replays/upload";
const POLL_MS = 2000;

/** The key kept for this tab, "" when none. */
export const signedInKey = () => sessionStorage.getItem(KEY) || "";

/** The event every key field of the page follows (`window`), sent when the key kept changes. */
export const SIGNED = "gamestats-signed";

/** Keeps `key` for the tab ("" forgets it) and tells every key field of the page (`SIGNED`). */
export function keepKey(key) {
  if (key) sessionStorage.setItem(KEY, key); else sessionStorage.removeItem(KEY);
  window.dispatchEvent(new Event(SIGNED));
}

/** A replay's status as the API answers it (`processing`, `processed`, `refused` by its parse after the upload,
 * `failed` in its run), in the page's words; a queued
 * one says when the pipeline is not running (`running` false). */
export function statusText(replay, running = true) {
  if (replay.status === "processed") return "Served: its analysis is ready.";
  if (replay.status === "failed") return `Failed: ${replay.reason}`;
  if (replay.status === "refused") return `Refused: ${replay.reason}`;
  if (!running) return "Saved, but the pipeline is not running at the moment: your replay is kept and is analysed once it runs again.";
  return "Queued: landed, waiting for its day's run to parse and publish it.";
}

/** Whether the pipeline runs (`GET /api/v1/health`); true when the answer cannot be read. */
async function pipelineRunning() {
  const response = await fetch("/api/v1/health").catch(() => null);
  const body = response?.ok ? await response.json().catch(() => null) : null;
  return body?.pipeline?.running ?? true;
}

/** `id`'s status, asked every `POLL_MS` until it is served or failed; `report(replay, running)` is told each answer
 * and whether the pipeline runs. */
export async function follow(id, report) {
  for (;;) {
    const response = await fetch(`/api/v1/rocket/replays/${encodeURIComponent(id)}`);
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(detailText(response.status, body.detail));
    report(body.data, body.data.status === "processing" ? await pipelineRunning() : true);
    if (body.data.status !== "processing") return body.data;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The upload control: sign in with a player's API key, pick a `.replay`, send it, follow it. */
export function uploadForm() {
  const keyInput = el("input", { type: "password", id: "upload-key", autocomplete: "off", placeholder: "gsk_…",
                                 "aria-label": "Your API key" });
  const file = el("input", { type: "file", id: "upload-file", accept: ".replay", "aria-label": "A .replay file" });
  const send = el("button", { type: "submit", id: "upload-send" }, "Upload");
  const status = el("p", { id: "upload-status", class: "status", role: "status", "aria-live": "polite" });
  const link = el("p", { id: "upload-link" });
  const who = el("p", { id: "upload-who", class: "muted" });
  const signOut = el("button", { type: "button", id: "upload-signout" }, "Sign out");
  const signIn = el("label", { id: "upload-signin" }, "Your player API key", keyInput);

  const drawSignedIn = async () => {
    const signed = Boolean(signedInKey());
    const session = !signed && await hasSession();
    signIn.hidden = signed || session;
    signOut.hidden = !signed;
    who.textContent = signed ? "Signed in for this tab (the key is kept until the tab closes)."
      : session ? "Signed in with your platform account."
      : "Sign in with Steam or Epic Games above, or with the API key of your player account.";
  };

  const form = el("form", { class: "controls upload", id: "upload", "aria-label": "Upload a raw replay", onsubmit: async (event) => {
    event.preventDefault();
    if (keyInput.value.trim()) keepKey(keyInput.value.trim());
    keyInput.value = "";
    drawSignedIn();
    link.replaceChildren();
    if (!signedInKey() && !(await hasSession())) { status.textContent = "Sign in first: with your platform, or enter your player API key."; return; }
    if (!file.files.length) { status.textContent = "Pick a .replay file first."; return; }
    send.disabled = true;
    status.textContent = `Uploading ${file.files[0].name}…`;
    try {
      const response = await fetch(UPLOAD, { method: "POST", body: file.files[0],
        headers: { ...(signedInKey() ? { Authorization: `Bearer ${signedInKey()}` } : await sessionHeaders()),
                   "Content-Type": "application/octet-stream" } });
      const body = await response.json().catch(() => ({}));
      if (response.status === 401) keepKey("");
      if (!response.ok) throw new Error(detailText(response.status, body.detail));
      link.replaceChildren(el("a", { href: `replay.html?id=${encodeURIComponent(body.id)}`, id: "upload-analysis" }, "Follow it to its analysis"));
      const done = await follow(body.id, (replay, running) => {
        status.textContent = statusText(replay, running);
        form.dataset.status = replay.status;
        form.dataset.pipeline = running ? "running" : "stopped";
      });
      if (done.status === "processed") link.firstChild.textContent = "Open its analysis";
    } catch (error) {
      status.textContent = `Not uploaded: ${error.message}`;
      form.dataset.status = "refused";
    } finally {
      send.disabled = false;
      drawSignedIn();
    }
  } }, signIn, el("label", {}, "Raw replay (.replay)", file), send, signOut, who, status, link);
  signOut.addEventListener("click", () => keepKey(""));
  window.addEventListener(SIGNED, drawSignedIn);
  drawSignedIn();
  return form;
}
