// Summarises a sampling heap profile (bench/heap-sample.cjs): MB by allocating function and by
// the last five frames of its stack.   node bench/heap-summary.mjs FILE.json [ROWS]
import { readFileSync } from 'node:fs';

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const rows = Number(process.argv[3] ?? 25);
const bySite = new Map();
const byStack = new Map();
let total = 0;
const name = (frame) =>
  `${frame.functionName || '(anonymous)'}@${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber}`;
(function walk(node, stack) {
  const here = [...stack, name(node.callFrame)];
  if (node.selfSize > 0) {
    total += node.selfSize;
    const site = here[here.length - 1];
    bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    const tail = here.slice(-5).reverse().join(' < ');
    byStack.set(tail, (byStack.get(tail) ?? 0) + node.selfSize);
  }
  for (const child of node.children) walk(child, here);
})(profile.head, []);
const mb = (bytes) => (bytes / 1048576).toFixed(2).padStart(8);
const top = (map) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows)
    .map(([k, v]) => `${mb(v)} MB  ${k}`)
    .join('\n');
console.log(
  `${mb(total)} MB sampled in all\n-- by allocating function\n${top(bySite)}\n-- by stack\n${top(byStack)}`,
);
