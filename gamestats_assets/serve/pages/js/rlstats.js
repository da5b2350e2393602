// How the Rocket League pages name and print a stat: groups as ballchasing groups them (the design's positional
// features inside positioning), a stat without its group's prefix, shares and rates as percentages.
import { fmt } from "./common.js";

const GROUPS = { core: "Core", boost: "Boost", movement: "Movement", positioning: "Positioning", positional: "Positioning",
                 mechanical: "Mechanical", game_sense: "Game sense", demo: "Demolitions" };
const ORDER = ["Core", "Boost", "Movement", "Positioning", "Mechanical", "Game sense", "Demolitions"];

/** The group a stat category is shown in (`positional` and `positioning` are one). */
export const groupOf = (category) => GROUPS[category] || category.replaceAll("_", " ");

/** Groups in the pages' order, those not listed after, alphabetically. */
export const groupOrder = (a, b) => ((ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99)) || a.localeCompare(b);

/** A stat's name without its group's prefix, in words: `boost_amount_collected` → `amount collected`. */
export function statLabel(stat) {
  const prefix = Object.keys(GROUPS).find((group) => stat.startsWith(`${group}_`));
  return (prefix ? stat.slice(prefix.length + 1) : stat).replaceAll("_", " ");
}

/** Whether a stat is a fraction of one (a share or a rate: 0.4 is 40 %). */
const isFraction = (stat) => /(_share|_rate|^shot_accuracy)$/.test(stat);
/** Whether a stat is already a percentage (ballchasing's `percent_*`). */
const isPercent = (stat) => /(^|_)percent_/.test(stat);

/** A stat's value as text: shares and rates as percentages, percentages with their sign, others as numbers. */
export function statValue(stat, value) {
  if (value === null || value === undefined) return "—";
  if (isFraction(stat)) return `${fmt(value * 100, 1)}%`;
  if (isPercent(stat)) return `${fmt(value, 1)}%`;
  return fmt(value, Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : 1);
}
