import path from "node:path";
import { lockContext, type Io } from "../lib/io.ts";
import { displayPath } from "../lib/errors.ts";
import { readOutputs } from "../stages/write/commit/read-outputs.ts";
import { buildSiteData, type SiteDataOptions } from "../site-data/index.ts";

/** `costs site-data`: the JSON and files the report site is built from. */
export async function siteDataCommand(options: Omit<SiteDataOptions, "cwd">, io: Io): Promise<number> {
  const data = path.resolve(io.cwd, options.data);
  const written = await readOutputs(data, lockContext(io, "costs site-data"), () => buildSiteData({ ...options, cwd: io.cwd }));
  io.out(`site data: ${written.length} JSON files in ${displayPath(options.out, io.cwd)}, downloads in ${displayPath(options.publicDir, io.cwd)}/data\n`);
  return 0;
}
