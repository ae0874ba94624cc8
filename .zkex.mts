import { issuer, holder, rule, eligibility, createMemoryRegistry } from 'bukejian/zk'
import { sm2 } from 'bukejian/sm2'

// Issuer (e.g. civil affairs): Baby Jubjub key for the credential, SM2 key for the disclosed form
const civil = await issuer.keygen()
const civilSm2 = sm2.keygen()

// Holder: the secret never leaves the device; only its Poseidon commitment goes to the issuer
const me = await holder.create()
const record = {
  holderCommitment: me.commitment,
  birthDate: 19640229,
  sex: 2,
  regionCode: 110105,
  income: 24000,
  householdSize: 2,
  flags: 0b0001,
  issuedAt: 20260101,
  expiresAt: 20261231,
}
const credential = await issuer.issue(record, civil.secretKey, { sm2SecretKey: civilSm2.secretKey })
// anyone checking a credential names the issuer it trusts (required)
console.log(await issuer.verify(credential, civil.publicKey)) // true

// Verifier (e.g. social security): programme rule and a fresh challenge for this request
const elderly = await rule.create({
  minAge: 60,
  maxIncome: 30000,
  regions: [110101, 110105],
  requiredFlags: 0b0001,
})
const request = {
  rule: elderly,
  today: 20261125,
  programId: '高龄津贴',
  period: 202611,
  challenge: eligibility.challenge(),
}

const proof = await eligibility.prove({ ...request, credential, holderSecret: me.secret })
const registry = createMemoryRegistry()
// The verification key is always named: here the committed development key (tests and demos only);
// in production `{ vkey }` = the JSON from `bukejian zk ceremony export`. Neither → INVALID_OPTION.
const context = { ...request, issuerPublicKey: civil.publicKey }
const dev = { registry, allowDevelopmentKey: true }
console.log((await eligibility.verify(proof, context, dev)).ok) // true (and the nullifier)
console.log((await eligibility.verify(proof, context, dev)).reason) // 'already-claimed'
// the same credential shown in the clear, SM2-signed; the issuer's SM2 key is required
console.log(issuer.verifyDisclosed(credential, civilSm2.publicKey)) // true
// // frees the engine's worker threads
