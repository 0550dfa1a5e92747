// The market dashboard against the real server: the demo market's stalls, adding a stall from an
// image of the owner's bank-app QR, and printing its sign as a PDF whose QR decodes to the stall's
// registered payload.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  DemoServer, launchBrowser, postSepay, saveScreenshot, scanQr, tmpFile, vietqrStaticPayload,
} from './lib/harness.mjs';

describe('market dashboard', () => {
  let server;
  let browser;
  let page;
  let added = null; // the stall the add test created, for the print test

  before(async () => {
    server = await new DemoServer().start();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1024, height: 900 });
    const { market_id: market, manager_token: token } = server.demo;
    await page.goto(`${server.base}/#market=${market}&token=${encodeURIComponent(token)}`);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('lists the market\'s stalls with bank, account, QR and today\'s state', async () => {
    const cards = page.locator('#stalls .stall-card');
    await cards.first().waitFor();
    assert.equal(await cards.count(), server.demo.stalls.length);
    const first = server.demo.stalls[0];
    const card = page.locator(`#stalls [data-stall-id="${first.id}"]`);
    const text = await card.textContent();
    assert.ok(text.includes(first.account), text);
    assert.ok(text.includes(first.name), text);
    assert.match(text, /Chưa xác minh|Đã xác minh/);
    // The static QR thumbnail is the server's PNG and it loaded.
    const loaded = await card.locator('img.qr-thumb').evaluate((img) => img.complete && img.naturalWidth > 0);
    assert.ok(loaded, 'static QR thumbnail');
    assert.match(await page.locator('#stat-qr').textContent(), /^\d+%$/);
    // A payment today: the stall says so and the market's figures follow after a reload.
    await postSepay(server, { account: first.account, amount: 125000, content: 'mua rau' });
    await page.locator('#refresh').click();
    await card.getByText('Có giao dịch hôm nay', { exact: true }).waitFor();
    assert.match(await card.locator('.total').textContent(), /^125\.000\u00a0₫ · 1 giao dịch$/);
    assert.equal(await page.locator('#stat-total').textContent(), '125.000\u00a0₫');
    await saveScreenshot(page, 'dashboard.png', { fullPage: false });
  });

  test('adds a stall from an image of a bank-app QR', async () => {
    const payload = vietqrStaticPayload('970415', '104875632190');
    // Render the bank app's QR the way a phone screenshot holds it: a PNG drawn by a QR encoder
    // that is not cho4's (the vendored generator, in the page's canvas).
    const pngBase64 = await page.evaluate(async (text) => {
      const { default: qrcode } = await import('/assets/vendor/qrcode-generator.js');
      const q = qrcode(0, 'M');
      q.addData(text);
      q.make();
      const cell = 8;
      const margin = 4 * cell;
      const n = q.getModuleCount();
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = n * cell + 2 * margin;
      const g = canvas.getContext('2d');
      g.fillStyle = '#fff';
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.fillStyle = '#000';
      for (let r = 0; r < n; r += 1) for (let c = 0; c < n; c += 1) if (q.isDark(r, c)) g.fillRect(margin + c * cell, margin + r * cell, cell, cell);
      return canvas.toDataURL('image/png').split(',')[1];
    }, payload);

    await page.locator('#tabs [data-tab="add"]').click();
    await page.locator('#add-number').fill('D21');
    await page.locator('#add-name').fill('Bà Hai - Bánh');
    await page.locator('#add-holder').fill('PHAM THI HAI');
    await page.locator('#scan-file').setInputFiles({ name: 'bank-app-qr.png', mimeType: 'image/png', buffer: Buffer.from(pngBase64, 'base64') });
    const result = page.locator('#scan-result.ok');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-account'), '104875632190');
    await page.locator('#add-submit').click();
    const card = page.locator('#stalls .stall-card', { hasText: 'D21 · Bà Hai - Bánh' });
    await card.waitFor();
    const stallId = await card.getAttribute('data-stall-id');
    const stall = await server.api('GET', `/v1/stalls/${stallId}`, server.demo.manager_token);
    assert.equal(stall.account, '104875632190');
    assert.equal(stall.bank_bin, '970415');
    added = { stall, card };
  });

  test('issues a device token as a QR that signs the stall\'s phone in', async () => {
    assert.ok(added, 'the add test created the stall');
    const { stall } = added;
    const card = page.locator(`#stalls [data-stall-id="${stall.id}"]`);
    await card.getByRole('button', { name: 'Mã thiết bị' }).click();
    await page.locator('#token-label').fill('Điện thoại bà Hai');
    await page.locator('#token-form button[type=submit]').click();
    const qr = page.locator('#token-qr');
    await page.locator('#token-issued').waitFor({ state: 'visible' });
    await qr.evaluate((img) => img.decode());
    const shot = tmpFile('token-qr.png');
    await qr.screenshot({ path: shot });
    const [link] = scanQr(shot);
    assert.equal(link, await page.locator('#token-link').textContent());
    assert.match(link, new RegExp(`^${server.base}/stall/${stall.id}#token=.+`));
    added.deviceToken = decodeURIComponent(link.split('#token=')[1]);
    // The list shows the new token (label, no secret) as active.
    const row = page.locator('#tokens-list li[data-active="true"]', { hasText: 'Điện thoại bà Hai' });
    await row.waitFor();
    assert.ok(!(await page.locator('#tokens-list').textContent()).includes(added.deviceToken));
    await page.locator('#tokens-close').click();

    // The phone opens the scanned link: signed in, connected, the stall's name on top.
    const phone = await browser.context.newPage();
    await phone.goto(link);
    await phone.locator('#conn.online').waitFor();
    assert.match(await phone.locator('#stall-title').textContent(), /D21/);
    await phone.close();
  });

  test('prints the new stall\'s sign as a PDF whose QR decodes to its payload', async () => {
    assert.ok(added, 'the previous test added the stall');
    const { stall } = added;
    // The PDF comes from the server's signage route, POST /v1/markets/{id}/signage.
    const card = page.locator(`#stalls [data-stall-id="${stall.id}"]`);
    // Print: the new stall is unverified, so the dashboard warns before making the PDF.
    await card.locator('input[type=checkbox]').check();
    await page.locator('#print-selected').click();
    await page.locator('#print-warning').waitFor({ state: 'visible' });
    assert.match(await page.locator('#print-warning-text').textContent(), /D21/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#print-anyway').click()]);
    const pdf = tmpFile('signs.pdf');
    await download.saveAs(pdf);
    assert.equal(fs.readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
    const prefix = path.join(path.dirname(pdf), 'page');
    execFileSync('pdftoppm', ['-png', '-r', '150', '-f', '1', '-l', '1', pdf, prefix]);
    const image = fs.readdirSync(path.dirname(pdf)).filter((f) => f.startsWith('page') && f.endsWith('.png'))[0];
    assert.ok(image, 'pdftoppm wrote a page image');
    const decoded = scanQr(path.join(path.dirname(pdf), image));
    assert.deepEqual(decoded, [stall.static_payload]);
    // The server named the stall as unverified when it printed it, and the dashboard says so.
    await page.locator('#status.warn', { hasText: 'Chưa xác minh: D21' }).waitFor();
  });

  test('revokes a device token: the phone is cut off and the token answers 401', async () => {
    assert.ok(added?.deviceToken, 'the token test issued a token');
    const { stall, deviceToken } = added;
    const phone = await browser.context.newPage();
    await phone.goto(`${server.base}/stall/${stall.id}#token=${encodeURIComponent(deviceToken)}`);
    await phone.locator('#conn.online').waitFor();

    const card = page.locator(`#stalls [data-stall-id="${stall.id}"]`);
    await card.getByRole('button', { name: 'Mã thiết bị' }).click();
    const row = page.locator('#tokens-list li[data-active="true"]', { hasText: 'Điện thoại bà Hai' });
    await row.getByRole('button', { name: 'Thu hồi' }).click();
    await page.locator('#tokens-list li[data-active="false"]', { hasText: 'Điện thoại bà Hai' }).waitFor();
    assert.match(await page.locator('#tokens-list').textContent(), /Đã thu hồi/);
    await page.locator('#tokens-close').click();

    const res = await fetch(`${server.base}/v1/stalls/${stall.id}`, { headers: { Authorization: `Bearer ${deviceToken}` } });
    assert.equal(res.status, 401);
    // The server closed the phone's stream; its reconnection is refused and it asks for a new token.
    await phone.getByText(/đã bị thu hồi/).first().waitFor();
    await phone.close();
  });
});
