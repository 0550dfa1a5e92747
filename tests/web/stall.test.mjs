// The stall screen against the real server: live payment with voice, underpayment, reconnect
// after the server cut the device's stream, and a dynamic-QR sale paid from the decoded screenshot.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DemoServer, WAIT_MS, launchBrowser, postSepay, saveScreenshot, scanQr, until,
} from './lib/harness.mjs';

const NBSP = '\u00a0';

describe('stall screen', () => {
  let server;
  let browser;
  let page;
  let stall;

  const spoken = () => page.evaluate(() => window.__spoken.map((u) => u.text));

  before(async () => {
    server = await new DemoServer().start();
    stall = server.demo.stalls[0];
    browser = await launchBrowser();
    page = await browser.context.newPage();
    // The device signs in from the manager's link; the token leaves the address bar at once.
    await page.goto(`${server.base}/stall/${stall.id}#token=${encodeURIComponent(stall.device_token)}`);
    await page.locator('#conn.online').waitFor();
    assert.ok(!page.url().includes('token='), 'token must not stay in the address bar');
    await page.locator('#sound').click(); // browsers allow speech only after a tap
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a payment shows its amount and outcome and is spoken in Vietnamese', async () => {
    const before = (await spoken()).length;
    await postSepay(server, { account: stall.account, amount: 60000, content: 'CT mua rau' });
    await page.locator('#latest[data-credit-id]').waitFor();
    assert.equal(await page.locator('#latest-amount').textContent(), `+60.000${NBSP}₫`);
    assert.match(await page.locator('#latest-outcome').textContent(), /Đã nhận/i);
    const said = await until(async () => (await spoken()).slice(before).find((t) => /sáu mươi nghìn/.test(t)), 'speech');
    assert.match(said, /^Đã nhận sáu mươi nghìn đồng/);
    assert.equal(await page.locator('#latest-speech').textContent(), `Đọc: “${said}”`);
    assert.equal(await page.locator('#history li').count(), 1);
    await until(async () => (await page.locator('#today-total').textContent()) === `60.000${NBSP}₫`, 'today total');
    await saveScreenshot(page, 'stall-payment.png');
  });

  test('an underpaid order is red, shows the shortfall and says "thiếu"', async () => {
    const order = await server.api('POST', `/v1/stalls/${stall.id}/orders`, stall.device_token, { amount_vnd: 200000, note: 'gạo' });
    await postSepay(server, { account: stall.account, amount: 60000, content: `${order.reference} chuyen khoan` });
    await page.locator('#latest[data-outcome="underpaid"]').waitFor();
    assert.match(await page.locator('#latest').getAttribute('class'), /\bbad\b/);
    const shortfall = page.locator('#latest-shortfall');
    await shortfall.waitFor({ state: 'visible' });
    assert.match(await shortfall.textContent(), new RegExp(`THIẾU 140\\.000${NBSP}₫`));
    assert.equal(await page.locator('#latest-reference').textContent(), `Đơn ${order.reference}`);
    const said = await until(async () => (await spoken()).find((t) => /^Thiếu một trăm bốn mươi nghìn đồng/.test(t)), 'spoken shortfall');
    assert.ok(said);
    const color = await page.locator('#latest').evaluate((e) => getComputedStyle(e).backgroundColor);
    assert.equal(color, 'rgb(176, 0, 0)');
    await saveScreenshot(page, 'stall-underpaid.png');
  });

  test('after the server cuts the stream, missed credits arrive once with one summary', async () => {
    const spokenBefore = await spoken();
    // Reconnection attempts wait at the browser's edge until both credits are durable, so the
    // credits are certainly made while the device is away (no race with its backoff).
    const held = [];
    let release;
    const released = new Promise((r) => { release = r; });
    await page.route('**/v1/stalls/*/events*', async (route) => {
      held.push(route.request().url());
      await released;
      await route.continue();
    });
    await server.restart(); // SIGTERM: the server closes every device stream
    await page.locator('#conn:not(.online)').waitFor();
    await postSepay(server, { account: stall.account, amount: 11000, content: 'tra tien hanh' });
    await postSepay(server, { account: stall.account, amount: 22000, content: 'tra tien toi' });
    await until(() => held.length > 0, 'a held reconnection');
    assert.match(held[held.length - 1], /[?&]after=\d+/, 'the device resumes from its cursor');
    release();
    await page.locator('#conn.online').waitFor();
    const missed = page.locator('#missed');
    await missed.waitFor({ state: 'visible' });
    assert.equal(await missed.getAttribute('data-count'), '2');
    assert.match(await page.locator('#missed-text').textContent(), new RegExp(`2 giao dịch, tổng 33\\.000${NBSP}₫`));
    const amounts = await page.locator('#history .h-amount').allTextContents();
    assert.ok(amounts.includes(`+11.000${NBSP}₫`) && amounts.includes(`+22.000${NBSP}₫`), amounts.join());
    assert.equal(await page.locator('#history li').count(), 4);
    await page.unroute('**/v1/stalls/*/events*');
    // Spoken after reconnecting: exactly the one summary, nothing of the old credits again.
    const now = await spoken();
    const added = now.slice(spokenBefore.length);
    assert.equal(added.length, 1, JSON.stringify(added));
    assert.match(added[0], /mất kết nối có 2 giao dịch/);
    assert.equal(new Set(now).size, now.length, `nothing spoken twice: ${JSON.stringify(now)}`);
  });

  test('a sale shows a dynamic QR that decodes to the order and turns to "Đã nhận" when paid', async () => {
    await page.locator('#new-sale').click();
    await page.locator('#sale-amount').fill('45.000');
    await page.locator('#sale-note').fill('2kg cà chua');
    await page.locator('#sale-create').click();
    const qr = page.locator('#sale-qr[data-order-id]');
    await qr.waitFor();
    const orderId = await qr.getAttribute('data-order-id');
    assert.equal(await page.locator('#sale-state').textContent(), 'Quét mã để thanh toán');
    assert.equal(await page.locator('#sale-screen-amount').textContent(), `45.000${NBSP}₫`);
    // The screenshot the customer's camera would see is also the documentation's.
    const shot = await saveScreenshot(page, 'stall-sale.png');
    const order = await server.api('GET', `/v1/orders/${orderId}`, stall.device_token);
    const decoded = scanQr(shot);
    assert.deepEqual(decoded, [order.payload]);
    await postSepay(server, { account: stall.account, amount: 45000, content: `${order.reference} ca chua` });
    await page.locator('#sale-state[data-status="paid"]').waitFor({ timeout: WAIT_MS });
    assert.equal(await page.locator('#sale-state').textContent(), 'Đã nhận');
    await saveScreenshot(page, 'stall-sale-paid.png');
    await page.locator('#sale-close').click();
    await page.locator('#sale-screen').waitFor({ state: 'hidden' });
  });
  test('a phone that was closed gets one summary when it opens the screen again', async () => {
    await page.close();
    await postSepay(server, { account: stall.account, amount: 33000, content: 'luc dong may' });
    // Same browser profile: the token, the cursor and the announced ids are remembered.
    page = await browser.context.newPage();
    await page.goto(`${server.base}/stall/${stall.id}`);
    await page.locator('#conn.online').waitFor();
    await page.locator('#missed').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#missed').getAttribute('data-count'), '1');
    assert.match(await page.locator('#missed-text').textContent(), new RegExp(`tổng 33\\.000${NBSP}₫`));
    assert.ok((await page.locator('#history .h-amount').allTextContents()).includes(`+33.000${NBSP}₫`));
    // A fresh page has its own recorder: the summary is all it said (sound needs a tap first,
    // which the recorder does not enforce, so any per-credit speech would show here).
    assert.deepEqual(await spoken(), ['Trong lúc mất kết nối có 1 giao dịch. Xem lịch sử.']);
  });
});
