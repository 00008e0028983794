import { spawn } from "node:child_process";

/** Reads the blobs `shas` of the repository `repo` through one `git cat-file --batch` process, in order. */
export function catBlobs(repo: string, shas: string[]): Promise<Buffer[]> {
  if (shas.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd: repo, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`git cat-file exited with ${code}`));
      const all = Buffer.concat(chunks);
      const out: Buffer[] = [];
      let at = 0;
      for (let i = 0; i < shas.length; i++) {
        const newline = all.indexOf(10, at);
        const header = all.subarray(at, newline).toString();
        const size = Number(header.split(" ")[2]);
        out.push(all.subarray(newline + 1, newline + 1 + size));
        at = newline + 1 + size + 1;
      }
      resolve(out);
    });
    child.stdin.end(`${shas.join("\n")}\n`);
  });
}
