/**
 * Opens a rendered sample report in headless Chromium and checks that the browser really drew
 * it: every chart's lines have geometry, the screenshot contains line pixels, injected markup
 * stayed text, and the page made no network request (all traffic is routed to a recording proxy).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { renderReportHtml } from "../../src/report/html/index.js";
import { LINE_COLOURS } from "../../src/report/html/line-chart.js";
import { countPixelsNear, decodePng } from "./png.js";
import { sampleReportInput } from "./sample.js";

const SEED = 20241211;
const BROWSER_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
const SKIP = process.env.KUBESTORM_SKIP_BROWSER === "1";

/**
 * Chromium's own background traffic (component updater, its time check, account sign-in), which
 * no flag turns off in every build; anything else reaching the proxy came from the page.
 */
const BROWSER_OWN_HOSTS = new Set([
  "update.googleapis.com",
  "clients2.google.com",
  "accounts.google.com",
]);

function requestHost(request: string): string {
  const target = request.slice(request.indexOf(" ") + 1);
  if (request.startsWith("CONNECT ")) return target.replace(/:\d+$/, "");
  try {
    return new URL(target).hostname;
  } catch {
    return target;
  }
}

function pageRequests(requests: string[]): string[] {
  return requests.filter((request) => !BROWSER_OWN_HOSTS.has(requestHost(request)));
}

function findChromium(): string | undefined {
  const explicit = process.env.KUBESTORM_CHROMIUM;
  if (explicit !== undefined && explicit !== "") return explicit;
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    for (const name of BROWSER_NAMES) {
      const candidate = join(directory, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}

function requireChromium(): string {
  const found = findChromium();
  assert.ok(
    found !== undefined,
    "Chromium is not installed: the report test needs it. `.ci/run` installs it " +
      "(apt-get install chromium); or set KUBESTORM_CHROMIUM=/path/to/chromium, " +
      "or KUBESTORM_SKIP_BROWSER=1 to skip the browser tests.",
  );
  return found;
}

/** An HTTP proxy that answers 403 to everything and remembers what was asked. */
async function recordingProxy(): Promise<{ server: Server; port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.writeHead(403).end();
  });
  server.on("connect", (request, socket) => {
    requests.push(`CONNECT ${request.url}`);
    socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === "object");
  return { server, port: address.port, requests };
}

function runChromium(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      args,
      { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${binary} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

function browserArgs(workDirectory: string, proxyPort: number): string[] {
  return [
    "--headless",
    "--disable-gpu",
    "--no-sandbox",
    "--hide-scrollbars",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-client-side-phishing-detection",
    "--disable-domain-reliability",
    "--no-pings",
    "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication",
    `--user-data-dir=${join(workDirectory, "profile")}`,
    `--proxy-server=http://127.0.0.1:${proxyPort}`,
    // Route even loopback through the proxy, so no request escapes the count.
    "--proxy-bypass-list=<-loopback>",
  ];
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

test(
  "the report renders in headless Chromium without network access",
  { skip: SKIP ? "KUBESTORM_SKIP_BROWSER=1" : false },
  async () => {
    const binary = requireChromium();
    const input = sampleReportInput(SEED);
    const html = renderReportHtml(input);
    const work = mkdtempSync(join(tmpdir(), "kubestorm-report-"));
    const proxy = await recordingProxy();
    try {
      const page = join(work, "report.html");
      writeFileSync(page, html);
      const url = pathToFileURL(page).href;
      const args = browserArgs(work, proxy.port);
      const dom = await runChromium(binary, [...args, "--dump-dom", url]);
      const context = `(seed ${SEED}, page ${page})`;

      // Every chart ran the page's check: each drawable line has a non-empty box and length.
      const bodyTag = /<body[^>]*>/.exec(dom)?.[0] ?? "";
      assert.equal(
        attribute(bodyTag, "data-charts-rendered"),
        String(input.charts.length),
        `charts rendered ${context}`,
      );
      const chartTags = dom.match(/<svg class="chart"[^>]*>/g) ?? [];
      assert.equal(chartTags.length, input.charts.length, `chart elements ${context}`);
      chartTags.forEach((tag, index) => {
        const lines = input.charts[index]!.lines.length;
        assert.equal(
          attribute(tag, "data-series-drawable"),
          String(lines),
          `chart ${index} drawable ${context}`,
        );
        assert.equal(
          attribute(tag, "data-series-drawn"),
          String(lines),
          `chart ${index} drawn ${context}`,
        );
      });
      assert.match(dom, /<svg class="timeline-chart"/, `timeline chart ${context}`);

      // Hostile text stayed text: no injected element, its handler never ran.
      assert.doesNotMatch(dom, /<img[^>]*id="injected"/, `injected element ${context}`);
      assert.equal(attribute(bodyTag, "data-pwned"), undefined, `injected handler ran ${context}`);
      assert.ok(
        dom.includes(`&lt;img id="injected" src=x onerror=`),
        `escaped text shown ${context}`,
      );

      // A screenshot at report size shows the lines themselves, not only their legend swatches.
      const screenshot = join(work, "report.png");
      await runChromium(binary, [
        ...args,
        "--window-size=1400,3000",
        `--screenshot=${screenshot}`,
        url,
      ]);
      const png = decodePng(readFileSync(screenshot));
      assert.equal(png.width, 1400, `screenshot width ${context}`);
      assert.equal(png.height, 3000, `screenshot height ${context}`);
      const orangeLinePixels = countPixelsNear(png, LINE_COLOURS[1]!);
      assert.ok(
        orangeLinePixels > 1500,
        `only ${orangeLinePixels} pixels of the second line colour ${context}`,
      );
      const target = process.env.KUBESTORM_REPORT_SCREENSHOT;
      if (target !== undefined && target !== "") writeFileSync(target, readFileSync(screenshot));

      assert.deepEqual(
        pageRequests(proxy.requests),
        [],
        `the page made network requests ${context}`,
      );
    } finally {
      proxy.server.close();
      rmSync(work, { recursive: true, force: true });
    }
  },
);

test(
  "the network check notices a page that does fetch something",
  { skip: SKIP ? "KUBESTORM_SKIP_BROWSER=1" : false },
  async () => {
    const binary = requireChromium();
    const work = mkdtempSync(join(tmpdir(), "kubestorm-report-"));
    const proxy = await recordingProxy();
    try {
      const page = join(work, "fetching.html");
      writeFileSync(page, `<!doctype html><img src="http://report-assets.invalid/logo.png">`);
      await runChromium(binary, [
        ...browserArgs(work, proxy.port),
        "--dump-dom",
        pathToFileURL(page).href,
      ]);
      assert.ok(
        pageRequests(proxy.requests).some((request) => request.includes("report-assets.invalid")),
        `the proxy saw: ${JSON.stringify(proxy.requests)}`,
      );
    } finally {
      proxy.server.close();
      rmSync(work, { recursive: true, force: true });
    }
  },
);
