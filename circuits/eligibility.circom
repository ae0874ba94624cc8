// bukejian eligibility circuit (Groth16 over BN254, circom 2, compile with --O2).
//
// Proves, without revealing the record, that an issuer-signed citizen record satisfies a
// programme rule, and outputs a per-programme nullifier:
//   commitment = Poseidon(holderSecret)
//   recordHash = Poseidon(commitment, birthDate, sex, regionCode, income, householdSize,
//                         flags, issuedAt, expiresAt)
//   EdDSA-Poseidon (Baby Jubjub, circomlib) signature of recordHash by the issuer key
//   issuedAt <= today <= expiresAt
//   checkAge    => birthDate + 10000*minAge <= today     (dates are YYYYMMDD integers)
//   checkIncome => income <= maxIncome
//   checkRegion => regionCode is a leaf of the depth-16 Poseidon Merkle tree with root regionRoot
//   checkFlags  => (flags & requiredFlags) == requiredFlags
//   nullifier  = Poseidon(holderSecret, programId, period)
//
// Dates as YYYYMMDD integers order exactly like calendar dates, so "birth + N years <= today"
// is the integer comparison birthDate + N*10000 <= today; it is correct across month and year
// boundaries. A 29 February birth reaches age N on 29 February of a leap year, otherwise on
// 1 March (20610229 > 20610228, <= 20610301).
pragma circom 2.1.0;

include "../node_modules/circomlib/circuits/poseidon.circom";
include "../node_modules/circomlib/circuits/eddsaposeidon.circom";
include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "lib/range.circom";
include "lib/merkle.circom";

template Eligibility(depth) {
    // ---- private: the credential and the holder secret ----
    signal input holderSecret;
    signal input birthDate;       // YYYYMMDD
    signal input sex;
    signal input regionCode;      // 6-digit administrative division code
    signal input income;          // annual income, yuan
    signal input householdSize;
    signal input flags;           // status-flag bitmask (32 bits)
    signal input issuedAt;        // YYYYMMDD
    signal input expiresAt;       // YYYYMMDD
    signal input sigR8x;
    signal input sigR8y;
    signal input sigS;
    signal input regionIndex;     // leaf position of regionCode in the region tree
    signal input regionSiblings[depth];

    // ---- public: the verifier's own context (recomputed by the verifier, never trusted) ----
    signal input today;           // YYYYMMDD
    signal input minAge;
    signal input maxIncome;
    signal input regionRoot;
    signal input requiredFlags;
    signal input checkAge;
    signal input checkIncome;
    signal input checkRegion;
    signal input checkFlags;
    signal input programId;
    signal input period;
    signal input challenge;
    signal input issuerAx;
    signal input issuerAy;

    signal output nullifier;

    // SECURITY: the record binds to the holder only through Poseidon(holderSecret); the issuer
    // signs the commitment, never the secret, so it cannot compute nullifiers.
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

    // SECURITY: the issuer's EdDSA-Poseidon signature over the record hash, under the PUBLIC
    // issuer key (so a proof made with any other key fails verification). circomlib checks
    // S < subgroup order and multiplies A by the cofactor (rejects low-order keys).
    component sig = EdDSAPoseidonVerifier();
    sig.enabled <== 1;
    sig.Ax <== issuerAx;
    sig.Ay <== issuerAy;
    sig.S <== sigS;
    sig.R8x <== sigR8x;
    sig.R8y <== sigR8y;
    sig.M <== recordHash.out;

    // SECURITY: validity window, always enforced: issuedAt <= today <= expiresAt
    // (all three range-checked to 32 bits inside RangedLessEqThan).
    component notBefore = RangedLessEqThan(32);
    notBefore.a <== issuedAt;
    notBefore.b <== today;
    notBefore.out === 1;
    component notAfter = RangedLessEqThan(32);
    notAfter.a <== today;
    notAfter.b <== expiresAt;
    notAfter.out === 1;

    // SECURITY: age. birthDate < 2^32 and minAge < 2^8 are range-checked separately so the
    // sum birthDate + 10000*minAge < 2^33 cannot wrap; then compared on 34 bits.
    component birthRange = RangeCheck(32);
    birthRange.in <== birthDate;
    component minAgeRange = RangeCheck(8);
    minAgeRange.in <== minAge;
    component age = RequireLessEqIf(34);
    age.enabled <== checkAge;
    age.a <== birthDate + 10000 * minAge;
    age.b <== today;

    // SECURITY: income <= maxIncome, both range-checked to 48 bits (2.8e14 yuan).
    component inc = RequireLessEqIf(48);
    inc.enabled <== checkIncome;
    inc.a <== income;
    inc.b <== maxIncome;

    // SECURITY: region membership. The switch is boolean; when on, the Merkle root computed
    // from the signed regionCode must equal the public root, and regionCode must be non-zero
    // (0 is the empty-leaf value, so an empty slot can never prove membership).
    checkRegion * (checkRegion - 1) === 0;
    component tree = MerkleRoot(depth);
    tree.leaf <== regionCode;
    tree.index <== regionIndex;
    for (var i = 0; i < depth; i++) tree.siblings[i] <== regionSiblings[i];
    checkRegion * (tree.root - regionRoot) === 0;
    component regionZero = IsZero();
    regionZero.in <== regionCode;
    checkRegion * regionZero.out === 0;

    // SECURITY: required flags. Both masks decomposed to 32 bits (which range-checks them);
    // for every bit required (and the switch on), the credential's bit must be 1.
    checkFlags * (checkFlags - 1) === 0;
    component flagBits = Num2Bits(32);
    flagBits.in <== flags;
    component reqBits = Num2Bits(32);
    reqBits.in <== requiredFlags;
    signal need[32];
    for (var i = 0; i < 32; i++) {
        need[i] <== checkFlags * reqBits.out[i];
        need[i] * (1 - flagBits.out[i]) === 0;
    }

    // SECURITY: per-programme, per-period nullifier from the holder secret. Same holder, programme
    // and period => same nullifier (double claims detectable); otherwise unlinkable.
    component nul = Poseidon(3);
    nul.inputs[0] <== holderSecret;
    nul.inputs[1] <== programId;
    nul.inputs[2] <== period;
    nullifier <== nul.out;

    // SECURITY: binds the proof to one verifier request. Groth16 already binds every public input,
    // but a quadratic constraint keeps the challenge in the constraint system under any optimiser.
    signal challengeSquare;
    challengeSquare <== challenge * challenge;
}

component main { public [today, minAge, maxIncome, regionRoot, requiredFlags,
                         checkAge, checkIncome, checkRegion, checkFlags,
                         programId, period, challenge, issuerAx, issuerAy] } = Eligibility(16);
