/**
 * A small static file server for the built report site, close enough to GitHub Pages for
 * the browser tests and the site benchmark: gzip for compressible types when the client
 * accepts it (so measured sizes are bytes on the wire), `dir/` → `dir/index.html`, `/dir`
 * → 301 to `/dir/`, byte ranges on uncompressed responses (hyparquet reads Parquet by
 * range), the site's `404.html` (or a plain text body) with status 404, HEAD.
 */
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gzipSync } from "node:zlib";

export interface StaticServer {
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

export interface ServeStaticOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Compress compressible responses when the request accepts gzip (default true). */
  gzip?: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  ".parquet": "application/vnd.apache.parquet",
  ".arrow": "application/vnd.apache.arrow.file",
  ".gz": "application/gzip",
  ".zip": "application/zip",
};

/** Types GitHub Pages (Fastly) compresses; binary formats go out as they are. */
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml|manifest\+json)|image\/svg\+xml)/;

export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

/** Serves `root` on 127.0.0.1 until `close()`. */
export async function serveStatic(root: string, options: ServeStaticOptions = {}): Promise<StaticServer> {
  const base = path.resolve(root);
  const gzipEnabled = options.gzip ?? true;
  const gzipCache = new Map<string, { mtimeMs: number; body: Buffer }>();

  async function gzipped(file: string, mtimeMs: number): Promise<Buffer> {
    const cached = gzipCache.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached.body;
    const body = gzipSync(await readFile(file));
    gzipCache.set(file, { mtimeMs, body });
    return body;
  }

  async function fileAt(file: string) {
    try {
      const s = await stat(file);
      return s;
    } catch {
      return undefined;
    }
  }

  async function notFound(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const page = path.join(base, "404.html");
    const s = await fileAt(page);
    if (s?.isFile()) return send(req, res, page, s.size, s.mtimeMs, 404);
    const body = Buffer.from("404 Not Found\n");
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "content-length": body.length });
    res.end(req.method === "HEAD" ? undefined : body);
  }

  async function send(req: IncomingMessage, res: ServerResponse, file: string, size: number, mtimeMs: number, status = 200): Promise<void> {
    const type = contentType(file);
    const headers: Record<string, string | number> = { "content-type": type, "cache-control": "no-cache", vary: "Accept-Encoding" };
    const range = status === 200 ? req.headers.range : undefined;
    const acceptsGzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    if (gzipEnabled && acceptsGzip && !range && COMPRESSIBLE.test(type)) {
      const body = await gzipped(file, mtimeMs);
      res.writeHead(status, { ...headers, "content-encoding": "gzip", "content-length": body.length });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    headers["accept-ranges"] = "bytes";
    let start = 0;
    let end = size - 1;
    if (range) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      if (m && (m[1] || m[2])) {
        if (m[1]) {
          start = Number(m[1]);
          if (m[2]) end = Math.min(Number(m[2]), size - 1);
        } else {
          start = Math.max(0, size - Number(m[2]));
        }
      }
      if (!m || start > end || start >= size) {
        res.writeHead(416, { "content-range": `bytes */${size}` });
        res.end();
        return;
      }
      status = 206;
      headers["content-range"] = `bytes ${start}-${end}/${size}`;
    }
    headers["content-length"] = size === 0 ? 0 : end - start + 1;
    res.writeHead(status, headers);
    if (req.method === "HEAD" || size === 0) {
      res.end();
      return;
    }
    createReadStream(file, { start, end }).pipe(res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" });
      res.end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return notFound(req, res);
    }
    const file = path.join(base, pathname);
    if (pathname.includes("\0") || (file !== base && !file.startsWith(base + path.sep))) return notFound(req, res);
    const s = await fileAt(file);
    if (s?.isDirectory()) {
      if (!url.pathname.endsWith("/")) {
        res.writeHead(301, { location: `${url.pathname}/${url.search}` });
        res.end();
        return;
      }
      const index = path.join(file, "index.html");
      const si = await fileAt(index);
      if (si?.isFile()) return send(req, res, index, si.size, si.mtimeMs);
      return notFound(req, res);
    }
    if (s?.isFile()) return send(req, res, file, s.size, s.mtimeMs);
    // GitHub Pages also serves `/page` from `page.html`.
    const html = await fileAt(`${file}.html`);
    if (html?.isFile()) return send(req, res, `${file}.html`, html.size, html.mtimeMs);
    return notFound(req, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
