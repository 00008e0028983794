/**
 * What `costs site-data` computes from: every day's rollup (history/day-rollup.ts) of the
 * grains the site needs (the cube, with the site's metadata keys, and the issues page), and
 * each day's lists of calls. Read from the day rollups `costs run` wrote, so the site's cost
 * follows the number of days and groups, not the rows; a day whose rollup is missing or
 * lacks the site's grains is rebuilt from its rows.
 *
 * Two cases read every row instead, each for a reason: no `site.metadata_keys` in
 * policies/extracts.yaml (the 8 most used keys are found over the rows' metadata), and
 * `--pseudonymise-users` (a user name may appear as any metadata value, and the pseudonyms
 * must avoid every value the rows hold). Both build the same day rollups from the rows, in
 * memory, so everything downstream is one code path.
 */
import { Rollup } from "../engine/rollup.ts";
import { listPartitions, readPartitionColumns, type Dataset } from "../dataset/read-partitions.ts";
import { DAY_ROLLUP_COLUMNS, dayRollupFromRows, dayRollupOfColumns } from "../history/day-rollup-from-rows.ts";
import type { DayExtras } from "../engine/day-extras.ts";
import { grainOf, holdsGrains, isOlderRollup, listRollupDays, readDayRollup, type DayRollup } from "../history/day-rollup.ts";
import { PipelineError } from "../lib/errors.ts";
import type { PolicyBook } from "../policies/load-policies.ts";
import { cubeGrain, extractGrain, ISSUES_GRAIN, type Grain } from "../schemas/fields.ts";
import { dedupeSlugs } from "./dedupe-slugs.ts";
import { pseudonymiseRows } from "./pseudonymise-rows.ts";

/** At most this many metadata keys get a page when policies do not list them (`site.metadata_keys`). */
const DEFAULT_METADATA_PAGES = 8;

export interface SiteHistory {
  days: string[];
  /** The cube's metadata keys (each gets a page). */
  metadataKeys: string[];
  warnings: string[];
  /** Projections of the cube over every day (site-data's breakdowns and summary), by grain key. */
  views: Map<string, Rollup>;
  /** Rows of the cube, written day by day through the sink. */
  cubeRows: number;
  /** The issues grain over every day. */
  issues: Rollup;
  /** With pseudonyms: each extract's grain over every day (its copy is recomputed), by grain key. */
  extracts: Map<string, Rollup>;
  /** Each day's lists of calls, in day order. */
  extras: Array<{ date: string; extras: DayExtras }>;
  /** With pseudonyms: how many user names were replaced. */
  pseudonymisedUsers?: number;
  /** With pseudonyms: each user name → its pseudonym. */
  pseudonyms?: Map<string, string>;
  /** How the history was read: day rollups, or every row (and why). */
  source: "rollups" | "rows";
}

/**
 * Where the cube goes, once the metadata keys are known: the projections of it to sum over
 * every day (each a grain whose dimensions are cube dimensions), and each day's cube grain,
 * in day order (site-data writes it out as it comes: the cube over every day is never in
 * memory).
 */
export type CubeSink = (cube: Grain) => { views: Grain[]; day(rollup: Rollup): void };

/** Sums day rollups into the history, one day at a time (a day's rollup is let go once added). */
class HistoryBuilder {
  readonly issues = new Rollup(ISSUES_GRAIN.dimensions);
  readonly extracts: Map<string, Rollup>;
  readonly views: Map<string, Rollup>;
  readonly extras: Array<{ date: string; extras: DayExtras }> = [];
  private readonly picks: Array<{ view: Rollup; pick: number[] }>;
  private readonly sink: ReturnType<CubeSink>;
  cubeRows = 0;

  constructor(
    readonly cubeGrain: Grain,
    readonly extractGrains: readonly Grain[],
    sink: CubeSink,
  ) {
    this.sink = sink(cubeGrain);
    this.extracts = new Map(extractGrains.map((g) => [g.key, new Rollup(g.dimensions)]));
    this.views = new Map(this.sink.views.map((g) => [g.key, new Rollup(g.dimensions)]));
    this.picks = this.sink.views.map((g) => ({
      view: this.views.get(g.key)!,
      pick: g.dimensions.map((d) => {
        const at = cubeGrain.dimensions.indexOf(d);
        if (at < 0) throw new Error(`site view ${g.key}: ${d} is not a cube dimension`);
        return at;
      }),
    }));
  }

  result(): Pick<SiteHistory, "views" | "cubeRows" | "issues" | "extracts" | "extras"> {
    return { views: this.views, cubeRows: this.cubeRows, issues: this.issues, extracts: this.extracts, extras: this.extras };
  }

  get grains(): Grain[] {
    return [this.cubeGrain, ISSUES_GRAIN, ...this.extractGrains];
  }

  add(day: DayRollup): void {
    const all = (grain: Grain, target: Rollup) =>
      grainOf(day, grain).addTo(
        target,
        grain.dimensions.map((_, i) => i),
      );
    const cube = grainOf(day, this.cubeGrain);
    for (const { view, pick } of this.picks) cube.addTo(view, pick);
    this.cubeRows += cube.groups;
    this.sink.day(cube);
    all(ISSUES_GRAIN, this.issues);
    for (const grain of this.extractGrains) all(grain, this.extracts.get(grain.key)!);
    this.extras.push({ date: day.date, extras: day.extras });
  }
}

export async function readSiteHistory(
  data: string,
  policies: PolicyBook,
  options: { pseudonymise?: { salt: string }; fromRows?: boolean },
  sink: CubeSink,
): Promise<SiteHistory> {
  const partitions = await listPartitions(data);
  const days = [...new Set([...partitions, ...(await listRollupDays(data))])].sort();
  if (options.pseudonymise || !policies.siteMetadataKeys || options.fromRows) {
    const rollupOnly = days.filter((d) => !partitions.includes(d));
    if (rollupOnly.length > 0) {
      throw new PipelineError({
        file: `${data}/priced`,
        message: `reading every row, but ${rollupOnly.length} day(s) have no rows, only a rollup (${rollupOnly[0]}${rollupOnly.length > 1 ? ` … ${rollupOnly.at(-1)}` : ""})`,
        hint: "restore those days' priced partitions, or drop --from-rows / --pseudonymise-users and set site.metadata_keys in policies/extracts.yaml",
      });
    }
    return fromRows(data, partitions, policies, options, sink);
  }
  const pages = dedupeSlugs(policies.siteMetadataKeys);
  const history = new HistoryBuilder(cubeGrain(pages.keys), [], sink);
  for (const day of days) {
    let rollup = await readDayRollup(data, day);
    if (!rollup || !holdsGrains(rollup, history.grains) || (isOlderRollup(rollup) && partitions.includes(day))) {
      if (!partitions.includes(day)) {
        throw new PipelineError({
          file: `${data}/rollups/date=${day}.json`,
          message: `day ${day} has no priced rows and its rollup lacks the site's grains (metadata keys ${pages.keys.join(", ") || "none"})`,
          hint: "restore the day's priced partition, or run `costs run` with the current policies while its rows are there",
        });
      }
      rollup = await dayRollupFromRows(data, day, history.grains);
    }
    history.add(rollup);
  }
  return { days, metadataKeys: pages.keys, warnings: pages.warnings, ...history.result(), source: "rollups" };
}

/** Every row read, pseudonymised when asked, the metadata keys chosen from them, then rolled up per day. */
async function fromRows(
  data: string,
  partitions: string[],
  policies: PolicyBook,
  options: { pseudonymise?: { salt: string } },
  sink: CubeSink,
): Promise<SiteHistory> {
  const rows = await readPartitionColumns(data, partitions, [...DAY_ROLLUP_COLUMNS, "pat_name"]);
  let pseudonymisedUsers: number | undefined;
  let pseudonyms: Map<string, string> | undefined;
  if (options.pseudonymise) {
    const result = pseudonymiseRows(rows as unknown as Dataset, rows, options.pseudonymise.salt);
    Object.assign(rows, {
      user: result.dataset.user,
      metadata: result.dataset.metadata,
      policy_violations: result.extra.policy_violations,
    });
    pseudonymisedUsers = result.users;
    pseudonyms = result.pseudonyms;
  }
  const pages = dedupeSlugs(policies.siteMetadataKeys ?? mostUsedKeys(rows.metadata as Array<string | null>));
  const metadataKeys = policies.siteMetadataKeys ? pages.keys : pages.keys.slice(0, DEFAULT_METADATA_PAGES);
  // Extracts whose copies are recomputed from pseudonymised rows need their own grains.
  const extractGrains = options.pseudonymise ? policies.extracts.map((e) => extractGrain(e.group_by)) : [];
  const history = new HistoryBuilder(cubeGrain(metadataKeys), [...new Map(extractGrains.map((g) => [g.key, g])).values()], sink);
  const grains = [...new Map(history.grains.map((g) => [g.key, g])).values()];
  const byDay = new Map<string, number[]>();
  (rows.date as string[]).forEach((d, i) => (byDay.get(d) ?? byDay.set(d, []).get(d)!).push(i));
  const days = [...byDay.keys()].sort();
  for (const day of days) {
    const at = byDay.get(day)!;
    const columns = Object.fromEntries(Object.entries(rows).map(([name, values]) => [name, at.map((i) => values[i])]));
    history.add(dayRollupOfColumns(day, columns, grains, [], ""));
  }
  return {
    days,
    metadataKeys,
    warnings: pages.warnings,
    ...history.result(),
    ...(pseudonymisedUsers === undefined ? {} : { pseudonymisedUsers }),
    ...(pseudonyms === undefined ? {} : { pseudonyms }),
    source: "rows",
  };
}

/** Every metadata key seen, the most used first (ties: in code-unit order). */
function mostUsedKeys(metadata: Array<string | null>): string[] {
  const counts = new Map<string, number>();
  for (const m of metadata) {
    if (!m) continue;
    for (const key of Object.keys(JSON.parse(m) as object)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
}
