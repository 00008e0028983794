import { access } from "node:fs/promises";

/** Whether a file or folder exists (and is reachable) at `file`. */
export async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
