// Quaternary Poseidon Merkle tree inclusion (root computation) for the programme's allowed-region
// set: 4^levels leaf slots addressed by a (2·levels)-bit index, node = Poseidon(c0, c1, c2, c3)
// (circomlib Poseidon, BN254), leaf = the 6-digit region code itself, empty leaf = 0.
// Eligibility uses levels = 8: 65,536 = 2^16 slots, the capacity of a binary depth-16 tree for
// 8 Poseidon(4) instead of 16 Poseidon(2) (about 2,500 constraints instead of 3,900).
// Path positions come from the leaf index, so they are boolean by construction (Num2Bits).
pragma circom 2.1.0;

include "../../node_modules/circomlib/circuits/poseidon.circom";
include "../../node_modules/circomlib/circuits/bitify.circom";

// Places `cur` at position p = b0 + 2·b1 among four children; the three siblings fill the other
// positions in ascending order. b0 and b1 must be bits (the caller's Num2Bits guarantees it);
// each output is then exactly one of its inputs (two-level multiplexers, 8 constraints).
template Quad() {
    signal input cur;
    signal input sib[3];
    signal input b0;
    signal input b1;
    signal output c[4];
    signal x; signal v; signal w; signal y;
    x <== cur + b0 * (sib[0] - cur);          // b0 ? sib0 : cur
    c[0] <== sib[0] + (1 - b1) * (x - sib[0]); // p=0 → cur, else sib0
    v <== sib[0] + b0 * (cur - sib[0]);       // b0 ? cur : sib0
    c[1] <== sib[1] + (1 - b1) * (v - sib[1]); // p=1 → cur, p=0 → sib0, p>=2 → sib1
    w <== cur + b0 * (sib[2] - cur);          // b0 ? sib2 : cur
    c[2] <== sib[1] + b1 * (w - sib[1]);       // p=2 → cur, p=3 → sib2, p<=1 → sib1
    y <== sib[2] + b0 * (cur - sib[2]);       // b0 ? cur : sib2
    c[3] <== sib[2] + b1 * (y - sib[2]);       // p=3 → cur, else sib2
}

template MerkleRoot4(levels) {
    signal input leaf;
    signal input index;                 // position of the leaf, < 4^levels
    signal input siblings[levels][3];
    signal output root;

    // SECURITY: index bits are constrained boolean and recompose to `index`, so the position at
    // each level cannot be a non-bit "mix" of children (and index < 4^levels).
    component bits = Num2Bits(2 * levels);
    bits.in <== index;

    component q[levels];
    component h[levels];
    signal cur[levels + 1];
    cur[0] <== leaf;
    for (var i = 0; i < levels; i++) {
        q[i] = Quad();
        q[i].cur <== cur[i];
        for (var j = 0; j < 3; j++) q[i].sib[j] <== siblings[i][j];
        q[i].b0 <== bits.out[2 * i];
        q[i].b1 <== bits.out[2 * i + 1];
        h[i] = Poseidon(4);
        for (var j = 0; j < 4; j++) h[i].inputs[j] <== q[i].c[j];
        cur[i + 1] <== h[i].out;
    }
    root <== cur[levels];
}
