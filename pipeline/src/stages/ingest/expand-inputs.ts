import { stat } from "node:fs/promises";
import path from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { PipelineError } from "../../lib/errors.ts";
import { detectFormat, SUPPORTED_EXTENSIONS } from "./detect-format.ts";

const SUPPORTED = `supported inputs are ${SUPPORTED_EXTENSIONS.join(", ")} files, each optionally gzipped (.gz)`;

/**
 * Turns input patterns into the list of log files to read: absolute paths, without
 * duplicates, in plain string order so two runs read the same files in the same order.
 *
 * - an existing file is taken as it is; an unsupported extension is an error;
 * - an existing directory is walked recursively, keeping supported files only
 *   (names starting with a dot are skipped, as in globs);
 * - anything else is a glob (tinyglobby, relative to `cwd`), keeping supported files only.
 *
 * A pattern that yields no log file is an error naming it: a run that silently reads
 * nothing would report zero spend.
 */
export async function expandInputs(patterns: string[], cwd: string): Promise<string[]> {
  if (patterns.length === 0) {
    throw new PipelineError({ message: "no input logs given", hint: `pass files, directories or globs; ${SUPPORTED}` });
  }
  const found = new Set<string>();
  for (const pattern of patterns) {
    for (const file of await expandPattern(pattern, cwd)) found.add(file);
  }
  return [...found].sort();
}

async function expandPattern(pattern: string, cwd: string): Promise<string[]> {
  const absolute = path.resolve(cwd, pattern);
  const stats = await stat(absolute).catch(() => undefined);
  if (stats?.isFile()) {
    if (!detectFormat(absolute)) {
      throw new PipelineError({ file: pattern, message: "unsupported input file type", hint: SUPPORTED });
    }
    return [absolute];
  }
  if (stats?.isDirectory()) {
    const files = supportedOnly(await glob("**/*", { cwd: absolute, absolute: true, onlyFiles: true }));
    if (files.length === 0) {
      throw new PipelineError({ file: pattern, message: "directory holds no log files", hint: SUPPORTED });
    }
    return files;
  }
  if (!isDynamicPattern(pattern)) {
    throw new PipelineError({
      file: pattern,
      message: "no such file or directory",
      hint: "check the path; it is read relative to the working directory",
    });
  }
  const files = supportedOnly(await glob(pattern, { cwd, absolute: true, onlyFiles: true, expandDirectories: false }));
  if (files.length === 0) {
    throw new PipelineError({
      message: `input pattern \`${pattern}\` matches no log files`,
      hint: `check the pattern (relative to ${cwd}); ${SUPPORTED}`,
    });
  }
  return files;
}

function supportedOnly(files: string[]): string[] {
  return files.filter((file) => detectFormat(file) !== undefined).map((file) => path.resolve(file));
}
