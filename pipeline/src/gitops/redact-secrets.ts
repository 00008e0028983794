/** Characters of base64 and base64url text, padding included. */
const BASE64_CHAR = /[A-Za-z0-9+/=_-]/;
/** Secrets shorter than this are only redacted as written: their encodings are too short to tell apart from other text. */
const MIN_ENCODED_BYTES = 6;
/** How much of a message from GitHub (or git) is printed, after redaction. */
export const MAX_MESSAGE_CHARS = 200;

/**
 * `text` with every form of each secret replaced by `***`: as written and URL-encoded, in
 * any letter case, and base64 or base64url-encoded, alone or inside a longer encoded text
 * such as `x-access-token:TOKEN`, `TOKEN:`, `:TOKEN` or `Bearer TOKEN` (what Basic and
 * Bearer headers carry), with or without padding. An encoded secret takes the whole
 * base64 run around it with it, so no part of the encoded text is left.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string>): string {
  const written = new Set<string>();
  const encoded = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    written.add(secret);
    written.add(encodeURIComponent(secret));
    if (Buffer.byteLength(secret) >= MIN_ENCODED_BYTES) for (const core of base64Cores(secret)) encoded.add(core);
  }
  if (written.size === 0) return text;
  const out = text.replace(anyOf(written), "***");
  if (encoded.size === 0) return out;
  // An encoded secret: widen each match to the base64 run it is part of.
  const pattern = anyOf(encoded);
  let match: RegExpExecArray | null;
  let result = "";
  let last = 0;
  while ((match = pattern.exec(out)) !== null) {
    let start = match.index;
    let end = start + match[0].length;
    while (start > last && BASE64_CHAR.test(out[start - 1]!)) start--;
    while (end < out.length && BASE64_CHAR.test(out[end]!)) end++;
    result += `${out.slice(last, start)}***`;
    last = end;
    pattern.lastIndex = end;
  }
  return result + out.slice(last);
}

/**
 * A message from GitHub or git as it may be printed: secrets redacted (first, so that no
 * cut can split a secret), credentials in URLs removed, control characters (terminal
 * escapes, line breaks that would fake more output lines) turned into spaces, and at most
 * MAX_MESSAGE_CHARS characters.
 */
export function shortMessage(text: string, secrets: ReadonlyArray<string>): string {
  const clean = redactSecrets(text, secrets)
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, "$1***@")
    // eslint-disable-next-line no-control-regex -- control characters are what this line removes
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ")
    .trim();
  return clean.length > MAX_MESSAGE_CHARS ? `${clean.slice(0, MAX_MESSAGE_CHARS)}…` : clean;
}

/**
 * The base64 and base64url characters that encode `secret` whatever comes before and after
 * it: for each of the three alignments a secret can have in a longer encoded text, the
 * characters whose six bits all come from the secret.
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const first = Math.ceil((8 * offset) / 6);
    const last = Math.floor((8 * (offset + bytes.length)) / 6) - 1;
    const core = encoded.slice(first, last + 1);
    cores.push(core, core.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return cores;
}

/** A case-insensitive global pattern matching any of `texts` literally (longest first). */
function anyOf(texts: Set<string>): RegExp {
  const sorted = [...texts].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map((t) => t.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")).join("|"), "gi");
}
