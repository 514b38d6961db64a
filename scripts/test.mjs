#!/usr/bin/env node
/**
 * `npm test`: the unit tests (Vitest), then the end-to-end tests (Playwright, Debian's chromium).
 * Both always run, so one failing does not hide the other; the exit status is non-zero if either failed
 * (or could not start). The runners' own summary lines are repeated at the end.
 * Extra arguments go to both runners only as `--unit=...` / `--e2e=...`, e.g. `npm test -- --e2e=--project=wasm`.
 */
import { spawn } from 'node:child_process';

// Colour codes, so summary lines can be matched (ESC is written as a char code: no control chars in a regex literal).
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

const extra = (prefix) =>
  process.argv
    .slice(2)
    .filter((arg) => arg.startsWith(prefix))
    .map((arg) => arg.slice(prefix.length));

/** Runs `npx <args>`, streaming its output, and keeps the lines that `isSummary` picks. */
function run(label, args, isSummary) {
  return new Promise((resolve) => {
    console.log(`\n=== ${label}: npx ${args.join(' ')}\n`);
    const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let text = '';
    const forward = (stream, sink) =>
      stream.on('data', (chunk) => {
        sink.write(chunk);
        text += chunk.toString();
      });
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
    child.on('error', (error) => resolve({ label, code: 1, summary: [`could not start: ${error.message}`] }));
    child.on('close', (code, signal) => {
      const summary = text
        .replace(ANSI, '')
        .split('\n')
        .map((line) => line.trim())
        .filter(isSummary);
      resolve({ label, code: code ?? (signal ? 1 : 0), summary });
    });
  });
}

const results = [
  await run('unit (vitest)', ['vitest', 'run', ...extra('--unit=')], (line) =>
    /^(Test Files|Tests|Errors)\s/.test(line),
  ),
  await run('e2e (playwright)', ['playwright', 'test', ...extra('--e2e=')], (line) =>
    /^\d+ (passed|failed|flaky|skipped|did not run|interrupted)\b/.test(line),
  ),
];

console.log('\n=== summary');
for (const { label, code, summary } of results) {
  console.log(`${code === 0 ? 'PASS' : 'FAIL'}  ${label}${code === 0 ? '' : ` (exit ${code})`}`);
  for (const line of summary) console.log(`      ${line}`);
}
// One plain closing line over both runners, e.g. '850 passed, 0 failed'.
const count = (word) =>
  results
    .flatMap((r) => r.summary)
    .filter((line) => !line.startsWith('Test Files'))
    .reduce((sum, line) => sum + Number(line.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0), 0);
console.log(`${count('passed')} passed, ${count('failed')} failed`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
