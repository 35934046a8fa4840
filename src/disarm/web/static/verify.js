// verify.js: check a disarm transparency log in the reader's own browser.
//
// An ES module (with its helpers merkle.js and checks.js beside it) with no dependency and no
// build step. The only cryptography is the browser's WebCrypto (crypto.subtle): SHA-256 and
// Ed25519. It implements, byte for byte as the Python package (disarm.tlog) writes and checks
// them:
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
// Every verify*/parse* function and splitNote returns (or resolves to) a result object
//
//   { ok: boolean, checks: [{ check, ok, detail }], reason: string | null, ...values }
//
// listing what was checked, in order; the first failed check stops the run and its detail is
// the reason. A result is never ok because something could not be checked: missing data, an
// unsupported browser or an unexpected error all give ok: false with a reason.
//
// What it trusts: the keys the caller pins (the log's verifier key and the witnesses' keys)
// and the browser's WebCrypto. See docs/web-verify.md.

import {
  Failure,
  MAX_U64,
  bytesOf,
  concat,
  equalBytes,
  fromBase64,
  runChecks,
  sha256,
  subtle,
  toHex,
  u64,
} from "./checks.js";
import { leafHash, verifyInclusion } from "./merkle.js";

export { fromHex, sha256, toBase64, toHex } from "./checks.js";
export {
  leafHash,
  nodeHash,
  verifyConsistency,
  verifyInclusion,
  verifySubtreeConsistency,
  verifySubtreeInclusion,
} from "./merkle.js";

const te = new TextEncoder();
const EM_DASH = "\u2014";
const MAX_SIGNATURES = 100;
const MAX_TIMESTAMP = (1n << 63n) - 1n;
const HASH_SIZE = 32;
const ALG_ED25519 = 0x01;
const ALG_COSIGNATURE_V1 = 0x04;
const CONTROL = /[\x00-\x09\x0b-\x1f]/;
const BAD_NAME_CHAR = /[\s+\x00-\x1f\u2014]/u;

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
    const parts = typeof vkey === "string" ? vkey.trim().match(/^([^+]*)\+([^+]*)\+(.*)$/s) : null;
    if (!parts) run.fail("key", "a verifier key must look like NAME+KEYID+BASE64");
    const [, name, hexId, b64] = parts;
    checkName(name, "verifier key");
    if (!/^[0-9a-f]{8}$/.test(hexId)) {
      run.fail("key", `verifier key ${name}: key ID is not 8 lowercase hex digits`);
    }
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

// Text from a string or UTF-8 bytes.
function textOf(value, what) {
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(value);
    } catch {
      throw new Failure(`${what} is not valid UTF-8`);
    }
  }
  if (typeof value !== "string") throw new Failure(`${what} is missing`);
  return value;
}

function splitNoteOrThrow(input) {
  const note = textOf(input, "note");
  if (CONTROL.test(note)) throw new Failure("note contains a control character other than newline");
  const cut = note.lastIndexOf("\n\n");
  if (cut < 0) throw new Failure("note has no blank line between its text and its signatures");
  const text = note.slice(0, cut + 1);
  const block = note.slice(cut + 2);
  if (!block) throw new Failure("note has no signature lines after its blank line");
  if (!block.endsWith("\n")) throw new Failure("note's last signature line does not end with a newline");
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > MAX_SIGNATURES) {
    throw new Failure(`note has more than ${MAX_SIGNATURES} signatures`);
  }
  const signatures = lines.map((line, i) => {
    const fields = line.startsWith(`${EM_DASH} `) ? line.slice(2).split(" ") : [];
    if (fields.length !== 2 || !fields[0]) {
      throw new Failure(`note signature line ${i + 1} is not '— NAME BASE64'`);
    }
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
  if (typeof text !== "string" || !text.endsWith("\n")) {
    throw new Failure("checkpoint text must end with a newline");
  }
  if (CONTROL.test(text)) throw new Failure("checkpoint text contains a control character");
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
  if (root.length !== HASH_SIZE) {
    throw new Failure(`checkpoint root hash is ${root.length} bytes, not 32`);
  }
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
    if (signature.length !== 72) {
      throw new Failure(`cosignature by ${key.name} has ${signature.length} bytes, not 72`);
    }
    const timestamp = new DataView(signature.buffer, signature.byteOffset).getBigUint64(0);
    if (timestamp > MAX_TIMESTAMP) {
      throw new Failure(`cosignature by ${key.name} has a timestamp beyond 2^63-1`);
    }
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
 *   logKey       the log's verifier key string, type 0x01;
 *   witnessKeys  the witnesses' verifier key strings, type 0x04 (may be empty);
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
    if (log.type !== ALG_ED25519) {
      run.fail("log key", `log key ${log.name} is not an Ed25519 (type 0x01) key`);
    }
    const witnesses = [];
    for (const w of witnessKeys) {
      const key = await pinned(w);
      if (key.type !== ALG_COSIGNATURE_V1) {
        run.fail("witness key", `witness key ${key.name} is not a cosignature (type 0x04) key`);
      }
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
      if (checkpoint.origin !== origin) {
        run.fail("origin", `checkpoint is for another log: ${checkpoint.origin}, not ${origin}`);
      }
      run.pass("origin", `the checkpoint is for ${origin}`);
    }
    const limit = notAfter === undefined || notAfter === null ? null : u64(notAfter, "notAfter");
    const cosigners = [];
    for (const w of witnesses) {
      if (!verified.has(w)) continue;
      const t = verified.get(w);
      if (limit !== null && t > limit) {
        run.fail("cosignature", `cosignature by ${w.name} is dated in the future (${isoTime(t)})`);
      }
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
    const { checkpoint: cp, cosigners } = run.take(await verifyCheckpoint(note, keys));
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
    return { checkpoint: cp, cosigners, leafHash: toHex(lh) };
  });
}

const BUNDLE_HEADER = "c2sp.org/tlog-proof@v1";

/**
 * Parse an offline proof bundle (c2sp.org/tlog-proof@v1, as `disarm log prove --out` writes
 * it): header, optional "extra <base64 entry>", "index <n>", one base64 proof hash per line,
 * an empty line, then the cosigned checkpoint note. Result values: `bundle: {entry (Uint8Array
 * or null), index (decimal string), proof, note}`.
 */
export function parseProofBundle(text) {
  return parsed("proof bundle", () => ({ bundle: parseBundleOrThrow(text) }), (v) =>
    `entry ${v.bundle.index}, ${v.bundle.proof.length} proof hashes`,
  );
}

function parseBundleOrThrow(input) {
  const text = textOf(input, "proof bundle");
  const cut = text.indexOf("\n\n");
  if (cut < 0) throw new Failure("proof bundle has no empty line before the checkpoint");
  const lines = text.slice(0, cut).split("\n");
  const note = text.slice(cut + 2);
  if (lines[0] !== BUNDLE_HEADER) {
    throw new Failure(`proof bundle must start with the line ${BUNDLE_HEADER}`);
  }
  let at = 1;
  let entry = null;
  if (at < lines.length && lines[at].startsWith("extra ")) {
    entry = fromBase64(lines[at].slice(6), "proof bundle: the extra (entry) line");
    at += 1;
  }
  const index = at < lines.length && lines[at].match(/^index (0|[1-9][0-9]*)$/);
  if (!index) {
    throw new Failure("proof bundle has no 'index <n>' line (a decimal without leading zeroes)");
  }
  const proof = lines.slice(at + 1).map((line, i) => {
    const hash = fromBase64(line, `proof bundle: inclusion proof line ${i + 1}`);
    if (hash.length !== HASH_SIZE) {
      throw new Failure(`proof bundle: inclusion proof line ${i + 1} is not a 32-byte hash`);
    }
    return hash;
  });
  if (proof.length > 64) {
    throw new Failure(`proof bundle has ${proof.length} proof hashes, more than 64`);
  }
  splitNoteOrThrow(note); // the checkpoint must at least be a well-formed note
  return { entry, index: index[1], proof, note };
}

/**
 * Verify an offline proof bundle with pinned keys (options as verifyCheckpoint). `entry`, if
 * given, must equal the bundle's entry; a bundle without an entry needs it.
 */
export async function verifyProofBundle(text, { entry, ...keys } = {}) {
  return runChecks(async (run) => {
    const { bundle } = run.take(parseProofBundle(text));
    let data = bundle.entry;
    if (entry !== undefined && entry !== null) {
      const given = bytesOf(entry, "entry");
      if (data && !equalBytes(data, given)) {
        run.fail("entry", "the entry given differs from the entry in the bundle");
      }
      data = given;
    }
    if (!data) run.fail("entry", "the bundle carries no entry (no 'extra' line); give the entry");
    const { index, proof, note } = bundle;
    const checked = run.take(await verifyEntry({ checkpoint: note, entry: data, index, proof, ...keys }));
    const { checkpoint, cosigners, leafHash: lh } = checked;
    return { checkpoint, cosigners, leafHash: lh, index };
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
