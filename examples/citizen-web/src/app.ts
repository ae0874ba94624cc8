// The citizen's page: keep the credential encrypted on this device, read the verifier's request,
// say in plain Chinese what a proof reveals, prove in a Web Worker, send only the proof.
import type { RuleSpec } from 'bukejian/zk';
import { isBukejianError } from 'bukejian/errors';
import type { EligibilityRequest, FromWorker, ToWorker, WalletFile } from './protocol.js';
import { forgetCredential, openCredential, saveCredential, storedLabel } from './vault.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

let wallet: WalletFile | null = null;
let request: EligibilityRequest | null = null;
let proof: unknown = null;

function setResult(state: string, text: string): void {
  const r = $('result');
  r.dataset.state = state;
  r.textContent = text;
  r.hidden = false;
}

function setVault(text: string, state: string): void {
  const v = $('vault-status');
  v.textContent = text;
  v.dataset.state = state;
}

async function refreshVault(): Promise<void> {
  const label = await storedLabel();
  $('vault-new').hidden = label !== null;
  $('vault-stored').hidden = label === null;
  $('stored-label').textContent = label ?? '';
  if (label === null) setVault('本机尚未保存凭证。', 'empty');
  else if (!wallet) setVault('本机已保存一份加密凭证，请输入口令解锁。', 'locked');
}

function parseWallet(text: string): WalletFile {
  const w = JSON.parse(text) as WalletFile;
  if (w?.type !== 'bukejian/credential-wallet' || !w.credential || !w.holderSecret)
    throw new Error('不是凭证文件');
  return w;
}

async function onSave(): Promise<void> {
  const file = $<HTMLInputElement>('file').files?.[0];
  const pass = $<HTMLInputElement>('new-passphrase').value;
  if (!file) return setVault('请先选择凭证文件（JSON）。', 'error');
  if (pass.length < 8) return setVault('口令至少 8 个字符。', 'error');
  try {
    const text = await file.text();
    const w = parseWallet(text);
    setVault('正在加密保存……', 'busy');
    await saveCredential(text, pass, w.label);
    wallet = w;
    $<HTMLInputElement>('new-passphrase').value = '';
    await refreshVault();
    setVault(`已加密保存并解锁：${w.label}`, 'unlocked');
    update();
  } catch (e) {
    setVault(`无法读取凭证文件：${(e as Error).message}`, 'error');
  }
}

async function onUnlock(): Promise<void> {
  const pass = $<HTMLInputElement>('passphrase').value;
  setVault('正在解锁……', 'busy');
  try {
    wallet = parseWallet(await openCredential(pass));
    $<HTMLInputElement>('passphrase').value = '';
    setVault(`已解锁：${wallet.label}`, 'unlocked');
  } catch (e) {
    wallet = null;
    setVault(
      isBukejianError(e, 'AUTH_FAILED') ? '口令错误，无法打开凭证。' : `无法打开凭证：${String(e)}`,
      'wrong-passphrase',
    );
  }
  update();
}

async function onForget(): Promise<void> {
  await forgetCredential();
  wallet = null;
  await refreshVault();
  update();
}

/** What the rule asks, in plain Chinese (shown to the citizen; the proof reveals only yes/no). */
export function describeRule(r: RuleSpec): string[] {
  const out: string[] = [];
  if (r.minAge !== undefined) out.push(`年满 ${r.minAge} 周岁`);
  if (r.maxIncome !== undefined) out.push(`年收入不超过 ${r.maxIncome} 元`);
  if (r.regions !== undefined) out.push(`户籍在指定的 ${r.regions.length} 个地区之一`);
  if (r.requiredFlags !== undefined) out.push('具有项目要求的身份标记');
  return out;
}

function onRequestInput(): void {
  const text = $<HTMLTextAreaElement>('request').value.trim();
  request = null;
  proof = null;
  $('send').hidden = true;
  $('result').hidden = true;
  if (text) {
    try {
      const r = JSON.parse(text) as EligibilityRequest;
      if (r?.type !== 'bukejian/eligibility-request') throw new Error('type');
      request = r;
    } catch {
      $('request-summary').textContent = '无法识别的核验请求（应为核验方提供的 JSON）。';
    }
  } else $('request-summary').textContent = '';
  update();
}

async function onFetchRequest(): Promise<void> {
  const res = await fetch('/api/request');
  $<HTMLTextAreaElement>('request').value = JSON.stringify(await res.json(), null, 2);
  onRequestInput();
}

function update(): void {
  const d = $('disclosure');
  if (request) {
    $('request-summary').textContent =
      `${request.verifier} 请求核验您是否符合「${request.program}」（${request.period} 期）的条件：` +
      `${describeRule(request.rule).join('、')}。`;
    d.hidden = false;
    $('disclosed-program').textContent = request.program;
    $('disclosed-verifier').textContent = request.verifier;
  } else d.hidden = true;
  $<HTMLButtonElement>('prove').disabled = !(wallet && request);
}

const STAGES = ['artifacts', 'witness', 'proving'] as const;
/** Progress bar share at the start of each stage (proving fills the rest with its fraction). */
const BAR = { artifacts: 0, witness: 10, proving: 20, done: 100 } as const;
function stage(active: (typeof STAGES)[number] | 'done' | null, fraction?: number): void {
  const i = active === null ? -1 : active === 'done' ? STAGES.length : STAGES.indexOf(active);
  STAGES.forEach((s, j) => {
    $(`stage-${s}`).dataset.state = j < i ? 'done' : j === i ? 'active' : 'pending';
  });
  const bar = $<HTMLProgressElement>('progress-bar');
  const pct = $('proving-pct');
  if (active === null) {
    bar.value = 0;
    pct.textContent = '';
    return;
  }
  bar.value =
    active === 'proving' && fraction !== undefined
      ? BAR.proving + (BAR.done - BAR.proving) * fraction
      : BAR[active];
  pct.textContent =
    active === 'proving' && fraction !== undefined ? ` ${Math.round(fraction * 100)} %` : '';
  // the stages seen, in order, for the tests (a stage repeated with a new fraction counts once)
  const log = $('progress').dataset;
  const seen = log.stages ? log.stages.split(' ') : [];
  if (seen.at(-1) !== active) log.stages = [...seen, active].join(' ');
}

let worker: Worker | undefined;
function startWorker(): Worker {
  const w = new Worker(new URL('/prover-worker.js', location.href), { type: 'module' });
  (globalThis as { citizenProver?: Worker }).citizenProver = w; // for benchmarks/browser.bench.mjs
  return w;
}
/**
 * When the page loads, the prover worker starts downloading and checking the artifacts and
 * starting the engine, while the citizen unlocks the credential and reads the request; the first
 * proof then starts at the witness. `?prefetch=0` turns this off (the benchmark's cold first proof).
 */
function prefetch(): void {
  if (new URLSearchParams(location.search).get('prefetch') === '0') return;
  worker ??= startWorker();
  const msg: ToWorker = {
    type: 'prepare',
    artifactsBase: new URL('/artifacts/', location.href).href,
  };
  worker.postMessage(msg);
}
function prove(): void {
  if (!wallet || !request) return;
  proof = null;
  $('send').hidden = true;
  $('result').hidden = true;
  $('progress').hidden = false;
  $<HTMLButtonElement>('prove').disabled = true;
  delete $('progress').dataset.stages;
  stage('artifacts');
  worker ??= startWorker();
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if (m.type === 'prepared') return;
    if (m.type === 'progress') {
      stage(m.stage, m.fraction);
      if (m.stage === 'witness')
        $('stage-artifacts').title =
          m.detail === 'cache' ? '来自本机缓存（已校验）' : '已下载并校验';
      return;
    }
    $<HTMLButtonElement>('prove').disabled = false;
    if (m.type === 'done') {
      stage('done');
      proof = m.proof;
      $('timing').textContent =
        `计算见证 ${(m.ms.witness / 1000).toFixed(2)} 秒，生成证明 ${(m.ms.proving / 1000).toFixed(2)} 秒`;
      $('send').hidden = false;
      setResult(
        'proved',
        '证明已生成，尚未发送。点击“发送给核验方”后，核验方只会收到上面列出的两项。',
      );
    } else {
      stage(null);
      if (m.code === 'NOT_ELIGIBLE')
        setResult(
          'not-eligible',
          `您的凭证不满足「${request!.program}」的条件，未生成证明，也没有向核验方发送任何信息。`,
        );
      else if (m.code === 'ARTIFACT_MISMATCH')
        setResult(
          'artifact-refused',
          '电路文件校验失败（与固定的 SHA-256 不一致），已拒绝使用，未生成证明，未发送任何信息。',
        );
      else setResult('error', `生成证明失败：${m.message}`);
    }
  };
  const msg: ToWorker = {
    type: 'prove',
    wallet,
    request,
    artifactsBase: new URL('/artifacts/', location.href).href,
  };
  worker.postMessage(msg);
}

async function send(): Promise<void> {
  if (!proof || !request) return;
  $<HTMLButtonElement>('send').disabled = true;
  const res = await fetch(request.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ requestId: request.requestId, proof }),
  });
  const answer = (await res.json()) as { decision: 'eligible' | 'refused'; reason?: string };
  $<HTMLButtonElement>('send').disabled = false;
  $('send').hidden = true;
  if (answer.decision === 'eligible')
    setResult('eligible', `核验方结论：符合「${request.program}」条件。`);
  else setResult('refused', `核验方结论：未通过（${answer.reason ?? '未说明原因'}）。`);
}

$('save').addEventListener('click', () => void onSave());
$('unlock').addEventListener('click', () => void onUnlock());
$('forget').addEventListener('click', () => void onForget());
$('request').addEventListener('input', onRequestInput);
$('fetch-request').addEventListener('click', () => void onFetchRequest());
$('prove').addEventListener('click', prove);
$('send').addEventListener('click', () => void send());
prefetch();
void refreshVault().then(() => {
  document.body.dataset.ready = 'true';
  update();
});
