// Binary Poseidon Merkle tree inclusion (root computation) for the programme's
// allowed-region set. Node = Poseidon(left, right) (circomlib Poseidon, BN254),
// leaf = the 6-digit region code itself, empty leaf = 0. Path direction bits come
// from the leaf index, so they are boolean by construction (Num2Bits).
pragma circom 2.1.0;

include "../../node_modules/circomlib/circuits/poseidon.circom";
include "../../node_modules/circomlib/circuits/bitify.circom";

template MerkleRoot(depth) {
    signal input leaf;
    signal input index;                 // position of the leaf, < 2^depth
    signal input siblings[depth];
    signal output root;

    // SECURITY: index bits are constrained boolean and recompose to `index`,
    // so the direction at each level cannot be a non-bit "mix" of both children.
    component bits = Num2Bits(depth);
    bits.in <== index;

    component h[depth];
    signal cur[depth + 1];
    signal d[depth];
    cur[0] <== leaf;
    for (var i = 0; i < depth; i++) {
        // d = bit * (sibling - cur): left = cur + d, right = sibling - d
        // (bit 0: cur is the left child; bit 1: cur is the right child).
        d[i] <== bits.out[i] * (siblings[i] - cur[i]);
        h[i] = Poseidon(2);
        h[i].inputs[0] <== cur[i] + d[i];
        h[i].inputs[1] <== siblings[i] - d[i];
        cur[i + 1] <== h[i].out;
    }
    root <== cur[depth];
}
