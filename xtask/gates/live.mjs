// Live reload in Debian's Chromium: with `quire serve --dev`, an edited post reloads by itself,
// and another open page does not. Prints one JSON report; exits 1 on failure.
//
// node live.mjs BASE_URL POST_FILE   (POST_FILE is the markdown of /posts/code/)
import { appendFileSync } from "node:fs";
import { chromium } from "playwright-core";

const [base, file] = process.argv.slice(2);
const report = { failures: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  const context = await browser.newContext();
  const post = await context.newPage();
  const other = await context.newPage();
  await post.goto(base + "/posts/code/");
  await other.goto(base + "/about/");
  // A mark in each page's memory: a reload wipes it.
  await post.evaluate(() => (window.stillHere = true));
  await other.evaluate(() => (window.stillHere = true));
  await post.waitForTimeout(500); // the event streams are open
  const started = Date.now();
  appendFileSync(file, "\n\nAdded while the page was open.\n");
  await post.waitForFunction(() => !window.stillHere && document.body.textContent.includes("Added while the page was open."),
                             null, { timeout: 10000 });
  report.reload_ms = Date.now() - started;
  await other.waitForTimeout(1000);
  if (!(await other.evaluate(() => window.stillHere === true))) report.failures.push("a page that did not change reloaded");
} catch (error) {
  report.failures.push(error.message.split("\n")[0]);
}
await browser.close();
console.log(JSON.stringify(report));
process.exit(report.failures.length ? 1 : 0);
