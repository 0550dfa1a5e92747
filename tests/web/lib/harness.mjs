// Test harness for the browser tests: starts the real `cho4 serve --demo` on a loopback port with a
// fresh data folder, launches Debian's Chromium headless through playwright-core with a fresh
// profile, signs SePay webhooks the way SePay does, and decodes QR codes with `cho4 qr scan`.
// Everything it starts it stops (after() hooks call close()).

import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const screenshotDir = path.join(repoRoot, 'docs', 'screenshots');

// Waits are bounded so a broken server fails the test instead of hanging CI.
export const WAIT_MS = 20000;
const START_WAIT_MS = 30000;

export function cho4Binary() {
  const candidates = [
    process.env.CHO4_BIN,
    process.env.CHO4_BINARY_DIR && path.join(process.env.CHO4_BINARY_DIR, 'switch', 'cho4'),
    path.join(repoRoot, 'build', 'switch', 'cho4'),
  ].filter(Boolean);
  for (const c of candidates) if (fs.existsSync(c)) return c;
  throw new Error(`cho4 binary not found (tried ${candidates.join(', ')}); build it or set CHO4_BIN`);
}

export function chromiumPath() {
  const p = process.env.CHO4_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(p)) throw new Error(`${p} missing: scripts/install-deps --test installs chromium`);
  return p;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// Polls `probe` until it returns a truthy value (a readiness check, not a timing assumption).
export async function until(probe, what, timeoutMs = WAIT_MS) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

// One `cho4 serve --demo` process over a data folder that outlives restarts.
export class DemoServer {
  constructor() {
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cho4-web-data-'));
    this.port = 0;
    this.proc = null;
    this.log = [];
  }

  async start() {
    const portFile = path.join(this.dataDir, 'server.port');
    fs.rmSync(portFile, { force: true });
    const args = ['serve', '--demo', '--data', this.dataDir, '--listen', `127.0.0.1:${this.port}`, '--quiet'];
    const proc = spawn(cho4Binary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    const exited = new Promise((resolve) => proc.once('exit', (code, sig) => resolve({ code, sig })));
    this.exited = exited;
    for (const s of [proc.stdout, proc.stderr]) s.on('data', (d) => { this.log.push(String(d)); if (this.log.length > 400) this.log.shift(); });
    let early = null;
    exited.then((e) => { early = e; });
    await until(() => {
      if (early) throw new Error(`cho4 serve exited (${JSON.stringify(early)}): ${this.log.join('')}`);
      return fs.existsSync(portFile) && fs.readFileSync(portFile, 'utf8').trim();
    }, 'cho4 serve to write its port', START_WAIT_MS);
    this.port = Number(fs.readFileSync(portFile, 'utf8').trim());
    this.base = `http://127.0.0.1:${this.port}`;
    await until(async () => (await fetch(`${this.base}/healthz`)).ok, '/healthz', START_WAIT_MS);
    this.demo = await until(() => {
      const d = JSON.parse(fs.readFileSync(path.join(this.dataDir, 'demo.json'), 'utf8'));
      return d.stalls?.length ? d : null;
    }, 'demo.json');
    return this;
  }

  // Stops the process the way an operator does (SIGTERM: graceful shutdown, every stream cut).
  async stop() {
    if (!this.proc) return;
    const p = this.proc;
    this.proc = null;
    p.kill('SIGTERM');
    const killer = setTimeout(() => p.kill('SIGKILL'), 15000);
    await this.exited;
    clearTimeout(killer);
  }

  // Same data folder, same port: devices reconnect to the address they know.
  async restart() {
    await this.stop();
    await this.start();
  }

  async close() {
    await this.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  sepaySecret() {
    const a = (this.demo.adapters ?? []).find((x) => x.kind === 'sepay');
    if (!a?.secret) throw new Error('demo.json names no SePay secret');
    return { instance: a.name, secret: a.secret };
  }

  async api(method, p, token, body, contentType) {
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
      headers['Content-Type'] = contentType || 'application/json';
    }
    const res = await fetch(this.base + p, { method, headers, body: payload });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
}

let txnCounter = 0;

// Posts one SePay webhook, signed as SePay signs it in HMAC mode: X-SePay-Timestamp (unix
// seconds) and X-SePay-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>.
export async function postSepay(server, { account, amount, content, transferType = 'in' }) {
  const { instance, secret } = server.sepaySecret();
  txnCounter += 1;
  const now = new Date(Date.now() + 7 * 3600 * 1000).toISOString(); // UTC+7 wall clock
  const body = JSON.stringify({
    id: Number(`${Date.now() % 1e9}${String(txnCounter).padStart(3, '0')}`),
    gateway: 'Vietcombank',
    transactionDate: `${now.slice(0, 10)} ${now.slice(11, 19)}`,
    accountNumber: account,
    code: null,
    content,
    transferType,
    transferAmount: amount,
    accumulated: 0,
    subAccount: null,
    referenceCode: `FT${Date.now()}${txnCounter}`,
    description: content,
  });
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = crypto.createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
  const res = await fetch(`${server.base}/v1/webhooks/${encodeURIComponent(instance)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-SePay-Timestamp': ts, 'X-SePay-Signature': `sha256=${sig}` },
    body,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`webhook: ${res.status} ${text}`);
  return text;
}

// Records every utterance the page asks for (and offers one Vietnamese voice) instead of
// producing sound: the page's own logic decides what to say and when; this only listens.
const SPEECH_RECORDER = `(() => {
  const spoken = [];
  Object.defineProperty(window, '__spoken', { value: spoken });
  const voice = { name: 'Tiếng Việt (test)', lang: 'vi-VN', voiceURI: 'test-vi', localService: true, default: true };
  class Utterance extends EventTarget {
    constructor(text) { super(); this.text = text; this.lang = ''; this.voice = null; this.rate = 1; this.pitch = 1; this.volume = 1; }
  }
  const synth = new EventTarget();
  synth.getVoices = () => [voice];
  synth.speak = (u) => { spoken.push({ text: u.text, lang: u.lang, voice: u.voice && u.voice.lang }); };
  synth.cancel = () => {};
  synth.pause = () => {};
  synth.resume = () => {};
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: Utterance, configurable: true });
})();`;

export async function launchBrowser() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cho4-web-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    acceptDownloads: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  await context.addInitScript(SPEECH_RECORDER);
  context.setDefaultTimeout(WAIT_MS);
  const close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

// Decodes the QR code(s) in an image file with ZXing through `cho4 qr scan`.
export function scanQr(file) {
  const out = execFileSync(cho4Binary(), ['qr', 'scan', file], { encoding: 'utf8', timeout: 30000 });
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
}

// A PNG screenshot for docs/screenshots/, kept small (PNG of a 390 px-wide page).
export async function saveScreenshot(page, name, options = {}) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, name);
  await page.screenshot({ path: file, ...options });
  return file;
}

export function tmpFile(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cho4-web-file-'));
  return path.join(dir, name);
}

// A static VietQR payload (EMVCo merchant-presented, NAPAS 247 to an account), built here from the
// public format so the test does not borrow cho4's own encoder: this is what a bank app shows.
export function vietqrStaticPayload(bin, account) {
  const tlv = (id, v) => `${id}${String(v.length).padStart(2, '0')}${v}`;
  const beneficiary = tlv('00', bin) + tlv('01', account);
  const merchant = tlv('00', 'A000000727') + tlv('01', beneficiary) + tlv('02', 'QRIBFTTA');
  const body = tlv('00', '01') + tlv('01', '11') + tlv('38', merchant) + tlv('53', '704') + tlv('58', 'VN') + '6304';
  let crc = 0xffff;
  for (const ch of Buffer.from(body, 'utf8')) {
    crc ^= ch << 8;
    for (let i = 0; i < 8; i += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return body + crc.toString(16).toUpperCase().padStart(4, '0');
}
