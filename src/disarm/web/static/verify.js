// verify.js: check a disarm transparency log in the reader's own browser.
//
// An ES module with no dependency and no build step. The only cryptography is the browser's
// WebCrypto (crypto.subtle): SHA-256 and Ed25519. It implements, byte for byte as the Python
// package (disarm.tlog) writes and checks them:
//
//   * RFC 9162 §2.1.1 hashes: leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || l || r);
//   * RFC 9162 §2.1.3.2 inclusion-proof and §2.1.4.2 consistency-proof verification;
//   * subtree inclusion and consistency proofs (draft-ietf-plants-merkle-tree-certs §4);
//   * C2SP signed-note (c2sp.org/signed-note): verifier keys "name+keyid+base64(type||key)",
//     key ID = SHA-256(name || 0x0A || type || public key)[:4], signature lines
//     "— name base64(key ID || signature)" after the last blank line;
//   * C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): origin, decimal tree size, base64 root;
//   * C2SP tlog-cosignature (c2sp.org/tlog-cosignature): type 0x04 witness keys, signature =
//     uint64 big-endian timestamp || Ed25519 over "cosignature/v1\ntime T\n" || checkpoint text,
//     and a witness quorum the caller chooses.
//
// Every exported function returns (or resolves to) a result object
//
//   { ok: boolean, checks: [{ check, ok, detail }], reason: string | null, ...values }
//
// listing what was checked, in order; the first failed check stops the run and its detail is
// the reason. A result is never ok because something could not be checked: missing data, an
// unsupported browser or an unexpected error all give ok: false with a reason.
//
// What it trusts: the keys the caller pins (the log's verifier key and the witnesses' keys)
// and the browser's WebCrypto. See docs/web-verify.md.

const te = new TextEncoder();
const EM_DASH = "\u2014";
const MAX_SIGNATURES = 100;
const MAX_U64 = (1n << 64n) - 1n;
const MAX_TIMESTAMP = (1n << 63n) - 1n;
const HASH_SIZE = 32;
const ALG_ED25519 = 0x01;
const ALG_COSIGNATURE_V1 = 0x04;
const CONTROL = /[\x00-\x09\x0b-\x1f]/;
const BAD_NAME_CHAR = /[\s+\x00-\x1f\u2014]/u;

// ------------------------------------------------------------------------------- results

class Failure extends Error {
  constructor(message, recorded = false) {
    super(message);
    this.recorded = recorded; // already in the checks list
  }
}

class Run {
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
async function runChecks(body) {
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

function fromBase64(text, what) {
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
function bytesOf(value, what) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof value === "string") return fromBase64(value, what);
  throw new Failure(`${what} is missing or not bytes`);
}

// A uint64 from a BigInt, a safe integer or a decimal string.
function u64(value, what) {
  let n;
  if (typeof value === "bigint") n = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === "string" && /^(0|[1-9][0-9]*)$/.test(value)) n = BigInt(value);
  else throw new Failure(`${what} ${String(value)} is not an exact whole number`);
  if (n < 0n || n > MAX_U64) throw new Failure(`${what} ${n} is not in 0..2^64-1`);
  return n;
}

function equalBytes(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function subtle() {
  if (!globalThis.crypto || !globalThis.crypto.subtle) {
    throw new Failure("this browser offers no WebCrypto here (it needs HTTPS or localhost)");
  }
  return globalThis.crypto.subtle;
}

// ------------------------------------------------------------------------------- RFC 9162 hashes

/** SHA-256 of bytes (WebCrypto). */
export async function sha256(bytes) {
  return new Uint8Array(await subtle().digest("SHA-256", bytes));
}

/** RFC 9162 leaf hash: SHA-256(0x00 || entry). */
export async function leafHash(entry) {
  return sha256(concat(new Uint8Array([0]), bytesOf(entry, "entry")));
}

/** RFC 9162 interior node hash: SHA-256(0x01 || left || right). */
export async function nodeHash(left, right) {
  return sha256(concat(new Uint8Array([1]), left, right));
}

function checkProofHashes(run, proof, what) {
  const hashes = (proof || []).map((p, i) => bytesOf(p, `${what} hash ${i}`));
  hashes.forEach((h, i) => {
    if (h.length !== HASH_SIZE) run.fail(what, `${what} hash ${i} is ${h.length} bytes, not 32`);
  });
  return hashes;
}

// RFC 9162 §2.1.3.2 steps on (fn, sn): the root a path leads to from `hash`.
async function rootFromPath(run, hash, index, size, proof, what) {
  let fn = index;
  let sn = size - 1n;
  let r = hash;
  for (const p of proof) {
    if (sn === 0n) run.fail(what, `${what} for index ${index} in size ${size} has too many hashes`);
    if (fn & 1n || fn === sn) {
      r = await nodeHash(p, r);
      while (!(fn & 1n) && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) run.fail(what, `${what} for index ${index} in size ${size} has too few hashes`);
  return r;
}

/**
 * RFC 9162 §2.1.3.2: is `leafHash` leaf `index` of the tree of `size` with root `root`?
 * Hashes are Uint8Array or base64; numbers are safe integers, BigInt or decimal strings.
 */
export async function verifyInclusion({ leafHash: leaf, index, size, proof, root }) {
  return runChecks(async (run) => {
    const i = u64(index, "leaf index");
    const n = u64(size, "tree size");
    if (i >= n) run.fail("index", `leaf index ${i} is outside a tree of size ${n}`);
    const lh = bytesOf(leaf, "leaf hash");
    if (lh.length !== HASH_SIZE) run.fail("leaf hash", `the leaf hash is ${lh.length} bytes`);
    const path = checkProofHashes(run, proof, "inclusion proof");
    const want = bytesOf(root, "root hash");
    const got = await rootFromPath(run, lh, i, n, path, "inclusion proof");
    if (!equalBytes(got, want)) {
      run.fail(
        "inclusion proof",
        `inclusion proof for leaf ${i} does not lead to the root of tree size ${n} ` +
          `(computed ${toHex(got)}, expected ${toHex(want)})`,
      );
    }
    run.pass("inclusion proof", `leaf ${i} is in the tree of size ${n} (${path.length} hashes)`);
  });
}

/** RFC 9162 §2.1.4.2: is the tree (size1, root1) a prefix of the tree (size2, root2)? */
export async function verifyConsistency({ size1, size2, proof, root1, root2 }) {
  return runChecks(async (run) => {
    const m = u64(size1, "old tree size");
    const n = u64(size2, "new tree size");
    const old = bytesOf(root1, "old root");
    const cur = bytesOf(root2, "new root");
    const what = "consistency proof";
    if (m > n) run.fail("sizes", `old tree size ${m} is larger than new tree size ${n} (a rollback)`);
    if (m === 0n) run.fail("sizes", "a consistency proof from the empty tree (old size 0) proves nothing");
    if (m === n) {
      if ((proof || []).length) run.fail(what, `equal tree sizes (${m}) need an empty consistency proof`);
      if (!equalBytes(old, cur)) run.fail(what, `two different roots for the same tree size ${m} (a fork)`);
      run.pass(what, `same tree size ${m} and the same root`);
      return;
    }
    const path = checkProofHashes(run, proof, what);
    if (!path.length) run.fail(what, `empty consistency proof from size ${m} to ${n}`);
    if ((m & (m - 1n)) === 0n) path.unshift(old); // the old root is a node of the new tree
    let fn = m - 1n;
    let sn = n - 1n;
    while (fn & 1n) {
      fn >>= 1n;
      sn >>= 1n;
    }
    let fr = path[0];
    let sr = path[0];
    for (const c of path.slice(1)) {
      if (sn === 0n) run.fail(what, `consistency proof from ${m} to ${n} has too many hashes`);
      if (fn & 1n || fn === sn) {
        fr = await nodeHash(c, fr);
        sr = await nodeHash(c, sr);
        while (!(fn & 1n) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      } else {
        sr = await nodeHash(sr, c);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    if (sn !== 0n) run.fail(what, `consistency proof from ${m} to ${n} has too few hashes`);
    if (!equalBytes(fr, old)) run.fail(what, `consistency proof does not lead to the old root (size ${m})`);
    if (!equalBytes(sr, cur)) run.fail(what, `consistency proof does not lead to the new root (size ${n})`);
    run.pass(what, `the tree of size ${m} is a prefix of the tree of size ${n}`);
  });
}

// ------------------------------------------------------------------------------- subtrees

function bitCeil(n) {
  let p = 1n;
  while (p < n) p <<= 1n;
  return p;
}

function checkSubtree(run, start, end) {
  if (!(start <= end && start % bitCeil(end - start) === 0n)) {
    run.fail("subtree", `[${start}, ${end}) is not a valid subtree`);
  }
}

/** Is `leafHash` entry `index` of the subtree [start, end) whose hash is `subtreeHash`? */
export async function verifySubtreeInclusion({ leafHash: leaf, index, start, end, proof, subtreeHash }) {
  return runChecks(async (run) => {
    const [i, s, e] = [u64(index, "entry index"), u64(start, "start"), u64(end, "end")];
    checkSubtree(run, s, e);
    if (!(s <= i && i < e)) run.fail("index", `entry ${i} is outside the subtree [${s}, ${e})`);
    const lh = bytesOf(leaf, "leaf hash");
    if (lh.length !== HASH_SIZE) run.fail("leaf hash", `the leaf hash is ${lh.length} bytes`);
    const path = checkProofHashes(run, proof, "inclusion proof");
    const got = await rootFromPath(run, lh, i - s, e - s, path, "inclusion proof");
    if (!equalBytes(got, bytesOf(subtreeHash, "subtree hash"))) {
      run.fail("inclusion proof", `inclusion proof for entry ${i} does not lead to the subtree [${s}, ${e})`);
    }
    run.pass("inclusion proof", `entry ${i} is in the subtree [${s}, ${e})`);
  });
}

/** Is the subtree [start, end) with `subtreeHash` part of the tree of `size` with `root`? */
export async function verifySubtreeConsistency({ start, end, size, proof, subtreeHash, root }) {
  return runChecks(async (run) => {
    const [s, e, n] = [u64(start, "start"), u64(end, "end"), u64(size, "tree size")];
    const sub = bytesOf(subtreeHash, "subtree hash");
    const want = bytesOf(root, "root hash");
    const what = "subtree consistency proof";
    checkSubtree(run, s, e);
    if (e > n) run.fail("subtree", `subtree [${s}, ${e}) ends beyond the tree size ${n}`);
    if (s === e) {
      const empty = await sha256(new Uint8Array());
      if ((proof || []).length || !equalBytes(sub, empty)) {
        run.fail(what, "an empty subtree needs an empty proof and the empty hash");
      }
      run.pass(what, "the empty subtree");
      return;
    }
    const path = checkProofHashes(run, proof, what);
    let [fn, sn, tn] = [s, e - 1n, n - 1n];
    const shift = () => {
      fn >>= 1n;
      sn >>= 1n;
      tn >>= 1n;
    };
    if (sn === tn) {
      while (fn !== sn) shift();
    } else {
      while (fn !== sn && sn & 1n) shift();
    }
    let fr;
    if (fn === sn) {
      fr = sub;
    } else {
      if (!path.length) run.fail(what, `empty consistency proof for subtree [${s}, ${e}) in size ${n}`);
      fr = path.shift();
    }
    let sr = fr;
    for (const c of path) {
      if (tn === 0n) run.fail(what, `${what} for [${s}, ${e}) has too many hashes`);
      if (sn & 1n || sn === tn) {
        if (fn < sn) fr = await nodeHash(c, fr);
        sr = await nodeHash(c, sr);
        while (sn !== 0n && !(sn & 1n)) shift();
      } else {
        sr = await nodeHash(sr, c);
      }
      shift();
    }
    if (tn !== 0n) run.fail(what, `${what} for [${s}, ${e}) has too few hashes`);
    if (!equalBytes(fr, sub)) run.fail(what, `proof does not lead to the hash of subtree [${s}, ${e})`);
    if (!equalBytes(sr, want)) run.fail(what, `proof does not lead to the root of tree size ${n}`);
    run.pass(what, `subtree [${s}, ${e}) is part of the tree of size ${n}`);
  });
}

// ------------------------------------------------------------------------------- signed notes

function checkName(name, what) {
  if (!name || BAD_NAME_CHAR.test(name)) {
    throw new Failure(`${what}: key name must be non-empty, without spaces, '+' or control characters`);
  }
}

/** The key ID of a key: SHA-256(name || 0x0A || type || public key)[:4] as a uint32. */
export async function keyId(name, type, publicKey) {
  const digest = await sha256(concat(te.encode(`${name}\n`), new Uint8Array([type]), publicKey));
  return new DataView(digest.buffer).getUint32(0);
}

/**
 * Parse a verifier key "name+keyid+base64(type || 32-byte Ed25519 key)" and check that its
 * key ID matches the key. Resolves to a result with `key: {name, keyId, type, publicKey, vkey}`.
 */
export async function parseVerifierKey(vkey) {
  return runChecks(async (run) => {
    if (vkey && typeof vkey === "object" && vkey.publicKey) return { key: vkey }; // parsed already
    const parts = typeof vkey === "string" ? vkey.trim().match(/^([^+]*)\+([^+]*)\+(.*)$/s) : null;
    if (!parts) run.fail("key", "a verifier key must look like NAME+KEYID+BASE64");
    const [, name, hexId, b64] = parts;
    checkName(name, "verifier key");
    if (!/^[0-9a-f]{8}$/.test(hexId)) run.fail("key", `verifier key ${name}: key ID is not 8 lowercase hex digits`);
    const raw = fromBase64(b64, `verifier key ${name}`);
    if (raw.length !== 33 || (raw[0] !== ALG_ED25519 && raw[0] !== ALG_COSIGNATURE_V1)) {
      run.fail("key", `verifier key ${name}: not a type 0x01 or 0x04 Ed25519 key`);
    }
    const key = { name, keyId: parseInt(hexId, 16), type: raw[0], publicKey: raw.slice(1), vkey: vkey.trim() };
    const computed = await keyId(name, key.type, key.publicKey);
    if (computed !== key.keyId) {
      run.fail("key", `verifier key ${name}: key ID ${hexId} does not match the key`);
    }
    const kind = key.type === ALG_ED25519 ? "Ed25519, type 0x01" : "cosignature/v1, type 0x04";
    run.pass("key", `${name}+${hexId} (${kind})`);
    return { key };
  });
}

/**
 * Split a signed note (string or bytes) into its text and signature lines, without verifying
 * anything. Result values: `text`, `signatures: [{name, keyId, signature}]`.
 */
export function splitNote(note) {
  return parsed("note", () => splitNoteOrThrow(note), (v) => `${v.signatures.length} signature lines`);
}

// A parsing result: one check, passed (detail from `describe`) or failed with its reason.
function parsed(check, parse, describe) {
  try {
    const values = parse();
    return { ok: true, checks: [{ check, ok: true, detail: describe(values) }], reason: null, ...values };
  } catch (err) {
    const reason = err instanceof Failure ? err.message : `could not parse the ${check}: ${err}`;
    return { ok: false, checks: [{ check, ok: false, detail: reason }], reason };
  }
}

function splitNoteOrThrow(note) {
  if (note instanceof Uint8Array || note instanceof ArrayBuffer) {
    try {
      note = new TextDecoder("utf-8", { fatal: true }).decode(note);
    } catch {
      throw new Failure("note is not valid UTF-8");
    }
  }
  if (typeof note !== "string") throw new Failure("note is missing");
  if (CONTROL.test(note)) throw new Failure("note contains a control character other than newline");
  const cut = note.lastIndexOf("\n\n");
  if (cut < 0) throw new Failure("note has no blank line between its text and its signatures");
  const text = note.slice(0, cut + 1);
  const block = note.slice(cut + 2);
  if (!block) throw new Failure("note has no signature lines after its blank line");
  if (!block.endsWith("\n")) throw new Failure("note's last signature line does not end with a newline");
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > MAX_SIGNATURES) throw new Failure(`note has more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line, i) => {
    const fields = line.startsWith(`${EM_DASH} `) ? line.slice(2).split(" ") : [];
    if (fields.length !== 2 || !fields[0]) throw new Failure(`note signature line ${i + 1} is not '— NAME BASE64'`);
    const [name, b64] = fields;
    checkName(name, `note signature line ${i + 1}`);
    const raw = fromBase64(b64, `note signature line ${i + 1}`);
    if (raw.length < 5) throw new Failure(`note signature line ${i + 1} is too short`);
    return { name, keyId: new DataView(raw.buffer).getUint32(0), signature: raw.slice(4) };
  });
  return { text, signatures };
}

/**
 * Parse a checkpoint text (no signatures): origin, tree size, root hash, extension lines.
 * Result values: `checkpoint: {origin, size (decimal string), rootHash (base64), extensions}`.
 */
export function parseCheckpoint(text) {
  return parsed("checkpoint", () => ({ checkpoint: parseCheckpointOrThrow(text) }), (v) =>
    describeCheckpoint(v.checkpoint),
  );
}

function describeCheckpoint(checkpoint) {
  return `origin ${checkpoint.origin}, tree size ${checkpoint.size}, root ${checkpoint.rootHash}`;
}

function parseCheckpointOrThrow(text) {
  if (typeof text !== "string" || !text.endsWith("\n")) throw new Failure("checkpoint text must end with a newline");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) throw new Failure("checkpoint needs origin, size and root hash lines");
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (!origin || origin !== origin.trim() || CONTROL.test(origin)) {
    throw new Failure("checkpoint origin must be one non-empty line without surrounding spaces");
  }
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || BigInt(sizeText) > MAX_U64) {
    throw new Failure(`checkpoint tree size ${JSON.stringify(sizeText)} is not a uint64 in decimal`);
  }
  const root = fromBase64(rootText, "checkpoint root hash");
  if (root.length !== HASH_SIZE) throw new Failure(`checkpoint root hash is ${root.length} bytes, not 32`);
  if (extensions.some((e) => !e)) throw new Failure("checkpoint extension lines must not be empty");
  return { origin, size: sizeText, rootHash: rootText, extensions };
}

async function ed25519Verify(publicKey, signature, message) {
  let key;
  try {
    key = await subtle().importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
  } catch (err) {
    throw new Failure(`this browser cannot check Ed25519 signatures (${err && err.name})`);
  }
  return subtle().verify({ name: "Ed25519" }, key, signature, message);
}

function cosignatureMessage(text, timestamp) {
  return te.encode(`cosignature/v1\ntime ${timestamp}\n${text}`);
}

// Verify one signature line by a known key; returns the timestamp (cosignatures) or null.
async function verifySignature(key, text, signature) {
  if (key.type === ALG_COSIGNATURE_V1) {
    if (signature.length !== 72) throw new Failure(`cosignature by ${key.name} has ${signature.length} bytes, not 72`);
    const timestamp = new DataView(signature.buffer, signature.byteOffset).getBigUint64(0);
    if (timestamp > MAX_TIMESTAMP) throw new Failure(`cosignature by ${key.name} has a timestamp beyond 2^63-1`);
    const good = await ed25519Verify(key.publicKey, signature.slice(8), cosignatureMessage(text, timestamp));
    if (!good) throw new Failure(`cosignature by ${key.name} (${hex8(key.keyId)}) does not verify`);
    return timestamp;
  }
  if (!(await ed25519Verify(key.publicKey, signature, te.encode(text)))) {
    throw new Failure(`signature by ${key.name} (${hex8(key.keyId)}) does not verify`);
  }
  return null;
}

function hex8(n) {
  return n.toString(16).padStart(8, "0");
}

function isoTime(seconds) {
  const ms = Number(seconds) * 1000;
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : `${seconds} s`;
}

/**
 * Verify a cosigned checkpoint against pinned keys:
 *
 *   logKey       the log's verifier key (string or parsed), type 0x01;
 *   witnessKeys  the witnesses' verifier keys, type 0x04 (may be empty);
 *   quorum       how many of them must have cosigned (required; 0 must be asked for);
 *   origin       optional: the log the checkpoint must be for;
 *   notAfter     optional POSIX seconds: a cosignature dated later fails.
 *
 * Signatures by unknown keys are ignored; a signature by a pinned key that fails rejects the
 * checkpoint. Result values: `checkpoint` (see parseCheckpoint), `text` (the signed body) and
 * `cosigners: [{name, keyId, timestamp (decimal string)}]`.
 */
export async function verifyCheckpoint(note, { logKey, witnessKeys = [], quorum, origin, notAfter } = {}) {
  return runChecks(async (run) => {
    const pinned = async (vkey) => {
      const parsedKey = await parseVerifierKey(vkey);
      return parsedKey.ok ? parsedKey.key : run.take(parsedKey); // only a failure is listed
    };
    const log = await pinned(logKey);
    if (log.type !== ALG_ED25519) run.fail("log key", `log key ${log.name} is not an Ed25519 (type 0x01) key`);
    const witnesses = [];
    for (const w of witnessKeys) {
      const key = await pinned(w);
      if (key.type !== ALG_COSIGNATURE_V1) run.fail("witness key", `witness key ${key.name} is not a cosignature (type 0x04) key`);
      if (witnesses.some((k) => k.name === key.name && k.keyId === key.keyId)) {
        run.fail("witness key", `witness key ${key.name} is given twice`);
      }
      witnesses.push(key);
    }
    if (!Number.isInteger(quorum) || quorum < 0 || quorum > witnesses.length) {
      run.fail("quorum", `the witness quorum must be given, between 0 and ${witnesses.length}`);
    }
    const { text, signatures } = run.take(splitNote(note));
    const known = [log, ...witnesses];
    const verified = new Map();
    for (const sig of signatures) {
      const key = known.find((k) => k.name === sig.name && k.keyId === sig.keyId);
      if (!key) continue; // an unknown key: ignored
      const check = key === log ? "log signature" : "cosignature";
      let timestamp;
      try {
        timestamp = await verifySignature(key, text, sig.signature);
      } catch (err) {
        if (err instanceof Failure) run.fail(check, err.message);
        throw err;
      }
      if (!verified.has(key)) verified.set(key, timestamp);
    }
    if (!verified.has(log)) {
      run.fail("log signature", `checkpoint is not signed by the pinned log key ${log.name}+${hex8(log.keyId)}`);
    }
    run.pass("log signature", `signed by the log key ${log.name}+${hex8(log.keyId)} (Ed25519)`);
    const { checkpoint } = run.take(parseCheckpoint(text));
    if (origin !== undefined && origin !== null) {
      if (checkpoint.origin !== origin) run.fail("origin", `checkpoint is for another log: ${checkpoint.origin}, not ${origin}`);
      run.pass("origin", `the checkpoint is for ${origin}`);
    }
    const limit = notAfter === undefined || notAfter === null ? null : u64(notAfter, "notAfter");
    const cosigners = [];
    for (const w of witnesses) {
      if (!verified.has(w)) continue;
      const t = verified.get(w);
      if (limit !== null && t > limit) run.fail("cosignature", `cosignature by ${w.name} is dated in the future (${isoTime(t)})`);
      run.pass("cosignature", `cosigned by the witness ${w.name} at ${isoTime(t)}`);
      cosigners.push({ name: w.name, keyId: w.keyId, timestamp: t.toString() });
    }
    if (cosigners.length < quorum) {
      run.fail(
        "quorum",
        `checkpoint has ${cosigners.length} valid cosignatures from pinned witnesses; the quorum is ${quorum}`,
      );
    }
    run.pass("quorum", `${cosigners.length} of ${witnesses.length} pinned witnesses cosigned; the quorum is ${quorum}`);
    return { checkpoint, text, cosigners };
  });
}

/**
 * Verify one log entry end to end: the checkpoint (as verifyCheckpoint, same options), then
 * the entry's leaf hash and its inclusion proof to the checkpoint's root.
 *
 *   entry or leafHash   the entry's bytes (its leaf hash is computed) or its leaf hash;
 *   index, proof        the leaf index and the inclusion proof for the checkpoint's size.
 */
export async function verifyEntry({ checkpoint: note, entry, leafHash: given, index, proof, ...keys }) {
  return runChecks(async (run) => {
    const cp = run.take(await verifyCheckpoint(note, keys)).checkpoint;
    let lh;
    if (entry !== undefined && entry !== null) {
      lh = await leafHash(entry);
      if (given !== undefined && given !== null && !equalBytes(lh, bytesOf(given, "leaf hash"))) {
        run.fail("leaf hash", `the entry's leaf hash ${toHex(lh)} is not the one given`);
      }
      run.pass("leaf hash", `the entry hashes to leaf ${toHex(lh)}`);
    } else {
      lh = bytesOf(given, "leaf hash");
      run.pass("leaf hash", `leaf hash ${toHex(lh)} given (the entry itself was not checked)`);
    }
    run.take(await verifyInclusion({ leafHash: lh, index, size: cp.size, proof, root: cp.rootHash }));
    return { checkpoint: cp, leafHash: toHex(lh) };
  });
}

/**
 * Show a result in a page: a status line and the list of checks, written with textContent only.
 * Classes: verify-ok / verify-fail on the status and on each check (style them, e.g. red).
 */
export function renderResult(result, container) {
  const doc = container.ownerDocument;
  const status = doc.createElement("p");
  status.className = result.ok ? "verify-ok" : "verify-fail";
  status.setAttribute("role", "status");
  status.textContent = result.ok ? "Verified." : `Verification FAILED: ${result.reason}`;
  const list = doc.createElement("ul");
  for (const c of result.checks) {
    const item = doc.createElement("li");
    item.className = c.ok ? "verify-ok" : "verify-fail";
    item.textContent = `${c.ok ? "\u2713" : "\u2717"} ${c.check}: ${c.detail}`;
    list.append(item);
  }
  container.replaceChildren(status, list);
  return container;
}
