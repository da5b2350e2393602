// The PUBG player page's search: a player found by a part of their in-game name among every season's standings
// (`/api/v1/tournaments/leaderboard/players`, every division and round), read once when first asked; one match
// opens their page, several are listed as links with their season and team, none says so.
import { api, el } from "./common.js";

const PAGE = 100;
let everyone = null;

/** Every player of every season's standings: {player_id, player_name, team_name, season_id}, one per season. */
async function standings() {
  const seasons = (await api("/api/v1/tournaments/seasons")).data.seasons;
  const found = [];
  for (const { season_id } of seasons) {
    for (let offset = 0; ; offset += PAGE) {
      const page = (await api("/api/v1/tournaments/leaderboard/players", { season_id, limit: PAGE, offset })).data;
      found.push(...page.players.map((p) => ({ ...p, season_id })));
      if (!page.players.length || found.filter((p) => p.season_id === season_id).length >= page.total_count) break;
    }
  }
  return found;
}

/** The players whose name holds `text` (any case), each once, by name. */
async function matching(text) {
  everyone ||= await standings();
  const wanted = text.trim().toLowerCase();
  const byId = new Map();
  for (const p of everyone) {
    if ((p.player_name || "").toLowerCase().includes(wanted) || p.player_id.toLowerCase() === wanted) {
      if (!byId.has(p.player_id)) byId.set(p.player_id, []);
      byId.get(p.player_id).push(p);
    }
  }
  return [...byId.values()].sort((a, b) => a[0].player_name.localeCompare(b[0].player_name));
}

const href = (id) => `pubg_player.html?id=${encodeURIComponent(id)}`;

/** Wires the form `#find`: its answer goes to `#find-results`. */
export function playerSearch() {
  const results = document.getElementById("find-results");
  document.getElementById("find").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = document.getElementById("find-name").value;
    if (!text.trim()) return;
    results.replaceChildren(el("li", { class: "muted" }, "Searching…"));
    try {
      const found = await matching(text);
      if (found.length === 1) {
        location.assign(href(found[0][0].player_id));
        return;
      }
      results.replaceChildren(...(found.length ? found.map((seasons) => el("li", {},
        el("a", { href: href(seasons[0].player_id) }, seasons[0].player_name),
        el("span", { class: "muted" }, ` · ${seasons.map((s) => `${s.team_name || "no team"}, ${s.season_id}`).join("; ")}`)))
        : [el("li", { class: "muted" }, `No player of the standings is named like “${text.trim()}”.`)]));
    } catch (error) {
      results.replaceChildren(el("li", { class: "down" }, `Could not search: ${error.message}`));
    }
  });
}
