// Renders the skill's APL screens in a real browser, as an Echo Show would draw them.
//
//   node screens/render.mjs build/screens/scenes.json build/screens
//
// scenes.json (written by `python -m skill.devtools.screens`) lists scenes: a name, a
// viewport and the RenderDocument directive the skill sent. For each scene this draws the
// document with Amazon's APL viewhost for the web (apl-viewhost-web 1.4.0) in Debian's
// Chromium (or $CHROMIUM), waits for the WebAssembly renderer to finish, saves
// <name>.png, reads the rendered page's text, and touches the first button, recording what
// its SendEvent sends. The results go to rendered.json beside the screenshots.
//
// Offline, the viewhost's request for Amazon's fonts fails and a default font is used:
// that is expected.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const [scenesFile, outDir] = process.argv.slice(2);
if (!scenesFile || !outDir) {
  console.error("usage: node screens/render.mjs SCENES.json OUT_DIR");
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
if (!fs.existsSync(executablePath)) {
  console.error(
    `No browser at ${executablePath}. Install Debian's Chromium (as root: apt-get install chromium, ` +
      "or run `make screens-deps` as root), or set CHROMIUM to a Chromium or Chrome binary.",
  );
  process.exit(3);
}

const scenes = JSON.parse(fs.readFileSync(scenesFile, "utf8"));
fs.mkdirSync(outDir, { recursive: true });

// Playwright starts the browser with a new, empty profile (--user-data-dir) of its own.
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

const results = [];
try {
  for (const scene of scenes) {
    const { width, height } = scene.viewport;
    const page = await browser.newPage({ viewport: { width, height } });
    const problems = [];
    page.on("pageerror", (error) => problems.push(String(error)));
    await page.goto("file://" + path.join(here, "page.html"));
    await page.evaluate(([directive, viewport]) => window.render(directive, viewport), [
      scene.directive,
      scene.viewport,
    ]);
    // The document is drawn by WebAssembly after init() returns: wait for its words,
    // then for two frames so that layout has settled before the screenshot.
    await page.waitForFunction(() => document.getElementById("view").innerText.trim().length > 0, null, {
      timeout: 30000,
    });
    await page.evaluate(
      () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
    );
    const png = path.join(outDir, `${scene.name}.png`);
    await page.locator("#view").screenshot({ path: png });
    const text = await page.innerText("#view");

    let touched = null;
    if (scene.touch) {
      // The viewhost takes touches only once its frame loop runs: try a few times.
      const button = page.getByText(scene.touch, { exact: true }).first();
      for (let attempt = 0; attempt < 5 && touched === null; attempt += 1) {
        await button.click();
        try {
          await page.waitForFunction(() => window.sentEvents.length > 0, null, { timeout: 1000 });
          touched = await page.evaluate(() => window.sentEvents[0]);
        } catch {
          // not yet: click again
        }
      }
    }
    results.push({ name: scene.name, png, text, touched, problems });
    await page.close();
  }
} finally {
  await browser.close();
}
fs.writeFileSync(path.join(outDir, "rendered.json"), JSON.stringify(results, null, 2) + "\n");
console.log(`rendered ${results.length} screens into ${outDir}`);
