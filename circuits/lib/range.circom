// Range-checked comparisons for bukejian circuits.
//
// circomlib's LessEqThan(n) is only sound when BOTH operands are already known
// to be < 2^n: otherwise in[0] + 2^n - in[1] can wrap around the BN254 scalar
// field and a huge "negative" value would compare as small. These templates
// bind every operand to n bits first (Num2Bits), then compare.
pragma circom 2.1.0;

include "../../node_modules/circomlib/circuits/bitify.circom";
include "../../node_modules/circomlib/circuits/comparators.circom";

// Constrains `in` to [0, 2^n). SECURITY: this is what rules out field wrap-around.
template RangeCheck(n) {
    signal input in;
    component bits = Num2Bits(n);
    bits.in <== in;
}

// out = 1 iff a <= b, with a and b each range-checked to n bits (n <= 251).
template RangedLessEqThan(n) {
    signal input a;
    signal input b;
    signal output out;
    // SECURITY: both operands range-checked before the subtraction-based comparison.
    component ra = RangeCheck(n);
    ra.in <== a;
    component rb = RangeCheck(n);
    rb.in <== b;
    component le = LessEqThan(n);
    le.in[0] <== a;
    le.in[1] <== b;
    out <== le.out;
}

// If `enabled` is 1, requires a <= b (range-checked to n bits); if 0, nothing is required
// of the comparison (the operands are still range-checked). `enabled` must be boolean.
template RequireLessEqIf(n) {
    signal input enabled;
    signal input a;
    signal input b;
    // SECURITY: the switch must be a bit, otherwise enabled=2 would make the constraint
    // enabled*(1-out)=0 behave unexpectedly.
    enabled * (enabled - 1) === 0;
    component le = RangedLessEqThan(n);
    le.a <== a;
    le.b <== b;
    // SECURITY: the predicate itself: enabled => a <= b.
    enabled * (1 - le.out) === 0;
}
