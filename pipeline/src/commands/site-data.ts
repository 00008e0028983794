import path from "node:path";
import { lockContext, type Io } from "../lib/io.ts";
import { displayPath } from "../lib/errors.ts";
import { readOutputs } from "../stages/write/commit/read-outputs.ts";
import { buildSiteData, type SiteDataOptions } from "../site-data/index.ts";

/** `costs site-data`: the JSON and files the report site is built from. */
export async function siteDataCommand(options: Omit<SiteDataOptions, "cwd">, io: Io): Promise<number> {
  const data = path.resolve(io.cwd, options.data);
  const { written, warnings } = await readOutputs(data, lockContext(io, "costs site-data"), () => buildSiteData({ ...options, cwd: io.cwd }));
  for (const warning of warnings) io.err(`warning: ${warning}\n`);
  io.out(`site data: ${written.length} JSON files in ${displayPath(options.out, io.cwd)}, downloads in ${displayPath(options.publicDir, io.cwd)}/data\n`);
  return 0;
}
