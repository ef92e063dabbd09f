// Opens one page in Debian's headless Chromium through playwright-core and
// does what the test asks on standard input: one JSON command a line, one
// JSON answer a line on standard output. Ends, closing the browser, at the
// end of its input.
//
// Usage: node drive_page.js URL USER_DATA_DIR START_TIMEOUT_MS STEP_TIMEOUT_MS
// (NODE_PATH names the node_modules holding playwright-core). Starting
// Chromium and loading the page may each take START_TIMEOUT_MS, a command
// STEP_TIMEOUT_MS.
//
// Commands: {"do": "fill" | "select" | "set_checked", "selector", "value"},
// {"do": "click", "selector"}, {"do": "wait_for", "selector", "text"} (until
// an element matching selector contains text), {"do": "items", "selector"}
// (per element, its child elements' class => text) and {"do": "problems"}
// (page errors, failed or non-2xx requests, requests to another origin).
"use strict";
const readline = require("readline");
const { chromium } = require("playwright-core");

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const [url, userDataDir, startTimeoutArg, stepTimeoutArg] = process.argv.slice(2);
const startTimeout = Number(startTimeoutArg);
const timeout = Number(stepTimeoutArg);

function watchProblems(page, origin) {
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on("response", (response) => {
    if (response.status() >= 300) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on("request", (request) => {
    if (new URL(request.url()).origin !== origin) problems.push(`request to another origin: ${request.url()}`);
  });
  return problems;
}

// What the page shows in the lists a test asserts on, and its problems, for failure messages.
const pageState = async (page, problems) => (await page.evaluate(() => ["#status", "#messages", "#events"]
  .map((s) => `${s}: ${document.querySelector(s)?.innerText ?? "(none)"}`).join("\n"))) +
  `\nproblems: ${problems.join("\n") || "none"}`;

function commands(page, problems) {
  return {
    fill: (c) => page.fill(c.selector, c.value, { timeout }),
    select: (c) => page.selectOption(c.selector, c.value, { timeout }),
    set_checked: (c) => page.setChecked(c.selector, c.value, { timeout }),
    click: (c) => page.click(c.selector, { timeout }),
    wait_for: async (c) => {
      try {
        await page.waitForFunction(({ selector, text }) => [...document.querySelectorAll(selector)]
          .some((e) => e.textContent.includes(text)), c, { timeout });
      } catch (error) {
        throw new Error(`no ${c.selector} showing "${c.text}" after ${timeout} ms; the page shows\n` +
          await pageState(page, problems));
      }
    },
    items: (c) => page.$$eval(c.selector, (elements) => elements.map(
      (e) => Object.fromEntries([...e.children].map((child) => [child.className, child.textContent])))),
    problems: async () => problems,
  };
}

async function main() {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: startTimeout,
  });
  try {
    const page = context.pages()[0] ?? await context.newPage();
    const problems = watchProblems(page, new URL(url).origin);
    await page.goto(url, { timeout: startTimeout });
    const run = commands(page, problems);
    for await (const line of readline.createInterface({ input: process.stdin })) {
      const command = JSON.parse(line);
      try {
        const value = await run[command.do](command);
        console.log(JSON.stringify({ ok: true, value: value ?? null }));
      } catch (error) {
        console.log(JSON.stringify({ ok: false, error: error.message }));
      }
    }
  } finally {
    await context.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
