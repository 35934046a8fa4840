// checks.js: the result objects and byte/number decoding shared by verify.js and merkle.js.
// A result is { ok, checks: [{ check, ok, detail }], reason, ...values }; see verify.js.

export const MAX_U64 = (1n << 64n) - 1n;

// ------------------------------------------------------------------------------- results

export class Failure extends Error {
  constructor(message, recorded = false) {
    super(message);
    this.recorded = recorded; // already in the checks list
  }
}

export class Run {
  constructor() {
    this.checks = [];
  }
  pass(check, detail) {
    this.checks.push({ check, ok: true, detail });
  }
  fail(check, detail) {
    this.checks.push({ check, ok: false, detail });
    throw new Failure(detail, true);
  }
  // Merge a sub-result's checks; stop on its failure.
  take(result) {
    this.checks.push(...result.checks);
    if (!result.ok) throw new Failure(result.reason, true);
    return result;
  }
}

// Run `body(run)` and turn what it did into a result object; `body` returns extra values.
export async function runChecks(body) {
  const run = new Run();
  try {
    const values = (await body(run)) || {};
    return { ok: true, checks: run.checks, reason: null, ...values };
  } catch (err) {
    if (err instanceof Failure) {
      if (!err.recorded) run.checks.push({ check: "input", ok: false, detail: err.message });
      return { ok: false, checks: run.checks, reason: err.message };
    }
    const reason = `could not verify: ${err && err.message ? err.message : String(err)}`;
    run.checks.push({ check: "error", ok: false, detail: reason });
    return { ok: false, checks: run.checks, reason };
  }
}

// ------------------------------------------------------------------------------- encodings

export function fromBase64(text, what) {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4) {
    throw new Failure(`${what} is not valid base64`);
  }
  let bin;
  try {
    bin = atob(text);
  } catch {
    throw new Failure(`${what} is not valid base64`);
  }
  const out = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  if (toBase64(out) !== text) throw new Failure(`${what} is not canonical base64`);
  return out;
}

/** Standard base64 of a byte array. */
export function toBase64(bytes) {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Bytes from hex (as the disarm CLI prints hashes). */
export function fromHex(text) {
  if (typeof text !== "string" || !/^([0-9a-fA-F]{2})*$/.test(text)) throw new Error("not hex");
  return Uint8Array.from(text.match(/../g) || [], (h) => parseInt(h, 16));
}

/** Lowercase hex of a byte array. */
export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Bytes from a Uint8Array, an ArrayBuffer or a base64 string.
export function bytesOf(value, what) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof value === "string") return fromBase64(value, what);
  throw new Failure(`${what} is missing or not bytes`);
}

// A uint64 from a BigInt, a safe integer or a decimal string.
export function u64(value, what) {
  let n;
  if (typeof value === "bigint") n = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === "string" && /^(0|[1-9][0-9]*)$/.test(value)) n = BigInt(value);
  else throw new Failure(`${what} ${String(value)} is not an exact whole number`);
  if (n < 0n || n > MAX_U64) throw new Failure(`${what} ${n} is not in 0..2^64-1`);
  return n;
}

export function equalBytes(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function subtle() {
  if (!globalThis.crypto || !globalThis.crypto.subtle) {
    throw new Failure("this browser offers no WebCrypto here (it needs HTTPS or localhost)");
  }
  return globalThis.crypto.subtle;
}

/** SHA-256 of bytes (WebCrypto). */
export async function sha256(bytes) {
  return new Uint8Array(await subtle().digest("SHA-256", bytes));
}
