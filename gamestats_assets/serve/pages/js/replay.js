// A Rocket League replay's page: the match, then one table per stat group (as ballchasing groups them), a row per
// player with each stat's value and its percentile among same-rank players.
import { api, el, fmt, header, param, shown, showError } from "./common.js";

const $ = (id) => document.getElementById(id);

header("player.html");

async function start() {
  const id = param("id");
  if (!id) throw new Error("no replay given: open a replay from a player's page");
  const replay = (await api(`/api/v1/rocket/replays/${encodeURIComponent(id)}`)).data;
  $("title").textContent = `Replay ${replay.id}`;
  if (replay.status !== "processed") {
    $("summary").textContent = "Uploaded; its day has not run yet. Come back once it is processed.";
    shown();
    return;
  }
  $("summary").textContent = `${replay.played_at ? new Date(replay.played_at).toLocaleString() : ""} · ${replay.playlist || ""} · ${replay.map_code || ""} · ${replay.team_size}v${replay.team_size} · score ${replay.score_team_0}–${replay.score_team_1}`;
  const groups = [...new Set(replay.players.flatMap((p) => Object.keys(p.stats)))].sort();
  $("groups").replaceChildren(...groups.map((group) => {
    const stats = [...new Set(replay.players.flatMap((p) => Object.keys(p.stats[group] || {})))].sort();
    return el("section", { class: "card" }, el("h2", {}, group), el("div", { class: "scroll" }, el("table", {},
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Player"), stats.map((s) => el("th", { scope: "col" }, s.replaceAll("_", " "))))),
      el("tbody", {}, replay.players.map((p) => el("tr", {}, el("td", {}, el("a", { href: `player.html?player=${encodeURIComponent(p.player_id)}` }, p.player_id)),
        stats.map((s) => {
          const stat = p.stats[group]?.[s];
          return el("td", { title: stat?.null_reason || null }, stat ? `${fmt(stat.value, 1)}` : "—",
                    stat?.rank_percentile !== null && stat?.rank_percentile !== undefined ? el("span", { class: "muted", title: "percentile among same-rank players" }, ` (p${fmt(stat.rank_percentile)})`) : null);
        })))))));
  }));
  shown();
}

start().catch((error) => { showError(`Could not load the replay: ${error.message}`); shown(); });
