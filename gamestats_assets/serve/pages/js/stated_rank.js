// The rank a player states on their profile (`POST /api/v1/rocket/player/stated-rank`): raw replays carry no rank,
// so a player none of whose games gave one states theirs to be compared with players of that band. What they stated
// is always shown as stated, not verified, and whether it is used (only while no game of theirs gave a rank).
import { api, el } from "./common.js";
import { keyField, postSigned, takeKey, until } from "./signed.js";

const BASE = "/api/v1/rocket";
const METALS = ["Bronze", "Silver", "Gold", "Platinum", "Diamond", "Champion", "Grand Champion"];
/** Tiers 1–22 by name: Bronze I … Grand Champion III, Supersonic Legend. */
const TIERS = [...METALS.flatMap((metal, m) => ["I", "II", "III"].map((step, s) => [m * 3 + s + 1, `${metal} ${step}`])),
               [22, "Supersonic Legend"]];
const PLAYLISTS = [["ranked-doubles", "Ranked Doubles 2v2"], ["ranked-standard", "Ranked Standard 3v3"],
                   ["ranked-duels", "Ranked Duel 1v1"], ["ranked-solo-standard", "Ranked Solo Standard 3v3"],
                   ["ranked-hoops", "Ranked Hoops"], ["ranked-rumble", "Ranked Rumble"],
                   ["ranked-dropshot", "Ranked Dropshot"], ["ranked-snowday", "Ranked Snow Day"]];

const select = (id, label, values, selected) => el("label", {}, label, el("select", { id, name: id },
  values.map(([value, text]) => el("option", { value, selected: String(value) === String(selected) ? "" : null }, text))));

/** What the player stated, in words: the rank, its playlist, marked stated (not verified), and whether it is used. */
export function statedText(stated) {
  if (!stated) return "No rank stated. A raw replay carries no rank: state yours to be compared with players of your band.";
  const use = stated.used ? "used to compare the games that carry no rank, as none of this player's games gave one"
    : "not used: this player's games give their rank";
  return `Stated rank: ${stated.rank} in ${stated.playlist_name || stated.playlist} (stated, not verified; ${use}).`;
}

/** The stated rank and the form to state one for `player_id`; `published()` is called once the statement is
 * published. */
export function statedRank(player_id, stated, published) {
  const key = keyField("stated-key");
  const status = el("p", { id: "stated-status", class: "status", role: "status", "aria-live": "polite" });
  const send = el("button", { type: "submit", id: "stated-send" }, "State my rank");
  const form = el("form", { class: "controls upload", id: "state-rank", "aria-label": "State your rank",
    onsubmit: async (event) => {
      event.preventDefault();
      takeKey(key);
      const body = { player_id, playlist: form.querySelector("#stated-playlist").value,
                     rank_tier: Number(form.querySelector("#stated-tier").value),
                     rank_division: Number(form.querySelector("#stated-division").value) };
      send.disabled = true;
      try {
        const answer = await postSigned(`${BASE}/player/stated-rank`, body);
        form.dataset.status = "processing";
        status.textContent = "Saved: it is shown here once the pipeline publishes it.";
        await until(async () => (await api(`${BASE}/player`, { player_id })).data.stated?.statement_id === answer.statement_id);
        form.dataset.status = "published";
        status.textContent = "Published.";
        published();
      } catch (error) {
        form.dataset.status = "refused";
        status.textContent = `Not saved: ${error.message}`;
      } finally {
        send.disabled = false;
        takeKey(key);
      }
    } },
    key, select("stated-playlist", "Playlist", PLAYLISTS, stated?.playlist || "ranked-doubles"),
    select("stated-tier", "Tier", TIERS, stated?.rank_tier || 7),
    select("stated-division", "Division", [1, 2, 3, 4].map((d) => [d, `Division ${d}`]), stated?.rank_division || 1),
    send, status);
  return [el("p", { id: "stated-now" }, statedText(stated)), form];
}
