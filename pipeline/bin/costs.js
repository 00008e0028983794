#!/usr/bin/env node
// Runs the TypeScript command line with no build step (load-cli.js: a cached bundle of the
// current sources, else tsx), so `npm run costs` works straight from a clone.
import { loadCli } from "./load-cli.js";

const { main } = await loadCli();
process.exitCode = await main(process.argv.slice(2));
