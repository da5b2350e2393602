// The ranked tier a League page's numbers are for: the selector of the slices the API lists (`tiers`), labelled
// as the sites label them, `all` (value "") the default, the choice read from and kept in the address (`?tier=`).
import { api, options, param } from "./common.js";

const NAMES = { all: "All ranks", iron: "Iron", bronze: "Bronze", silver: "Silver", gold: "Gold", platinum: "Platinum",
                emerald: "Emerald", diamond: "Diamond", master: "Master", grandmaster: "Grandmaster",
                challenger: "Challenger", platinum_plus: "Platinum+", emerald_plus: "Emerald+", diamond_plus: "Diamond+",
                master_plus: "Master+" };

const QUEUES = { ranked_solo: "Ranked Solo/Duo", ranked_flex: "Ranked Flex", normal: "Normal (draft, blind, quickplay)",
                 swiftplay: "Swiftplay", aram: "ARAM", clash: "Clash", other: "Other queues" };

/** What a queue is called on the page, as Riot's client names it (the API's code for a queue not listed). */
export const queueName = (queue) => QUEUES[queue] || queue;

/** What a slice is called on the page ("" and `all`: "All ranks"). */
export const tierName = (tier) => NAMES[tier || "all"] || tier;

/** Fills `select` with `tiers` (slices as the API names them), `chosen` selected if listed, else all ranks. */
export function fillTiers(select, tiers, chosen) {
  options(select, tiers.map((tier) => [tier === "all" ? "" : tier, tierName(tier)]), chosen === "all" ? "" : chosen);
}

/** The selector before the API answers: the address's tier alone, so the first request asks for it. */
export function tierFromAddress(select) {
  const asked = param("tier") || "";
  fillTiers(select, [asked || "all"], asked);
}

/** Fills `select` with the slices `champion` has games of in the queue and patch (its `tiers`), keeping its choice
 * where it is one of them. */
export async function loadTiers(select, champion, queue, patch) {
  const { tiers } = (await api(`/api/v1/lol/champions/${encodeURIComponent(champion)}/tiers`, { queue, patch })).data;
  fillTiers(select, tiers.length ? tiers : ["all"], select.value);
}

/** The sentence saying which games the numbers count. */
export const tierNote = (tier) => !tier || tier === "all"
  ? "All ranks: every game, ranked players or not."
  : `${tierName(tier)} games only: a game's tier is the median of its ranked players' tiers (solo; flex for flex games).`;
