/**
 * The HTML page of `bukejian audit query|verify --html FILE`: a citizen's "who used my data"
 * answer, one row per event with its proof status (proven in the signed log, not yet provable,
 * failed). Shows only what the JSON answer already holds.
 * @module
 */
import type { Entry, SubjectEvents, SubjectEventsCheck } from '../audit/index.js';
import { barChart, esc, facts, page } from './_html-report.js';

type Status = 'proven' | 'not yet provable' | 'failed' | 'not checked';

function statusOf(i: number, c: SubjectEventsCheck): Status {
  if (c.failed.includes(i)) return 'failed';
  if (c.proven.includes(i)) return 'proven';
  if (c.unproven.includes(i)) return 'not yet provable';
  return 'not checked';
}

const CLASS: Record<Status, string> = {
  proven: 'ok',
  'not yet provable': 'wait',
  failed: 'bad',
  'not checked': 'bad',
};

/** Who, what and when of one entry, as plain strings. */
function describe(e: Entry | undefined): [when: string, who: string, what: string, fields: string] {
  if (!e) return ['', '', '', ''];
  switch (e.type) {
    case 'access':
      return [
        e.time,
        `${e.actor.agency} / ${e.actor.staff}`,
        `${e.action}: ${e.purpose} (${'consent' in e.basis ? `consent ${e.basis.consent}` : `legal basis ${e.basis.legal}`})`,
        e.fields.join(', '),
      ];
    case 'consent':
      return [e.granted, '', `consent ${e.id} granted: ${e.purpose}`, e.fields.join(', ')];
    case 'revocation':
      return [e.time, '', `consent ${e.consent} revoked`, ''];
    case 'legal-basis':
      return [e.effective, '', `legal basis ${e.id}: ${e.purpose}`, e.fields.join(', ')];
    case 'prune':
      return [e.time, '', `retention ${e.rule}: ${e.count} deleted`, ''];
  }
}

/** The page for `answer` as `check` (verifySubjectEvents) judged it. */
export function auditAnswerHtml(answer: SubjectEvents, check: SubjectEventsCheck): string {
  const events = Array.isArray(answer.events) ? answer.events : [];
  const rows = events.map((ev) => {
    const status = statusOf(ev.index, check);
    const [when, who, what, fields] = describe(ev.entry);
    const deleted = ev.deleted ? `deleted ${ev.deleted.time} (${ev.deleted.rule})` : '';
    return `<tr data-index="${esc(ev.index)}"><td class="n">${esc(ev.index)}</td><td>${esc(when || deleted)}</td><td>${esc(who)}</td><td>${esc(what || deleted)}</td><td>${esc(fields)}</td><td class="${CLASS[status]}">${esc(status)}</td></tr>`;
  });
  const count = (s: Status) => events.filter((ev) => statusOf(ev.index, check) === s).length;
  const cp = check.checkpoint;
  const body = [
    facts([
      ['subject', 'Subject (pseudonym)', String(answer.subject)],
      [
        'verdict',
        'Verdict',
        check.ok
          ? 'verified: every event with a proof is in the signed log'
          : 'NOT verified: see the events marked failed or not yet provable',
      ],
      [
        'checkpoint',
        'Signed checkpoint',
        cp ? `${cp.origin}, size ${cp.size}${cp.time ? `, ${cp.time}` : ''}` : 'none',
      ],
      ['event-count', 'Events', String(events.length)],
      ['proven', 'Proven', String(check.proven.length)],
      ['unproven', 'Not yet provable (newer than the checkpoint)', String(check.unproven.length)],
      ['failed', 'Failed', String(check.failed.length)],
      ...(check.consistent === undefined
        ? []
        : ([
            [
              'consistent',
              'Extends the checkpoint seen before',
              check.consistent ? 'yes' : check.fork ? 'no: FORK' : 'no',
            ],
          ] as [string, string, string][])),
    ]),
    barChart(
      'status',
      'Events by proof status',
      ['proven', 'not yet provable', 'failed'],
      [
        {
          name: 'events',
          values: [count('proven'), count('not yet provable'), count('failed')],
          color: '#2e75b6',
        },
      ],
    ),
    '<h2>Events</h2>',
    `<table id="events"><thead><tr><th>Index</th><th>When</th><th>Who</th><th>What</th><th>Fields</th><th>Proof</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
  ];
  return page('Who used my data', body.join('\n'));
}
