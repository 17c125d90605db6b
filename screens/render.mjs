// Renders the skill's APL screens in a real browser, as an Echo Show would draw them.
//
//   node screens/render.mjs build/screens/scenes.json build/screens
//
// scenes.json (written by `python -m skill.devtools.screens`) lists scenes: a name, a
// viewport and the RenderDocument directive the skill sent. For each scene this draws the
// document with Amazon's APL viewhost for the web (apl-viewhost-web 1.4.0) in Debian's
// Chromium (or $CHROMIUM), waits for the WebAssembly renderer to finish, saves
// <name>.png, reads the rendered page's text, measures the number in the screen's frame
// when the scene names one (its font size beside every other text's, its box beside the
// screen's, whether it comes first and sits in a bordered frame), and touches the first
// button, recording what its SendEvent sends. The results go to rendered.json beside the
// screenshots.
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

// In the page: every laid-out piece of text (the viewhost draws APL Text as DOM text, one
// element per line), and the number's among them. Sizes and boxes in CSS pixels.
function measure(number) {
  const view = document.getElementById("view");
  const origin = view.getBoundingClientRect();
  const pieces = [];
  for (const element of view.querySelectorAll("*")) {
    const own = [...element.childNodes]
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .map((node) => node.textContent)
      .join("")
      .trim();
    if (!own) continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    pieces.push({ element, text: own, size: parseFloat(getComputedStyle(element).fontSize), box });
  }
  const mine = pieces.filter((piece) => piece.text === number);
  const others = pieces.filter((piece) => piece.text !== number);
  if (mine.length === 0) return null;
  const { element, size, box } = mine[0];
  let frame = null;
  for (let node = element.parentElement; node && node !== view && !frame; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (parseFloat(style.borderTopWidth) > 0 && style.borderTopStyle !== "none") frame = node;
  }
  const outside = others.filter((piece) => !(frame && frame.contains(piece.element)));
  return {
    number,
    pieces: mine.length,
    font_size: size,
    largest_other: Math.max(0, ...others.map((piece) => piece.size)),
    left: box.left - origin.left,
    top: box.top - origin.top,
    right: box.right - origin.left,
    bottom: box.bottom - origin.top,
    first_other_top: Math.min(origin.height, ...outside.map((piece) => piece.box.top - origin.top)),
    framed: frame !== null,
  };
}

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
    const measured = scene.measure ? await page.evaluate(measure, scene.measure) : null;

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
    results.push({ name: scene.name, viewport: scene.viewport, png, text, touched, problems, measured });
    await page.close();
  }
} finally {
  await browser.close();
}
fs.writeFileSync(path.join(outDir, "rendered.json"), JSON.stringify(results, null, 2) + "\n");
console.log(`rendered ${results.length} screens into ${outDir}`);
