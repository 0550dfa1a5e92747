// Measures what a stall owner waits for: from the bank's webhook POST leaving the aggregator to the
// amount on the stall's screen (and the utterance requested), through the real server and a real
// headless Chromium. Not a test (no thresholds): prints figures for docs/results-web.md.
//   CHO4_BIN=build/switch/cho4 node tests/web/measure-latency.mjs [payments=200]

import { DemoServer, launchBrowser, postSepay } from './lib/harness.mjs';

const n = Number(process.argv[2] ?? 200);
const server = await new DemoServer().start();
const browser = await launchBrowser();
try {
  const stall = server.demo.stalls[0];
  const page = await browser.context.newPage();
  await page.goto(`${server.base}/stall/${stall.id}#token=${encodeURIComponent(stall.device_token)}`);
  await page.locator('#conn.online').waitFor();
  await page.locator('#sound').click();
  const screen = [];
  const ack = [];
  for (let i = 0; i < n; i += 1) {
    const amount = 10000 + i; // unique, so the screen's amount identifies this payment
    const spokenBefore = await page.evaluate(() => window.__spoken.length);
    const shown = page.waitForFunction(
      ([want, k]) => window.__spoken.length > k &&
        document.querySelector('#latest-amount')?.textContent.replace(/\D/g, '') === want,
      [String(amount), spokenBefore],
      { polling: 'raf' });
    const t0 = performance.now();
    await postSepay(server, { account: stall.account, amount, content: `do ${i}` });
    const t1 = performance.now();
    await shown;
    const t2 = performance.now();
    ack.push(t1 - t0);
    screen.push(t2 - t0);
  }
  const q = (xs, p) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1);
  };
  console.log(`payments: ${n}`);
  console.log(`webhook answered (durable):   p50 ${q(ack, 0.5)} ms  p95 ${q(ack, 0.95)} ms  max ${q(ack, 1)} ms`);
  console.log(`amount on screen + speech:    p50 ${q(screen, 0.5)} ms  p95 ${q(screen, 0.95)} ms  max ${q(screen, 1)} ms`);
} finally {
  await browser.close();
  await server.close();
}
