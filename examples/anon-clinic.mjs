// A district health bureau shares clinic visits for research: 5-anonymous, 2-diverse diagnoses,
// at most 5 % of the records suppressed. Synthetic people only (seeded generator, invented data).
// Run: npm run build && node examples/anon-clinic.mjs
import { anonymize } from 'bukejian/anon';

// benchmark-style seeded generator: deterministic example data, nothing secret
let s = 2026;
const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const visits = Array.from({ length: 400 }, (_, i) => ({
  visitId: `V${String(i).padStart(4, '0')}`, // an identifier: not listed in the config, so dropped
  age: String(18 + Math.floor(rnd() * 70)),
  county: pick(['110101', '110102', '110105', '110108', '310101', '310104', '310115']),
  sex: pick(['男', '女']),
  diagnosis: pick(['流感', '哮喘', '胃炎', '糖尿病', '高血压']),
}));

const { rows, report } = anonymize(visits, {
  quasiIdentifiers: {
    age: { type: 'intervals', widths: [5, 10, 20] },
    county: { type: 'adminCode' },
    sex: {
      type: 'table',
      rows: [
        ['男', '*'],
        ['女', '*'],
      ],
    },
  },
  sensitive: ['diagnosis'],
  models: [
    { type: 'k-anonymity', k: 5 },
    { type: 'l-diversity', attribute: 'diagnosis', l: 2 },
  ],
  suppressionLimit: 0.05,
});

console.log('transformation', JSON.stringify(report.transformation));
console.log('first rows', JSON.stringify(rows.slice(0, 3)));
console.log(`suppressed ${report.suppressed} of ${report.records}, classes ${report.classes}`);
console.log(`achieved k=${report.models[0].achieved} l=${report.models[1].achieved}`);
console.log(
  `prosecutor risk max before ${report.risk.before.prosecutor.maximum} after ${report.risk.after.prosecutor.maximum.toFixed(3)}`,
);
console.log(
  `lattice: ${report.lattice.checked} of ${report.lattice.nodes} transformations checked`,
);

// Output:
// transformation {"age":2,"county":1,"sex":0}
// first rows [{"age":"50-59","county":"110100","sex":"女","diagnosis":"胃炎"},{"age":"70-79","county":"110100","sex":"女","diagnosis":"高血压"},{"age":"20-29","county":"110100","sex":"女","diagnosis":"高血压"}]
// suppressed 8 of 400, classes 28
// achieved k=6 l=3
// prosecutor risk max before 1 after 0.167
// lattice: 10 of 40 transformations checked
