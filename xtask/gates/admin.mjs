// The admin web UI in Debian's Chromium: the whole flow with JavaScript, the same flow with
// JavaScript disabled, a keyboard save, axe-core on every admin page (light and dark), and
// screenshots at desktop and phone widths. Prints one JSON report; exits 1 on any failure.
//
// node admin.mjs BASE_URL SCREENSHOT_DIR   (ADMIN_USER and ADMIN_PASSWORD in the environment)
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const [base, shots] = process.argv.slice(2);
const user = process.env.ADMIN_USER;
const password = process.env.ADMIN_PASSWORD;
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
// A valid 2×2 PNG.
const png = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73000000124944415478" +
    "9c63f8cfc0f0ffff7f100602003cd109f733d2d85d0000000049454e44ae426082", "hex");

const report = { steps: [], violations: [], failures: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});

async function step(name, body) {
  try {
    await body();
    report.steps.push(name);
  } catch (error) {
    report.failures.push(`${name}: ${error.message.split("\n")[0]}`);
  }
}

/// What an authenticator app shows for a base32 key, `steps` steps from now (RFC 6238).
function totp(key, steps = 0) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of key) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const secret = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigInt64BE(BigInt(Math.floor(Date.now() / 30000) + steps));
  const hash = createHmac("sha1", secret).update(counter).digest();
  const offset = hash[hash.length - 1] & 0xf;
  return String((hash.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, "0");
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function login(page) {
  await page.goto(base + "/admin/");
  expect(page.url().includes("/admin/login"), `not sent to the login: ${page.url()}`);
  await page.fill("#username", user);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/admin\/$/);
}

/// Create, publish, restore: the core of writing, with or without JavaScript.
async function writeAndPublish(page, title, label) {
  await page.goto(base + "/admin/posts/new");
  await page.fill("#title", title);
  await page.fill("#body", "First *version* of the text.");
  await page.fill("#tags", "gates, admin");
  await page.check("#draft");
  await page.click('button[value="save"]');
  await page.waitForURL(/done=created/);
  const editUrl = page.url().split("?")[0];
  const slug = editUrl.split("/").pop();
  await page.fill("#body", "## A preview heading\n\nSecond version.");
  await page.click('button[value="preview"]');
  expect(await page.isVisible(".preview h2"), `${label}: the preview shows no heading`);
  await page.uncheck("#draft");
  await page.click('button[value="save"]');
  await page.waitForURL(/done=saved/);
  const publicPage = await page.context().request.get(`${base}/posts/${slug}/`);
  expect(publicPage.status() === 200, `${label}: /posts/${slug}/ answers ${publicPage.status()}`);
  expect((await publicPage.text()).includes("Second version."), `${label}: the public page is stale`);
  const feed = await (await page.context().request.get(`${base}/atom.xml`)).text();
  expect(feed.includes(title.replace(/&/g, "&amp;")), `${label}: the feed lacks the post`);
  await page.goto(`${editUrl}/history`);
  // Saves of one session are one row; the earlier ones are listed under it.
  for (const summary of await page.locator("details.saves summary").all()) await summary.click();
  // The oldest version: the smallest revision number. Compare it with the current one, word by
  // word, then restore it.
  const numbers = await page.locator("button", { hasText: /^Restore #\d+$/ }).allTextContents();
  const oldest = Math.min(...numbers.map((t) => Number(t.slice(9))));
  await page.goto(`${editUrl}/diff/${oldest}`);
  expect(await page.isVisible("pre.diff ins"), `${label}: the comparison marks no words`);
  await page.goto(`${editUrl}/history`);
  for (const summary of await page.locator("details.saves summary").all()) await summary.click();
  await page.click(`button:text-is("Restore #${oldest}")`);
  await page.waitForURL(/done=restored/);
  expect((await page.inputValue("#body")).includes("First *version*"), `${label}: restore did not bring the first text back`);
  return editUrl;
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await step("wrong password is refused", async () => {
    await page.goto(base + "/admin/login");
    await page.fill("#username", user);
    await page.fill("#password", "not the password");
    await page.click("button[type=submit]");
    expect((await page.textContent(".problem")).includes("Wrong user name or password"), "no message");
  });
  await step("log in", () => login(page));
  let editUrl;
  await step("write, preview, publish, restore (JavaScript on)", async () => {
    editUrl = await writeAndPublish(page, "Written in a browser & tested", "js");
  });
  await step("live preview, autosave of a draft, kept edits of a published post, drop upload", async () => {
    await page.goto(base + "/admin/posts/new");
    await page.fill("#title", "Autosaved draft");
    await page.fill("#body", "start");
    await page.check("#draft");
    await page.click('button[value="save"]');
    await page.waitForURL(/done=created/);
    const draftUrl = page.url().split("?")[0];
    const before = await page.inputValue('input[name="etag"]');
    await page.locator("#body").pressSequentially("\n\n## Typed live", { delay: 5 });
    await page.waitForSelector(".preview .content h2:has-text('Typed live')", { timeout: 5000 });
    await page.waitForSelector(".autosave:has-text('Draft saved')", { timeout: 8000 });
    expect((await page.inputValue('input[name="etag"]')) !== before, "the autosave did not move the ETag");
    await page.reload();
    expect((await page.inputValue("#body")).includes("## Typed live"), "the autosave did not reach the log");
    // A dropped file is uploaded and its markdown inserted where the cursor is.
    await page.evaluate(async (bytes) => {
      const file = new File([new Uint8Array(bytes)], "dropped.png", { type: "image/png" });
      const transfer = new DataTransfer();
      transfer.items.add(file);
      document.querySelector("#body").dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, [...png, 0]);
    await page.waitForFunction(() => document.querySelector("#body").value.includes("](/media/"), null, { timeout: 5000 });
    // A published post's edits stay in the browser, not on the site, until saved.
    await page.goto(base + "/admin/posts/new");
    await page.fill("#title", "Published, then edited");
    await page.fill("#body", "The published words.");
    await page.click('button[value="save"]');
    await page.waitForURL(/done=created/);
    const publishedUrl = page.url().split("?")[0];
    await page.fill("#body", "Unsaved words that must not go live.");
    await page.waitForTimeout(2500);
    const live = await (await page.context().request.get(publishedUrl.replace("/admin/posts/", "/posts/") + "/")).text();
    expect(live.includes("The published words."), "the published post is not live");
    expect(!live.includes("Unsaved words"), "an edit of a published post went live by itself");
    await page.reload();
    await page.click("text=Bring it back");
    expect((await page.inputValue("#body")) === "Unsaved words that must not go live.", "the kept text was not offered back");
    await page.click('button[value="save"]');
    await page.waitForURL(/done=saved/);
    void draftUrl;
  });
  await step("keyboard only: write a post and save it", async () => {
    await page.goto(base + "/admin/posts/new");
    await page.focus("#title");
    await page.keyboard.type("Typed with the keyboard only");
    await page.keyboard.press("Tab");
    await page.keyboard.type("No mouse was used.");
    await page.keyboard.press("Control+s");
    await page.waitForURL(/done=created/);
  });
  await step("schedule a post 6 s ahead and see it appear by itself", async () => {
    await page.goto(base + "/admin/posts/new");
    await page.fill("#title", "Scheduled from the browser");
    await page.fill("#body", "Appears on time.");
    const at = new Date(Date.now() + 6000);
    const pad = (n) => String(n).padStart(2, "0");
    const local = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
    await page.fill("#date", local);
    await page.dispatchEvent("#date", "change");
    await page.click('button[value="save"]');
    await page.waitForURL(/done=created/);
    const slug = page.url().split("?")[0].split("/").pop();
    const url = `${base}/posts/${slug}/`;
    expect((await page.context().request.get(url)).status() === 404, "a scheduled post was public early");
    await page.waitForTimeout(Math.max(0, at.getTime() - Date.now()) + 1500);
    expect((await page.context().request.get(url)).status() === 200, "the scheduled post did not appear on time");
  });
  await step("two tabs: the second save is refused, its text kept", async () => {
    const first = await context.newPage();
    const second = await context.newPage();
    await first.goto(editUrl);
    await second.goto(editUrl);
    await first.fill("#body", "Saved in the first tab.");
    await first.click('button[value="save"]');
    await first.waitForURL(/done=saved/);
    await second.fill("#body", "Typed in the second tab.");
    await second.click('button[value="save"]');
    const problem = await second.textContent(".problem");
    expect(problem.includes("changed since you opened it"), `no conflict message: ${problem}`);
    expect(await second.isVisible(".conflict ins"), "the other version's words are not shown");
    expect((await second.inputValue("#body")) === "Typed in the second tab.", "the second tab lost its text");
    await first.close();
    await second.close();
  });
  await step("Ctrl+S saves", async () => {
    await page.goto(editUrl);
    await page.fill("#body", "Saved from the keyboard.");
    await page.focus("#body");
    await page.keyboard.press("Control+s");
    await page.waitForURL(/done=saved/);
  });
  await step("upload an image", async () => {
    await page.goto(base + "/admin/media");
    await page.setInputFiles("#file", { name: "dot.png", mimeType: "image/png", buffer: png });
    await page.click(".upload button[type=submit]");
    await page.waitForURL(/done=uploaded/);
    expect((await page.textContent(".media-grid")).includes("dot.png"), "the file is not listed");
  });
  await step("comment with JavaScript, then without, and approve both in the admin", async () => {
    // Reduced motion: the theme scrolls smoothly otherwise, and a moving button is not clickable.
    const reader = await browser.newContext({ reducedMotion: "reduce" });
    const rp = await reader.newPage();
    await rp.goto(base + "/posts/code/");
    await rp.fill("#comment-name-new", "Reader with JS");
    await rp.fill("#comment-body-new", "Posted *in place* by the script.");
    await rp.click(".comments > form.comment-form button[type=submit]");
    await rp.waitForSelector(".comment-mine", { timeout: 15000 });
    expect((await rp.textContent(".comment-mine")).includes("awaiting approval"), "the new comment is not shown to its author");
    expect(rp.url() === base + "/posts/code/", "the page was left");
    await reader.close();
    const plain = await browser.newContext({ javaScriptEnabled: false, reducedMotion: "reduce" });
    const pp = await plain.newPage();
    await pp.goto(base + "/posts/code/");
    await pp.fill("#comment-name-new", "Reader without JS");
    await pp.fill("#comment-body-new", "Sent with a plain form.");
    await pp.click(".comments > form.comment-form button[type=submit]");
    await pp.waitForSelector("text=Check your comment");
    await pp.waitForTimeout(3200);
    await pp.click("form.comment-form button[type=submit]");
    await pp.waitForSelector("text=will appear once it is approved");
    await plain.close();
    await page.goto(base + "/admin/");
    expect((await page.textContent(".queue")).includes("Reader without JS"), "the dashboard does not show the queue");
    await page.goto(base + "/admin/comments");
    for (const who of ["Reader with JS", "Reader without JS"]) {
      await page.click(`button:has-text("Approve the comment by ${who}")`);
      await page.waitForURL(/done=approved/);
    }
    const post = await (await page.context().request.get(base + "/posts/code/")).text();
    expect(post.includes("Posted <em>in place</em> by the script.") && post.includes("Sent with a plain form."),
           "approved comments are not on the post");
  });
  for (const colorScheme of ["light", "dark"]) {
    for (const width of [1280, 360]) {
      await step(`axe and screenshots, ${colorScheme}, ${width} px`, async () => {
        // The admin's CSP refuses injected scripts, as it should; the checker's context may inject axe.
        const ctx = await browser.newContext({ colorScheme, viewport: { width, height: 900 }, bypassCSP: true,
                                               storageState: await context.storageState() });
        const p = await ctx.newPage();
        const pages = [["dashboard", "/admin/"], ["posts", "/admin/posts"], ["new-post", "/admin/posts/new"],
                       ["editor", editUrl.replace(base, "")], ["history", editUrl.replace(base, "") + "/history"],
                       ["media", "/admin/media"], ["settings", "/admin/settings"], ["pages", "/admin/pages"],
                       ["activity", "/admin/activity"], ["tokens", "/admin/tokens"], ["account", "/admin/account"],
                       ["comments", "/admin/comments?status=approved"]];
        report.pages = pages.length;
        for (const [name, path] of pages) {
          await p.goto(base + path);
          await p.addScriptTag({ content: axeSource });
          const result = await p.evaluate(() => window.axe.run(document));
          for (const v of result.violations) {
            report.violations.push({ page: name, colorScheme, width, rule: v.id, impact: v.impact, help: v.help,
                                     nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) });
          }
          await p.screenshot({ path: `${shots}/admin-${name}-${colorScheme}-${width}.png`, fullPage: true });
        }
        await ctx.close();
      });
    }
  }
  await step("log out", async () => {
    await page.goto(base + "/admin/");
    await page.click(".logout button");
    await page.waitForURL(/\/admin\/login/);
    await page.goto(base + "/admin/posts");
    expect(page.url().includes("/admin/login"), "still logged in after logging out");
  });
  await context.close();

  const plain = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 900 } });
  const nojs = await plain.newPage();
  await step("log in without JavaScript", () => login(nojs));
  await step("write, preview, publish, restore (JavaScript off)", () =>
    writeAndPublish(nojs, "Written without JavaScript", "no-js"));
  await plain.close();

  const secure = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const account = await secure.newPage();
  await step("enrol in two-factor login, then log in with a code", async () => {
    await login(account);
    await account.goto(base + "/admin/account");
    await account.click('form[action="/admin/account/2fa/start"] button');
    expect(await account.isVisible(".qr svg"), "no QR code");
    const key = await account.inputValue("#key");
    await account.fill("#code", totp(key));
    await account.click('form[action="/admin/account/2fa/confirm"] button');
    expect((await account.locator(".codes li").count()) === 10, "no recovery codes");
    await account.click(".logout button");
    await account.waitForURL(/\/admin\/login/);
    await account.fill("#username", user);
    await account.fill("#password", password);
    await account.click("button[type=submit]");
    await account.waitForSelector("#code");
    await account.goto(base + "/admin/posts");
    expect(account.url().includes("/admin/login"), "the password alone opened the admin");
    await account.goto(base + "/admin/login");
    await account.fill("#username", user);
    await account.fill("#password", password);
    await account.click("button[type=submit]");
    await account.fill("#code", totp(key, 1));
    await account.click("button[type=submit]");
    await account.waitForURL(/\/admin\/$/);
  });
  await secure.close();
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
process.exit(report.failures.length === 0 && report.violations.length === 0 ? 0 : 1);
