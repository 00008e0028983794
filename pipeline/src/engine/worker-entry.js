// A worker thread of `costs run` (thread-pool.ts starts it): registers tsx in this thread,
// then runs the TypeScript worker. Module hooks are per thread, so the main thread's
// registration does not reach here.
import { register } from "tsx/esm/api";

register();
await import("./chunk-worker.ts");
