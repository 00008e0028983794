/** The static server the browser tests and the site benchmark serve the built site from. */
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTempTree } from "../temp-dir.ts";
import { serveStatic, type StaticServer } from "./serve-static.ts";

let server: StaticServer;
const page = `<!doctype html><title>t</title>${"<p>cost</p>".repeat(200)}`;

beforeAll(async () => {
  const root = await writeTempTree({
    "site/index.html": page,
    "site/users/index.html": "<p>users</p>",
    "site/404.html": "<p>not here</p>",
    "site/data/cube.parquet": "PAR1-0123456789-PAR1",
    "site/app.js": "console.log(1)",
    "secret.txt": "outside the site",
  });
  server = await serveStatic(`${root}/site`);
});
afterAll(() => server.close());

const get = (p: string, headers: Record<string, string> = {}) => fetch(`${server.url}${p}`, { headers, redirect: "manual" });

describe("serveStatic", () => {
  it("listens on 127.0.0.1 and serves index.html with its content type", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await get("/", { "accept-encoding": "identity" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(await res.text()).toBe(page);
    expect((await get("/app.js")).headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  });

  it("gzips text when the client accepts it: fewer bytes on the wire, same content", async () => {
    const { request } = await import("node:http");
    const raw = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      request(`${server.url}/`, { headers: { "accept-encoding": "gzip, deflate, br" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      })
        .on("error", reject)
        .end();
    });
    expect(raw.headers["content-encoding"]).toBe("gzip");
    expect(Number(raw.headers["content-length"])).toBe(raw.body.length);
    expect(raw.body.length).toBeLessThan(page.length / 10);
    expect(gunzipSync(raw.body).toString()).toBe(page);
  });

  it("sends Parquet as it is, with byte ranges", async () => {
    const res = await get("/data/cube.parquet", { "accept-encoding": "gzip", range: "bytes=5-14" });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(res.headers.get("content-type")).toBe("application/vnd.apache.parquet");
    expect(res.headers.get("content-range")).toBe("bytes 5-14/20");
    expect(await res.text()).toBe("0123456789");
    const tail = await get("/data/cube.parquet", { range: "bytes=-4" });
    expect(await tail.text()).toBe("PAR1");
    expect((await get("/data/cube.parquet", { range: "bytes=30-" })).status).toBe(416);
    const head = await fetch(`${server.url}/data/cube.parquet`, { method: "HEAD" });
    expect(head.headers.get("content-length")).toBe("20");
  });

  it("redirects a folder without its slash and answers 404 with the site's 404 page", async () => {
    const moved = await get("/users");
    expect(moved.status).toBe(301);
    expect(moved.headers.get("location")).toBe("/users/");
    expect(await (await get("/users/")).text()).toBe("<p>users</p>");
    const missing = await get("/nope/");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("<p>not here</p>");
    const outside = await get("/..%2Fsecret.txt");
    expect(outside.status).toBe(404);
    expect(await outside.text()).toBe("<p>not here</p>");
  });
});
