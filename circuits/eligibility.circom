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
//   checkRegion => regionCode is a leaf of the region tree with root regionRoot: 65,536 = 2^16
//                  leaf slots, quaternary (8 levels of Poseidon(4)), see lib/merkle.circom
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

template Eligibility(levels) {
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
    signal input regionIndex;     // leaf position of regionCode in the region tree (< 4^levels)
    signal input regionSiblings[levels][3];

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

    // SECURITY: range checks, each operand once (the comparisons below are only sound for
    // operands known to be small): the four dates to 32 bits, minAge to 8 bits.
    component todayRange = RangeCheck(32);
    todayRange.in <== today;
    component issuedRange = RangeCheck(32);
    issuedRange.in <== issuedAt;
    component expiresRange = RangeCheck(32);
    expiresRange.in <== expiresAt;
    component birthRange = RangeCheck(32);
    birthRange.in <== birthDate;
    component minAgeRange = RangeCheck(8);
    minAgeRange.in <== minAge;

    // SECURITY: validity window, always enforced: issuedAt <= today <= expiresAt
    // (operands < 2^32 above, so LessEqThan(32) cannot wrap).
    component notBefore = LessEqThan(32);
    notBefore.in[0] <== issuedAt;
    notBefore.in[1] <== today;
    notBefore.out === 1;
    component notAfter = LessEqThan(32);
    notAfter.in[0] <== today;
    notAfter.in[1] <== expiresAt;
    notAfter.out === 1;

    // SECURITY: age. birthDate < 2^32 and minAge < 2^8, so birthDate + 10000*minAge < 2^33 and
    // today < 2^32: the comparison on 33 bits cannot wrap. The switch must be a bit.
    checkAge * (checkAge - 1) === 0;
    component age = LessEqThan(33);
    age.in[0] <== birthDate + 10000 * minAge;
    age.in[1] <== today;
    checkAge * (1 - age.out) === 0;

    // SECURITY: income <= maxIncome, both range-checked to 48 bits (2.8e14 yuan).
    component inc = RequireLessEqIf(48);
    inc.enabled <== checkIncome;
    inc.a <== income;
    inc.b <== maxIncome;

    // SECURITY: region membership. The switch is boolean; when on, the Merkle root computed
    // from the signed regionCode must equal the public root, and regionCode must be non-zero
    // (0 is the empty-leaf value, so an empty slot can never prove membership).
    checkRegion * (checkRegion - 1) === 0;
    component tree = MerkleRoot4(levels);
    tree.leaf <== regionCode;
    tree.index <== regionIndex;
    for (var i = 0; i < levels; i++) {
        for (var j = 0; j < 3; j++) tree.siblings[i][j] <== regionSiblings[i][j];
    }
    checkRegion * (tree.root - regionRoot) === 0;
    component regionZero = IsZero();
    regionZero.in <== regionCode;
    checkRegion * regionZero.out === 0;

    // SECURITY: required flags. With the switch on, the effective mask is requiredFlags,
    // decomposed to 32 bits (which range-checks it); with it off, the mask is 0 and nothing is
    // required. The credential's flags are always decomposed to 32 bits. For every required bit
    // the credential's bit must be 1.
    checkFlags * (checkFlags - 1) === 0;
    signal effectiveFlags;
    effectiveFlags <== checkFlags * requiredFlags;
    component flagBits = Num2Bits(32);
    flagBits.in <== flags;
    component reqBits = Num2Bits(32);
    reqBits.in <== effectiveFlags;
    for (var i = 0; i < 32; i++) {
        reqBits.out[i] * (1 - flagBits.out[i]) === 0;
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
                         programId, period, challenge, issuerAx, issuerAy] } = Eligibility(8);
