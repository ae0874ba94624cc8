// bukejian programme-rule circuit (Groth16 over BN254, circom 2, compile with --O2).
//
// One circuit, one trusted setup, any programme rule: the rule is a PUBLIC INPUT.
// Proves, without revealing the record, that an issuer-signed citizen record (the same credential
// as circuits/eligibility.circom) satisfies a rule of up to K = 8 predicates, that the credential
// is not revoked, and outputs a scoped nullifier:
//   commitment = Poseidon(holderSecret)
//   recordHash = Poseidon(commitment, birthDate, sex, regionCode, income, householdSize,
//                         flags, issuedAt, expiresAt)
//   EdDSA-Poseidon signature of recordHash under the PUBLIC issuer key (issuerAx, issuerAy)
//   issuedAt <= today <= expiresAt
//   predicates k = 0..7, each r_k = neg_k XOR cond_k with, by kind:
//     range: lo_k <= x <= hi_k + mul_k * y        (x, y = record fields chosen by the op word)
//     flags: lo_k <= popcount(flags & mul_k) <= hi_k   (all-set: lo = hi = popcount(mask);
//                                                       all-clear: lo = hi = 0)
//     set s: the chosen field of set slot s is a member of the sorted set with root setRoot[s]
//   rule: every predicate of group 0 holds, AND (every predicate of group 1 holds OR every
//         predicate of group 2 holds)
//   revocation: revId = the low 128 bits of recordHash is NOT in the issuer's sorted revocation
//               list with root revRoot (low leaf (lo, next) with lo < revId < next)
//   nullifier = Poseidon(holderSecret, scope, period)
//
// The operators =, !=, <, <=, >, >=, between, per-head, all-set, all-clear, in-set, not-in-set
// all compile to (op, lo, hi, mul) in src/zk/rules/compile.ts; the verifier derives every public
// input from its own rule, key set, revocation state and request, never from the proof.
//
// SOUNDNESS of the comparisons: every private operand is range-checked below (record fields to
// 48 bits, flags to 32); public operands (lo < 2^48, hi < 2^48, mul < 2^32, tree leaves < 2^49
// resp. <= 2^128) are bounded by the verifier's own compiler, which rejects anything larger; mul
// is also decomposed to 32 bits here. LessEqThan(n) is only sound for operands < 2^n: the widths
// below follow from these bounds.
pragma circom 2.1.0;

include "../node_modules/circomlib/circuits/poseidon.circom";
include "../node_modules/circomlib/circuits/eddsaposeidon.circom";
include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "lib/range.circom";
include "lib/merkle.circom";

// out = in[b2 b1 b0] (binary multiplexer tree, 7 constraints). The bits must be boolean.
template Select8() {
    signal input in[8];
    signal input b[3];
    signal output out;
    signal l1[4];
    signal l2[2];
    for (var i = 0; i < 4; i++) l1[i] <== in[2 * i] + b[0] * (in[2 * i + 1] - in[2 * i]);
    for (var i = 0; i < 2; i++) l2[i] <== l1[2 * i] + b[1] * (l1[2 * i + 1] - l1[2 * i]);
    out <== l2[0] + b[2] * (l2[1] - l2[0]);
}

// A sorted-set slot: the field chosen by `fieldSel` (+1, so 0 stays a sentinel) lies in the low
// leaf (lo, next) of the sorted list committed by `root`: lo <= v < next. member = (lo == v).
// SECURITY: the verifier builds the tree itself (sorted, with sentinels 0 and 2^48 + 1), so
// exactly one leaf satisfies lo <= v < next and `member` is the true membership bit.
template SetSlot(levels) {
    signal input fields[8];
    signal input fieldSel;       // public, 0..7
    signal input root;           // public
    signal input lo;
    signal input next;
    signal input index;
    signal input siblings[levels][3];
    signal output member;

    component sb = Num2Bits(3);  // SECURITY: the selector is 3 boolean bits
    sb.in <== fieldSel;
    component sel = Select8();
    for (var i = 0; i < 8; i++) sel.in[i] <== fields[i];
    for (var i = 0; i < 3; i++) sel.b[i] <== sb.out[i];
    signal v;
    v <== sel.out + 1;           // < 2^48 + 1 (fields range-checked)

    component leaf = Poseidon(2);
    leaf.inputs[0] <== lo;
    leaf.inputs[1] <== next;
    component tree = MerkleRoot4(levels);
    tree.leaf <== leaf.out;
    tree.index <== index;
    for (var i = 0; i < levels; i++) {
        for (var j = 0; j < 3; j++) tree.siblings[i][j] <== siblings[i][j];
    }
    // SECURITY: the leaf is in the verifier's tree (so lo, next are bounded, < 2^49).
    tree.root === root;
    // SECURITY: lo <= v < next (operands < 2^50).
    component a = LessEqThan(50);
    a.in[0] <== lo;
    a.in[1] <== v;
    a.out === 1;
    component b = LessThan(50);
    b.in[0] <== v;
    b.in[1] <== next;
    b.out === 1;
    component eq = IsEqual();
    eq.in[0] <== lo;
    eq.in[1] <== v;
    member <== eq.out;
}

// One predicate. op = fieldSel | mulSel << 3 | kind << 6 | neg << 8 | group << 9 (11 bits;
// kind 0 range, 1 flags, 2 set slot 0, 3 set slot 1; group 0 core, 1 = OR-branch A,
// 2 = OR-branch B). Outputs r (the predicate's truth) and the group bits.
template Predicate() {
    signal input fields[8];
    signal input flagBits[32];
    signal input setMember[2];
    signal input op;
    signal input lo;
    signal input hi;
    signal input mul;
    signal output r;
    signal output inA;
    signal output inB;

    // SECURITY: the op word is decomposed into 11 boolean bits (and is < 2^11).
    component ob = Num2Bits(11);
    ob.in <== op;
    component x = Select8();
    component y = Select8();
    for (var i = 0; i < 8; i++) {
        x.in[i] <== fields[i];
        y.in[i] <== fields[i];
    }
    for (var i = 0; i < 3; i++) {
        x.b[i] <== ob.out[i];
        y.b[i] <== ob.out[3 + i];
    }
    signal k0; signal k1; signal neg;
    k0 <== ob.out[6];
    k1 <== ob.out[7];
    neg <== ob.out[8];
    inA <== ob.out[9];
    inB <== ob.out[10];

    // SECURITY: mul is a multiplier (< 2^32) or a flag mask (32 bits); decomposed here.
    component mb = Num2Bits(32);
    mb.in <== mul;
    signal cnt[33];
    signal prod[32];
    cnt[0] <== 0;
    for (var i = 0; i < 32; i++) {
        prod[i] <== mb.out[i] * flagBits[i];
        cnt[i + 1] <== cnt[i] + prod[i];
    }
    // isFlags = kind == 1 (k0 = 1, k1 = 0)
    signal isFlags;
    isFlags <== k0 * (1 - k1);
    // value compared: the chosen field (< 2^48), or popcount(flags & mask) (<= 32) for flags
    signal v;
    v <== x.out + isFlags * (cnt[32] - x.out);
    // upper bound: hi + mul * y for range predicates (per-head), hi for flags:
    // hi < 2^48, mul < 2^32, y < 2^48, so upper < 2^81
    signal my;
    my <== mul * y.out;
    signal upper;
    upper <== hi + (1 - isFlags) * my;
    component geLo = LessEqThan(49);
    geLo.in[0] <== lo;
    geLo.in[1] <== v;
    component leHi = LessEqThan(82);
    leHi.in[0] <== v;
    leHi.in[1] <== upper;
    signal rangeCond;
    rangeCond <== geLo.out * leHi.out;
    // kind 2/3: the set slot's membership bit
    signal setBit;
    setBit <== setMember[0] + k0 * (setMember[1] - setMember[0]);
    signal cond;
    cond <== rangeCond + k1 * (setBit - rangeCond);
    // r = cond XOR neg
    r <== cond + neg - 2 * cond * neg;
    // SECURITY: a predicate is in at most one OR branch
    inA * inB === 0;
}

template Rules(K, setLevels, revLevels) {
    // ---- private: the credential, the holder secret, the set and revocation witnesses ----
    signal input holderSecret;
    signal input birthDate;
    signal input sex;
    signal input regionCode;
    signal input income;
    signal input householdSize;
    signal input flags;
    signal input issuedAt;
    signal input expiresAt;
    signal input sigR8x;
    signal input sigR8y;
    signal input sigS;
    signal input setLo[2];
    signal input setNext[2];
    signal input setIndex[2];
    signal input setSiblings[2][setLevels][3];
    signal input revLo;
    signal input revNext;
    signal input revIndex;
    signal input revSiblings[revLevels][3];

    // ---- public: derived by the verifier from its rule, key set, revocation state, request ----
    signal input today;
    signal input op[K];
    signal input lo[K];
    signal input hi[K];
    signal input mul[K];
    signal input setField[2];
    signal input setRoot[2];
    signal input revRoot;
    signal input scope;
    signal input period;
    signal input challenge;
    signal input issuerAx;
    signal input issuerAy;

    signal output nullifier;

    // SECURITY: the record binds to the holder only through Poseidon(holderSecret).
    component commit = Poseidon(1);
    commit.inputs[0] <== holderSecret;
    component recordHash = Poseidon(9);
    recordHash.inputs[0] <== commit.out;
    recordHash.inputs[1] <== birthDate;
    recordHash.inputs[2] <== sex;
    recordHash.inputs[3] <== regionCode;
    recordHash.inputs[4] <== income;
    recordHash.inputs[5] <== householdSize;
    recordHash.inputs[6] <== flags;
    recordHash.inputs[7] <== issuedAt;
    recordHash.inputs[8] <== expiresAt;

    // SECURITY: issuer signature under the PUBLIC key (the verifier chooses which keys it accepts).
    component sig = EdDSAPoseidonVerifier();
    sig.enabled <== 1;
    sig.Ax <== issuerAx;
    sig.Ay <== issuerAy;
    sig.S <== sigS;
    sig.R8x <== sigR8x;
    sig.R8y <== sigR8y;
    sig.M <== recordHash.out;

    // SECURITY: every record field < 2^48 (flags < 2^32 through its bit decomposition), so a
    // selected value can never wrap the field in the comparisons. Each field is checked at the
    // width the issuer's record validation (src/zk/record.ts) already guarantees: dates
    // (YYYYMMDD in [18000101, 29991231], src/zk/dates.ts) 25 bits, sex (0..9) 4, regionCode (<= 999999) 20, income 48,
    // householdSize (<= 255) 8; all below 2^48, which is what the comparators below rely on.
    signal fields[8];
    fields[0] <== birthDate;
    fields[1] <== sex;
    fields[2] <== regionCode;
    fields[3] <== income;
    fields[4] <== householdSize;
    fields[5] <== flags;
    fields[6] <== issuedAt;
    fields[7] <== expiresAt;
    var WIDTH[8] = [25, 4, 20, 48, 8, 32, 25, 25];
    component fr[8];
    for (var i = 0; i < 8; i++) {
        if (i != 5) {
            fr[i] = RangeCheck(WIDTH[i]);
            fr[i].in <== fields[i];
        }
    }
    component flagBits = Num2Bits(32);
    flagBits.in <== flags;

    // SECURITY: validity window (dates < 2^25 from the checks above; today is a date, bounded by
    // the verifier's own date validation).
    component notBefore = LessEqThan(25);
    notBefore.in[0] <== issuedAt;
    notBefore.in[1] <== today;
    notBefore.out === 1;
    component notAfter = LessEqThan(25);
    notAfter.in[0] <== today;
    notAfter.in[1] <== expiresAt;
    notAfter.out === 1;

    // ---- set slots ----
    component sets[2];
    for (var s = 0; s < 2; s++) {
        sets[s] = SetSlot(setLevels);
        for (var i = 0; i < 8; i++) sets[s].fields[i] <== fields[i];
        sets[s].fieldSel <== setField[s];
        sets[s].root <== setRoot[s];
        sets[s].lo <== setLo[s];
        sets[s].next <== setNext[s];
        sets[s].index <== setIndex[s];
        for (var i = 0; i < setLevels; i++) {
            for (var j = 0; j < 3; j++) sets[s].siblings[i][j] <== setSiblings[s][i][j];
        }
    }

    // ---- predicates and their combination ----
    component p[K];
    signal failA[K + 1];
    signal failB[K + 1];
    failA[0] <== 0;
    failB[0] <== 0;
    signal fa[K];
    signal fb[K];
    for (var k = 0; k < K; k++) {
        p[k] = Predicate();
        for (var i = 0; i < 8; i++) p[k].fields[i] <== fields[i];
        for (var i = 0; i < 32; i++) p[k].flagBits[i] <== flagBits.out[i];
        p[k].setMember[0] <== sets[0].member;
        p[k].setMember[1] <== sets[1].member;
        p[k].op <== op[k];
        p[k].lo <== lo[k];
        p[k].hi <== hi[k];
        p[k].mul <== mul[k];
        // SECURITY: a core predicate (in neither branch) must hold.
        (1 - p[k].inA - p[k].inB) * (1 - p[k].r) === 0;
        fa[k] <== p[k].inA * (1 - p[k].r);
        fb[k] <== p[k].inB * (1 - p[k].r);
        failA[k + 1] <== failA[k] + fa[k];
        failB[k + 1] <== failB[k] + fb[k];
    }
    // SECURITY: one OR branch has no failing predicate (counts <= K, so the product cannot wrap).
    failA[K] * failB[K] === 0;

    // ---- revocation: the credential's id is strictly between two neighbours of the list ----
    // SECURITY: strict decomposition (alias-checked), so the prover cannot pick another
    // representative of recordHash and change its low bits.
    component hb = Num2Bits_strict();
    hb.in <== recordHash.out;
    signal revIdAcc[129];
    revIdAcc[0] <== 0;
    for (var i = 0; i < 128; i++) revIdAcc[i + 1] <== revIdAcc[i] + hb.out[i] * (2 ** i);
    component revLeaf = Poseidon(2);
    revLeaf.inputs[0] <== revLo;
    revLeaf.inputs[1] <== revNext;
    component revTree = MerkleRoot4(revLevels);
    revTree.leaf <== revLeaf.out;
    revTree.index <== revIndex;
    for (var i = 0; i < revLevels; i++) {
        for (var j = 0; j < 3; j++) revTree.siblings[i][j] <== revSiblings[i][j];
    }
    // SECURITY: the low leaf is in the issuer's list (root signed by the issuer, checked by the
    // verifier), whose entries are <= 2^128; then lo < revId < next proves non-membership.
    revTree.root === revRoot;
    component rl = LessThan(129);
    rl.in[0] <== revLo;
    rl.in[1] <== revIdAcc[128];
    rl.out === 1;
    component rn = LessThan(129);
    rn.in[0] <== revIdAcc[128];
    rn.in[1] <== revNext;
    rn.out === 1;

    // SECURITY: scoped nullifier: same holder, scope and period => same value; otherwise unlinkable.
    component nul = Poseidon(3);
    nul.inputs[0] <== holderSecret;
    nul.inputs[1] <== scope;
    nul.inputs[2] <== period;
    nullifier <== nul.out;

    // SECURITY: keeps the challenge in the constraint system under any optimiser.
    signal challengeSquare;
    challengeSquare <== challenge * challenge;
}

component main { public [today, op, lo, hi, mul, setField, setRoot, revRoot,
                         scope, period, challenge, issuerAx, issuerAy] } = Rules(8, 4, 8);
