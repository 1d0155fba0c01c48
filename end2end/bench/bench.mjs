// Veld's benchmark entry point (run through scripts/bench.sh). Prints each figure with its
// target and writes them all to target/bench/figures.json.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import * as chromeLauncher from 'chrome-launcher';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const figures = {};

/** Records a figure; `target` is a string such as "<= 300" or ">= 0.95", or null. */
function figure(name, value, unit, target = null) {
  figures[name] = { value, unit, target };
  let verdict = '';
  if (target) {
    const [op, bound] = target.split(' ');
    const ok = op === '<=' ? value <= Number(bound) : value >= Number(bound);
    verdict = ok ? '  ok' : '  MISSED';
  }
  console.log(`${name.padEnd(44)} ${String(value).padStart(10)} ${unit.padEnd(6)} ${target ? `target ${target}` : ''}${verdict}`);
}

// 0. Figures measured elsewhere in the same run (the server's sync benchmark).
if (process.env.VELD_EXTRA_FIGURES) {
  const extra = JSON.parse(fs.readFileSync(path.resolve(root, process.env.VELD_EXTRA_FIGURES), 'utf8'));
  for (const [name, f] of Object.entries(extra)) figure(name, f.value, f.unit, f.target);
}

// 1. Bundle sizes: raw, gzip and brotli (as precompressed by the build and sent by the server).
const kib = (n) => Math.round((n / 1024) * 10) / 10;
let shellGzip = 0;
let shellBrotli = 0;
for (const [label, test] of [['wasm', /\.wasm$/], ['js', /^veld-app-.*\.js$/], ['css', /\.css$/], ['html', /^index\.html$/]]) {
  const files = fs.readdirSync(dist).filter((f) => test.test(f));
  if (files.length !== 1) throw new Error(`expected one ${label} file in dist/, found ${files}`);
  const bytes = fs.readFileSync(path.join(dist, files[0]));
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  const br = zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  shellGzip += gz;
  shellBrotli += br;
  if (label !== 'html') {
    figure(`bundle.${label}.raw`, kib(bytes.length), 'KiB');
    figure(`bundle.${label}.gzip`, kib(gz), 'KiB');
    figure(`bundle.${label}.brotli`, kib(br), 'KiB');
  }
}
figure('bundle.shell_transfer.gzip', kib(shellGzip), 'KiB', '<= 300');
figure('bundle.shell_transfer.brotli', kib(shellBrotli), 'KiB', '<= 300');

// 2. Lighthouse on the login page and on the logged-in app shell (mobile and desktop presets).
const port = 8097;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'veld-bench-'));
const server = spawn(process.env.VELD_SERVER_BIN, ['--data-dir', dataDir, '--database-url', `sqlite://${dataDir}/veld.db?mode=rwc`,
  'serve', '--demo', '--bind', `127.0.0.1:${port}`, '--dist', dist], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, RUST_LOG: 'warn' } });
const base = `http://127.0.0.1:${port}`;
try {
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/api/health`)).ok) break; } catch { /* not up yet */ }
    if (i > 100) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'sanne@veld.test', password: 'veld-demo-2026' }),
  });
  const cookie = login.headers.get('set-cookie').split(';')[0];

  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  try {
    const pages = [['login', `${base}/login`, null], ['app_shell', `${base}/leads`, { Cookie: cookie }]];
    for (const [preset, config] of [['mobile', undefined], ['desktop', desktopConfig]]) {
      for (const [name, url, headers] of pages) {
        const flags = { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices'] };
        if (headers) flags.extraHeaders = headers;
        const { lhr } = await lighthouse(url, flags, config);
        const score = (c) => lhr.categories[c].score;
        figure(`lighthouse.${name}.${preset}.performance`, score('performance'), 'score', '>= 0.95');
        figure(`lighthouse.${name}.${preset}.accessibility`, score('accessibility'), 'score', '>= 1');
        figure(`lighthouse.${name}.${preset}.best_practices`, score('best-practices'), 'score');
        figure(`lighthouse.${name}.${preset}.lcp`, Math.round(lhr.audits['largest-contentful-paint'].numericValue), 'ms');
        const failing = Object.values(lhr.audits).filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual' && a.scoreDisplayMode !== 'notApplicable');
        if (failing.length) console.log(`  (${name} ${preset}, below full marks: ${failing.map((a) => a.id).join(', ')})`);
      }
    }
  } finally {
    await chrome.kill();
  }
} finally {
  server.kill('SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
}

const out = path.join(root, 'target', 'bench');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'figures.json'), JSON.stringify(figures, null, 2) + '\n');
console.log(`\nwrote ${path.relative(root, path.join(out, 'figures.json'))}`);
