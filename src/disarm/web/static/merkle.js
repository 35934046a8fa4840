// merkle.js: RFC 9162 Merkle tree hashes and proof verification (§2.1.1, §2.1.3.2, §2.1.4.2),
// and subtree proofs after draft-ietf-plants-merkle-tree-certs §4, with WebCrypto SHA-256.
// The same algorithms as disarm.tlog.merkle and disarm.tlog.subtree; see verify.js.

import { bytesOf, concat, equalBytes, runChecks, sha256, toHex, u64 } from "./checks.js";

const HASH_SIZE = 32;

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

// The walk RFC 9162 §2.1.3.2 and §2.1.4.2 share: for each proof hash `c`, call left(c) when
// `c` is a left sibling, else right(c), moving (fn, sn) up the tree; the path must end at sn 0.
async function walk(run, what, fn, sn, path, left, right) {
  for (const c of path) {
    if (sn === 0n) run.fail(what, `${what} has too many hashes`);
    if (fn & 1n || fn === sn) {
      await left(c);
      while (!(fn & 1n) && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      await right(c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) run.fail(what, `${what} has too few hashes`);
}

// The root an inclusion proof leads to from `hash`, leaf `index` of a tree of `size`.
async function rootFromPath(run, hash, index, size, proof, what) {
  let r = hash;
  const described = `${what} for index ${index} in size ${size}`;
  await walk(run, described, index, size - 1n, proof,
    async (c) => { r = await nodeHash(c, r); },
    async (c) => { r = await nodeHash(r, c); });
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
    if (m === 0n) {
      run.fail("sizes", "a consistency proof from the empty tree (old size 0) proves nothing");
    }
    if (m === n) {
      if ((proof || []).length) {
        run.fail(what, `equal tree sizes (${m}) need an empty consistency proof`);
      }
      if (!equalBytes(old, cur)) {
        run.fail(what, `two different roots for the same tree size ${m} (a fork)`);
      }
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
    await walk(run, `consistency proof from ${m} to ${n}`, fn, sn, path.slice(1),
      async (c) => {
        fr = await nodeHash(c, fr);
        sr = await nodeHash(c, sr);
      },
      async (c) => { sr = await nodeHash(sr, c); });
    if (!equalBytes(fr, old)) {
      run.fail(what, `consistency proof does not lead to the old root (size ${m})`);
    }
    if (!equalBytes(sr, cur)) {
      run.fail(what, `consistency proof does not lead to the new root (size ${n})`);
    }
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

