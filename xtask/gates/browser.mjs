// axe-core on every page type, light and dark, desktop and phone widths, in Debian's Chromium;
// and screenshots of the pages marked for them. Prints one JSON report; exits 1 on violations.
//
// node browser.mjs BASE_URL PAGES_JSON SCREENSHOT_DIR
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const [base, pagesJson, shots] = process.argv.slice(2);
const pages = JSON.parse(pagesJson);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const report = { runs: 0, violations: [] };
try {
  for (const colorScheme of ["light", "dark"]) {
    for (const width of [1280, 390]) {
      const context = await browser.newContext({ colorScheme, viewport: { width, height: 900 } });
      const page = await context.newPage();
      for (const { name, path, screenshot } of pages) {
        const response = await page.goto(base + path, { waitUntil: "load" });
        if (!response) throw new Error(`no response for ${path}`);
        await page.addScriptTag({ content: axeSource });
        const result = await page.evaluate(() => window.axe.run(document));
        report.runs += 1;
        for (const v of result.violations) {
          report.violations.push({
            page: name, path, colorScheme, width, rule: v.id, impact: v.impact,
            help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + ": " + n.failureSummary),
          });
        }
        if (screenshot) {
          await page.screenshot({ path: `${shots}/${name}-${colorScheme}-${width}.png`, fullPage: true });
        }
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
process.exit(report.violations.length === 0 ? 0 : 1);
