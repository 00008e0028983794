import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTempTree } from "../../test/temp-dir.ts";
import { PipelineError } from "../lib/errors.ts";
import { JOURNAL_FILE } from "./journal.ts";
import { repairOutputs } from "./repair-outputs.ts";
import { Staging } from "./staging.ts";

/** Every file under `dir` (relative path → text), dot-entries of the top level included. */
async function tree(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = await readFile(file, "utf8");
  }
  return files;
}

const OLD = {
  "kept.txt": "kept",
  "priced/date=1/p": "old 1",
  "priced/date=2/p": "old 2",
  "extracts/a.csv": "old a",
  "extracts/gone.csv": "old gone",
  "manifest.json": "old manifest",
};
const STAGED = {
  "priced/date=2/p": "new 2",
  "priced/date=3/p": "new 3",
  "extracts/a.csv": "new a",
  "manifest.json": "new manifest",
};
const PATHS = ["manifest.json", "priced/date=2", "priced/date=3", "extracts"];
/** What a reader must see after a complete commit: replaced paths whole (extracts/gone.csv goes with its folder), others kept. */
const NEW = {
  "kept.txt": "kept",
  "priced/date=1/p": "old 1",
  "priced/date=2/p": "new 2",
  "priced/date=3/p": "new 3",
  "extracts/a.csv": "new a",
  "manifest.json": "new manifest",
};

async function stage(id: string, steps: (step: number, what: string) => void): Promise<{ out: string; staging: Staging }> {
  const out = path.join(await writeTempTree(Object.fromEntries(Object.entries(OLD).map(([k, v]) => [`out/${k}`, v]))), "out");
  const staging = new Staging(out, id, steps, { pid: 4242, hostname: "here" });
  await staging.open();
  for (const [relative, text] of Object.entries(STAGED)) {
    await mkdir(path.dirname(staging.path(relative)), { recursive: true });
    await writeFile(staging.path(relative), text);
  }
  return { out, staging };
}

class Killed extends Error {}

describe("Staging.commit", () => {
  it("moves the staged paths in, manifest last, and leaves nothing behind", async () => {
    const steps: string[] = [];
    const { out, staging } = await stage("full", (step, what) => steps.push(`${step} ${what}`));
    await staging.commit(PATHS);
    expect(await tree(out)).toEqual(NEW);
    expect(steps).toEqual([
      "0 staged",
      "1 journal",
      "2 trash priced/date=2",
      "3 move priced/date=2",
      "4 move priced/date=3",
      "5 trash extracts",
      "6 move extracts",
      "7 trash manifest.json",
      "8 move manifest.json",
      "9 journal removed",
      "10 trash removed",
      "11 staging removed",
    ]);
  });

  it("stopped at any step, is undone (before its journal) or completed (after it) by repairOutputs, which can run again", async () => {
    for (let k = 0; k <= 11; k++) {
      const { out, staging } = await stage(`k${k}`, (step) => {
        if (step === k) throw new Killed(`step ${k}`);
      });
      await expect(staging.commit(PATHS)).rejects.toThrow(Killed);
      await staging.discard(); // what run.ts does on an error: must not lose a commit under way
      const journal = (await readdir(out)).includes(JOURNAL_FILE);
      expect(journal, `step ${k}`).toBe(k >= 1 && k <= 8);

      const repair = await repairOutputs(out);
      expect(repair.completed?.pid, `step ${k}`).toBe(journal ? 4242 : undefined);
      expect(await tree(out), `step ${k}`).toEqual(k === 0 ? OLD : NEW);
      await repairOutputs(out);
      expect(await tree(out), `step ${k}, repaired twice`).toEqual(k === 0 ? OLD : NEW);
    }
  });

  it("discards its staging folder when it fails before the journal, and keeps the previous outputs", async () => {
    const { out, staging } = await stage("early", () => {});
    await staging.discard();
    expect(await tree(out)).toEqual(OLD);
  });
});

describe("repairOutputs", () => {
  it("refuses a journal whose paths leave the output folder, and moves nothing", async () => {
    const root = await writeTempTree({ "out/.staging-x/escape": "x", "victim/file": "mine" });
    const out = path.join(root, "out");
    const journal = { journal_version: 1, pid: 1, hostname: "h", staging: ".staging-x", trash: ".trash-x", paths: ["../victim"] };
    await writeFile(path.join(out, JOURNAL_FILE), JSON.stringify(journal));
    const error = await repairOutputs(out).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).message).toMatch(
      /\.commit\.json: unfinished-commit journal paths\[0\]: must be a relative path inside the output folder/,
    );
    expect(await tree(path.join(root, "victim"))).toEqual({ file: "mine" });
    expect(await tree(out)).toEqual({ ".staging-x/escape": "x", [JOURNAL_FILE]: JSON.stringify(journal) });
  });

  it("removes what dead runs left without a journal: staging and trash folders, temporary journal and lock files", async () => {
    const out = path.join(
      await writeTempTree({
        "out/.staging-a/p": "",
        "out/.trash-b/q": "",
        "out/.commit.json.12.tmp": "",
        "out/.lock.stale-3-ab": "",
        "out/manifest.json": "m",
      }),
      "out",
    );
    const repair = await repairOutputs(out);
    expect(repair.removed.sort()).toEqual([".commit.json.12.tmp", ".lock.stale-3-ab", ".staging-a", ".trash-b"]);
    expect(await tree(out)).toEqual({ "manifest.json": "m" });
  });
});
