import { PresetNameSchema } from "./schemas/column-mapping.schema.ts";
import { Command, CommanderError, Option } from "commander";
import { DEFAULT_SEED } from "./sample/generate-sample.ts";
import { CUBE_PARTS_FROM } from "./cube/shard-of.ts";
import { DIALECTS } from "./export-rates/dialect-names.ts";
import { displayPath, formatProblem, PipelineError, sortProblems } from "./lib/errors.ts";
import { processIo, type Io } from "./lib/io.ts";
import { systemErrorProblem } from "./lib/system-error.ts";
import { UNIT_RATES, type UnitField } from "./pricing/call.ts";

/**
 * argv → commands. The only place that prints errors and decides exit codes:
 * 0 success, 1 problems found (invalid config, bad input, a file-system problem such as an
 * unwritable folder), 2 usage errors, 3 a pricing change that needs finance review
 * (`costs comment`), 70 an internal error (a defect). Each command's module
 * is imported when it runs, so `costs run` starts without loading Octokit or simple-git.
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name("costs")
    .description("Exact, explainable cost reports for AI gateway logs, priced from reviewed files in git.")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });

  program
    .command("validate")
    .description("check everything under pricing/ (and policies/) and list every problem; exits 1 on any error")
    .option("--pricing-dir <dir>", "pricing folder (catalog/, accounts/, private/)", "pricing")
    .option("--policies-dir <dir>", "policies folder", "policies")
    .action(async (opts: { pricingDir: string; policiesDir: string }) => {
      exitCode = await (await import("./commands/validate.ts")).validate(opts, io);
    });

  const quoteCommand = program
    .command("quote")
    .description("price one call and explain each component: rate, region entry, tier, mode and source file")
    .requiredOption("--model <account/model>", "gateway model name, e.g. bedrock-prod/nova-lite")
    .requiredOption("--at <timestamp>", "time of the call, ISO 8601 (UTC when no offset)")
    .option("--region <region>", "region that served the call (default: the account's region)")
    .option("--input-tokens <n>", "all prompt tokens, cached ones included", "0")
    .option("--output-tokens <n>", "completion tokens, reasoning included", "0")
    .option("--cache-read-tokens <n>", "prompt tokens read from cache (subset of input)")
    .option("--cache-write-tokens <n>", "prompt tokens written to cache (subset of input)")
    .option("--cache-write-1h-tokens <n>", "cache writes with a 1-hour TTL (subset of the cache writes)")
    .option("--input-audio-tokens <n>", "audio prompt tokens (subset of input)")
    .option("--output-audio-tokens <n>", "audio completion tokens (subset of output)")
    .option("--batch", "a batch API call")
    .addOption(new Option("--service-tier <tier>", "service tier; `priority` selects priority_pricing"))
    .option("--pricing-dir <dir>", "pricing folder", "pricing")
    .option("--json", "print JSON: cost_usd and list_cost_usd as decimal strings, price_source, reason when unpriced");
  for (const unit of UNIT_RATES) {
    quoteCommand.option(`--${unit.field.replaceAll("_", "-")} <n>`, `${unit.field.replaceAll("_", " ")} (priced by ${unit.rate})`);
  }
  quoteCommand.action(async (opts: Record<string, string | boolean | undefined>) => {
    const units: Partial<Record<UnitField, string>> = {};
    for (const unit of UNIT_RATES) {
      const key = unit.field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      if (typeof opts[key] === "string") units[unit.field] = opts[key];
    }
    exitCode = await (
      await import("./commands/quote.ts")
    ).quote({ ...(opts as unknown as Parameters<typeof import("./commands/quote.ts").quote>[0]), units }, io);
  });

  program
    .command("run")
    .description("price exported gateway logs: priced Parquet by day, rejects, manifest, extracts and a FOCUS export")
    .requiredOption("--logs <paths...>", "log files, folders or globs (JSON Lines, CSV, Parquet; .gz too)")
    .option("--pricing-dir <dir>", "pricing folder", "pricing")
    .option("--policies-dir <dir>", "policies folder (teams, virtual accounts, guardrails, extracts)", "policies")
    .option("--out <dir>", "output folder", "data")
    .option("--since <date>", "only rows on or after this UTC date (YYYY-MM-DD)")
    .option("--until <date>", "only rows on or before this UTC date (YYYY-MM-DD)")
    .addOption(
      new Option("--preset <name>", "input format (docs/pipeline.md, Column presets)")
        .choices(["auto", ...PresetNameSchema.options])
        .default("auto"),
    )
    .option("--columns <file>", "YAML column mapping for other exports (see docs/pipeline.md)")
    .option("--threads <n>", "worker threads for JSON Lines (0: none; default: one per CPU, at most 8, for inputs over 32 MB)")
    .addOption(
      new Option(
        "--parquet-compression <codec>",
        "page codec of the priced Parquet files: none (fastest to write) or snappy (about half the size)",
      )
        .choices(["none", "snappy"])
        .default("none"),
    )
    .option("--timings <file>", "write where the time went (per stage), peak memory and rows/s as JSON to this file")
    .option("--no-progress", "do not print progress to stderr")
    .action(async (opts) => {
      if (opts.threads !== undefined) {
        const threads = Number(opts.threads);
        if (!Number.isInteger(threads) || threads < 0 || threads > 64)
          throw new PipelineError({ field: "--threads", message: `must be a whole number from 0 to 64, got ${opts.threads}` });
        opts.threads = threads;
      }
      exitCode = await (await import("./commands/run.ts")).runCommand(opts, io);
    });

  program
    .command("restate")
    .description(
      "price kept days again from their priced Parquet with the current pricing and policies (a backdated price change); record old → new totals in restatements.json",
    )
    .requiredOption("--since <date>", "first UTC day to restate (YYYY-MM-DD)")
    .option("--until <date>", "last UTC day to restate (default: the last day kept)")
    .option("--data <dir>", "the pipeline's output folder", "data")
    .option("--pricing-dir <dir>", "pricing folder", "pricing")
    .option("--policies-dir <dir>", "policies folder", "policies")
    .option("--pricing-commit <sha>", "git commit of the pricing used, recorded with each restated day")
    .action(async (opts) => {
      exitCode = await (await import("./commands/restate.ts")).restateCommand(opts, io, io.now);
    });

  program
    .command("extract")
    .description("an ad hoc extract from the priced data, grouped by the fields you choose")
    .requiredOption(
      "--group-by <fields>",
      "comma-separated: date, month, user, virtual_account, team, model, provider, provider_account, region, price_source, policy_status, metadata.<key>",
    )
    .option("--period <period>", "day or month: group by time first")
    .option("--format <format>", "csv or parquet", "csv")
    .option("--bom", "start the CSV with the UTF-8 byte order mark, so Excel reads accented names correctly")
    .option("--out <file>", "output file (CSV goes to stdout without it)")
    .option("--data <dir>", "the pipeline's output folder", "data")
    .option("--since <date>", "first UTC date (YYYY-MM-DD)")
    .option("--until <date>", "last UTC date (YYYY-MM-DD)")
    .action(async (opts) => {
      exitCode = await (await import("./commands/extract.ts")).extractCommand(opts, io);
    });

  program
    .command("budgets")
    .description(
      "every rule of policies/budgets.yaml against the day rollups: spend, % used, forecast, crossing day, what enforce would block",
    )
    .option("--data <dir>", "the pipeline's output folder", "data")
    .option("--policies-dir <dir>", "policies folder (budgets.yaml)", "policies")
    .option("--at <date>", "the UTC day the current periods end on (default: the data's last day)")
    .option("--format <format>", "table, json or markdown", "table")
    .option("--notify", "open, update and close one `budget` GitHub issue per breached budget (GITHUB_API_URL, GITHUB_TOKEN)")
    .option("--repo <owner/name>", "repository of the alert issues (default: GITHUB_REPOSITORY)")
    .option("--report <file>", "with --notify: a saved `costs budgets --format json` report instead of the data")
    .action(async (opts) => {
      exitCode = await (await import("./commands/budgets.ts")).budgetsCommand(opts, io, process.env);
    });

  program
    .command("export-rates")
    .description(
      "write the resolved rate table (rates.parquet, rates.csv) and a SQL query that prices logs with it, for DuckDB, PostgreSQL, ClickHouse, Spark SQL, Trino or BigQuery",
    )
    .requiredOption("--out <dir>", "folder for rates.parquet, rates.csv, price_logs.sql and README.md")
    .addOption(new Option("--dialect <engine>", "SQL dialect of price_logs.sql").choices([...DIALECTS]).default("duckdb"))
    .option("--pricing-dir <dir>", "pricing folder", "pricing")
    .action(async (opts) => {
      exitCode = await (await import("./commands/export-rates.ts")).exportRatesCommand(opts, io);
    });

  program
    .command("sample")
    .description("write deterministic synthetic gateway logs (token sizes and arrivals from ../shared/traces when present)")
    .option("--out <file>", "file to write: .jsonl, .jsonl.gz, or .csv/.csv.gz for the TrueFoundry export columns")
    .option("--rows <n>", "number of rows", "4000")
    .option("--start <date>", "first UTC day", "2026-06-16")
    .option("--days <n>", "number of days", "30")
    .option("--seed <n>", "random seed", String(DEFAULT_SEED))
    .option(
      "--users <n>",
      "distinct users (25 to 1,000,000): the 25 named users of policies/, then user-00026@example.com… in the policies' teams; each calls at least once when there are enough rows (default: the 25)",
    )
    .option(
      "--metadata-values <n>",
      "distinct well-formed customer_id metadata values (1 to 1,000,000); each appears at least once when there are enough rows (default: 150)",
    )
    .addOption(new Option("--traces <source>", "token sizes and arrivals").choices(["auto", "builtin"]).default("auto"))
    .option("--committed", "regenerate the committed samples under data/sample/")
    .action(async (opts) => {
      exitCode = await (await import("./commands/sample.ts")).sampleCommand(opts, io);
    });

  program
    .command("site-data")
    .description(
      "compute what the report site is built from: JSON summaries, breakdowns, prices, reconciliation, downloads and the groupBy cube",
    )
    .option("--data <dir>", "the pipeline's output folder", "data")
    .option("--pricing-dir <dir>", "pricing folder", "pricing")
    .option("--policies-dir <dir>", "policies folder", "policies")
    .option("--out <dir>", "where the JSON goes (read by the site build)", "site/.data")
    .option("--public-dir <dir>", "the site's public folder (downloads go to <dir>/data)", "site/public")
    .option(
      "--pseudonymise-users",
      "replace every user name the site shows or ships (breakdowns, issues, cube, extract copies; metadata values equal to a user name) by user-<12 hex digits of HMAC-SHA256(salt, name)>, the salt from env SITE_USER_SALT (16+ characters); also on with env SITE_PSEUDONYMISE_USERS=true or 1. The --data folder keeps the real names",
    )
    .option(
      "--from-rows",
      "read every priced row instead of the day rollups costs run wrote (slower; the same figures: a check of the rollups)",
    )
    .option(
      "--cube-parts <rows>",
      "from this many cube rows on, also write the cube's shards (by user and by each metadata key of 1,000+ values, about 0.4 × this many rows each) and its projection without those dimensions, which the site's filters and groupBy read instead of the whole cube",
      String(CUBE_PARTS_FROM),
    )
    .action(async (opts) => {
      exitCode = await (await import("./commands/site-data.ts")).siteDataCommand(opts, io, process.env);
    });

  program
    .command("diff")
    .description(
      "what a pricing change does: every rate, region, tier, mode and policy change between two git refs, and its impact on recent usage",
    )
    .requiredOption("--base <ref>", "the git ref before the change (e.g. origin/main)")
    .requiredOption("--head <ref>", "the git ref after the change (e.g. HEAD)")
    .option("--usage <dir>", "a pipeline output folder whose priced partitions are re-priced with both sides")
    .option("--days <n>", "how many of the latest days of usage to re-price", "30")
    .addOption(
      new Option("--format <format>", "markdown (the pull-request comment) or json").choices(["markdown", "json"]).default("markdown"),
    )
    .option("--repo <dir>", "the git repository", ".")
    .option("--pricing-path <path>", "the pricing folder inside the repository", "pricing")
    .option("--policies-path <path>", "the policies folder inside the repository", "policies")
    .action(async (opts) => {
      exitCode = await (await import("./commands/diff.ts")).diffCommand(opts, io);
    });

  program
    .command("comment")
    .description("post the pricing diff as one sticky pull-request comment; label it for finance review over the threshold (exit 3)")
    .requiredOption("--repo <owner/name>", "GitHub repository, e.g. acme/gateway-costs")
    .requiredOption("--pr <n>", "pull-request number")
    .requiredOption("--body-file <file>", "the comment markdown (costs diff --format markdown)")
    .option("--diff-json <file>", "the diff JSON (costs diff --format json): decides the finance-review label")
    .option("--threshold-usd <usd>", "absolute impact in USD that needs finance review", "100")
    .option("--threshold-percent <percent>", "impact in percent of the base cost that needs finance review", "5")
    .option("--label <name>", "label for changes that need finance review", "finance-review")
    .option("--dry-run", "print the comment and the label decision; no request, no token needed")
    .action(async (opts) => {
      exitCode = await (await import("./commands/comment.ts")).commentCommand(opts, io, process.env);
    });

  program
    .command("catalog")
    .description("the vendored public catalog")
    .command("sync")
    .description(
      "refresh pricing/catalog/ from an upstream truefoundry/models-style repository; record the commit in SOURCE.yaml and the price changes in CHANGELOG.md",
    )
    .option("--from <git URL or path>", "upstream repository", "https://github.com/truefoundry/models")
    .option("--ref <ref>", "branch, tag or commit (default: the upstream's default branch)")
    .option("--pricing-dir <dir>", "pricing folder", "pricing")
    .option(
      "--open-pr",
      "commit on the costs/catalog-sync branch, push it and open or update one pull request (GITHUB_TOKEN, GITHUB_API_URL)",
    )
    .option("--repo <owner/name>", "GitHub repository for --open-pr (default: GITHUB_REPOSITORY)")
    .option("--base <branch>", "base branch of the pull request", "main")
    .option("--remote <name>", "git remote to push the branch to", "origin")
    .action(async (opts) => {
      exitCode = await (await import("./commands/catalog-sync.ts")).catalogSyncCommand(opts, io, process.env);
    });

  const ledger = program
    .command("ledger")
    .description("the ledger of what was reported: day totals, file checksums and rollups on the costs-ledger branch (docs/github.md)");
  ledger
    .command("record")
    .description(
      "record every day of the data (manifest.json's dataset, each day's rollup) on the ledger branch: one commit, or none when nothing changed; the working tree, index and current branch are not touched",
    )
    .option("--data <dir>", "the pipeline's output folder", "data")
    .option("--repo <dir>", "the git repository", ".")
    .option("--branch <name>", "the ledger branch", "costs-ledger")
    .option("--push <remote>", "fetch the branch from this remote first and push it there after (fast-forward only)")
    .option(
      "--accept-changes",
      "record a recorded day's changed totals that restatements.json does not explain as a restatement with reason re-run (default: refuse)",
    )
    .option("--allow-missing-history", "mark recorded days the data lacks as dropped (default: refuse)")
    .action(async (opts) => {
      exitCode = await (await import("./commands/ledger.ts")).ledgerRecordCommand(opts, io, process.env);
    });
  ledger
    .command("verify")
    .description(
      "before publishing: fail when the data lacks days the ledger recorded as published, or holds other files for them; one line when all is well",
    )
    .option("--data <dir>", "the pipeline's output folder (as restored)", "data")
    .option("--repo <dir>", "the git repository", ".")
    .option("--branch <name>", "the ledger branch (read from origin/<name> when there is no local one)", "costs-ledger")
    .option("--allow-missing-history", "publish without the missing days: a warning naming them and the cost that disappears")
    .option("--accept-changes", "go on with files that differ from those recorded: a warning")
    .action(async (opts) => {
      exitCode = await (await import("./commands/ledger.ts")).ledgerVerifyCommand(opts, io);
    });
  ledger
    .command("restore")
    .description("copy the ledger's rollups of the days the data lacks into <data>/rollups/ (costs run counts them as rollup-only days)")
    .option("--data <dir>", "the pipeline's output folder", "data")
    .option("--repo <dir>", "the git repository", ".")
    .option("--branch <name>", "the ledger branch (read from origin/<name> when there is no local one)", "costs-ledger")
    .action(async (opts) => {
      exitCode = await (await import("./commands/ledger.ts")).ledgerRestoreCommand(opts, io);
    });

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed the message (help and version exit with code 0).
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof PipelineError) {
      for (const problem of sortProblems(error.problems)) {
        const shown = problem.file ? { ...problem, file: displayPath(problem.file, io.cwd) } : problem;
        io.err(`error: ${formatProblem(shown)}\n`);
      }
      return 1;
    }
    const fileSystem = systemErrorProblem(error, io.cwd);
    if (fileSystem) {
      io.err(`error: ${formatProblem(fileSystem)}\n`);
      return 1;
    }
    io.err(`internal error: ${(error as Error).stack ?? String(error)}\n`);
    return 70;
  }
}
