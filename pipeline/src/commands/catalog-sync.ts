import path from "node:path";
import { displayPath } from "../lib/errors.ts";
import type { Io } from "../lib/io.ts";
import { syncCatalog } from "../gitops/sync-catalog.ts";

/** `costs catalog sync`: refreshes the vendored catalog and says what changed. */
export async function catalogSyncCommand(
  options: { from: string; ref?: string; pricingDir: string },
  io: Io,
  now: () => Date = () => new Date(),
): Promise<number> {
  const from = /^[a-z]+:\/\//i.test(options.from) || options.from.includes("@") ? options.from : path.resolve(io.cwd, options.from);
  const pricingDir = path.resolve(io.cwd, options.pricingDir);
  const result = await syncCatalog({ from, ref: options.ref, pricingDir, now });
  const catalog = displayPath(path.join(pricingDir, "catalog"), io.cwd);
  io.out(
    `${catalog}: ${result.files.toLocaleString("en")} files, ${result.models.toLocaleString("en")} models (${result.withCosts.toLocaleString("en")} with costs) from upstream ${result.commit.slice(0, 12)}\n` +
      `${result.changes.length === 0 ? "no price changed" : `${result.changes.length} change${result.changes.length === 1 ? "" : "s"} written to ${catalog}/CHANGELOG.md`}\n` +
      "next: run `costs validate`, then open a pull request so reviewers see the pricing diff\n",
  );
  return 0;
}
