import path from "node:path";
import { lockContext, type Io } from "../lib/io.ts";
import { displayPath, PipelineError } from "../lib/errors.ts";
import { readOutputs } from "../outputs/read-outputs.ts";
import { buildSiteData, type SiteDataOptions } from "../site-data/index.ts";
import { MIN_SALT_LENGTH } from "../site-data/to-pseudonyms.ts";

export type SiteDataCommandOptions = Omit<SiteDataOptions, "cwd" | "pseudonymise" | "cubeParts"> & {
  pseudonymiseUsers?: boolean;
  /** `--cube-parts <rows>`, as typed. */
  cubeParts?: string;
};

/** The environment variables the command reads (injected; cli.ts passes process.env). */
export interface SiteDataEnv {
  /** `true` or `1` turns --pseudonymise-users on (the nightly passes a repository variable); `false`, `0` or empty leave it off. */
  SITE_PSEUDONYMISE_USERS?: string;
  /** The secret salt of the pseudonyms. */
  SITE_USER_SALT?: string;
}

/** `costs site-data`: the JSON and files the report site is built from. */
export async function siteDataCommand(options: SiteDataCommandOptions, io: Io, env: SiteDataEnv = process.env): Promise<number> {
  const { pseudonymiseUsers, cubeParts, ...rest } = options;
  const pseudonymise = pseudonymiseOption(pseudonymiseUsers === true, env);
  const parts = cubeParts === undefined ? undefined : Number(cubeParts);
  if (parts !== undefined && !(Number.isSafeInteger(parts) && parts >= 1))
    throw new PipelineError({
      field: "--cube-parts",
      message: `must be a whole number of rows, 1 or more, got ${JSON.stringify(cubeParts)}`,
      hint: "e.g. --cube-parts 100000",
    });
  const data = path.resolve(io.cwd, options.data);
  const { written, warnings, pseudonymisedUsers } = await readOutputs(data, lockContext(io, "costs site-data"), () =>
    buildSiteData({
      ...rest,
      cwd: io.cwd,
      ...(pseudonymise ? { pseudonymise } : {}),
      ...(parts === undefined ? {} : { cubeParts: parts }),
    }),
  );
  for (const warning of warnings) io.err(`warning: ${warning}\n`);
  const names = pseudonymisedUsers === undefined ? "" : `; ${pseudonymisedUsers} user names pseudonymised`;
  io.out(
    `site data: ${written.length} JSON files in ${displayPath(options.out, io.cwd)}, downloads in ${displayPath(options.publicDir, io.cwd)}/data${names}\n`,
  );
  return 0;
}

/** Whether to pseudonymise (the flag, or SITE_PSEUDONYMISE_USERS), and the salt; refused before anything is read or written. */
function pseudonymiseOption(flag: boolean, env: SiteDataEnv): { salt: string } | undefined {
  const variable = (env.SITE_PSEUDONYMISE_USERS ?? "").trim().toLowerCase();
  if (!["", "true", "1", "false", "0"].includes(variable)) {
    throw new PipelineError({
      field: "SITE_PSEUDONYMISE_USERS",
      message: `must be true, 1, false, 0 or empty, got ${JSON.stringify(env.SITE_PSEUDONYMISE_USERS)}`,
      hint: "set it to true to publish pseudonyms instead of user names",
    });
  }
  if (!flag && variable !== "true" && variable !== "1") return undefined;
  const why = flag ? "--pseudonymise-users" : `SITE_PSEUDONYMISE_USERS=${env.SITE_PSEUDONYMISE_USERS}`;
  const salt = env.SITE_USER_SALT ?? "";
  const hint = `set SITE_USER_SALT to a random secret of at least ${MIN_SALT_LENGTH} characters (e.g. \`openssl rand -hex 32\`) kept out of the repository, such as a GitHub Actions secret: an unsalted or guessable hash of an email is reversed by hashing guesses`;
  if (salt === "")
    throw new PipelineError({
      field: "SITE_USER_SALT",
      message: `${why} needs a salt, and SITE_USER_SALT is not set; nothing was written`,
      hint,
    });
  if ([...salt].length < MIN_SALT_LENGTH) {
    throw new PipelineError({
      field: "SITE_USER_SALT",
      message: `has ${[...salt].length} characters, ${why} needs at least ${MIN_SALT_LENGTH}; nothing was written`,
      hint,
    });
  }
  return { salt };
}
