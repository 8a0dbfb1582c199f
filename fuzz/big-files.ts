// Large and pathological files, measured (too slow for unit tests): `npm run fuzz -- --big
// [--dir D] [--gb N]`. Writes each file to D (default the OS temp dir), then loads it through
// `readTrace(path)` (the streaming front door the session worker uses above 64 MB) and, where
// the records fit, replays them with the EngineMachine. Prints size, time and peak RSS per
// case; the peak is sampled every 50 ms by a timer so it includes transient allocations.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTrace } from '../engine/trace/index';
import { EngineMachine } from '../engine/replay/engine-machine';

interface Args { dir: string; gb: number; tinyOps: number; keep: boolean }

function args(argv: string[]): Args {
  const a: Args = { dir: os.tmpdir(), gb: 2.1, tinyOps: 10_000_000, keep: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dir') a.dir = argv[++i];
    else if (argv[i] === '--gb') a.gb = Number(argv[++i]);
    else if (argv[i] === '--tiny-ops') a.tinyOps = Number(argv[++i]);
    else if (argv[i] === '--keep') a.keep = true;
  }
  return a;
}

let peak = 0;
const sample = () => { const r = process.memoryUsage().rss; if (r > peak) peak = r; };
const MB = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;

/** Streams `lines(i)` for i < n into a file in 8 MB writes (the generator never holds the file). */
function writeLines(file: string, n: number, line: (i: number) => string): number {
  const fd = fs.openSync(file, 'w');
  let buf = '';
  let size = 0;
  for (let i = 0; i < n; i++) {
    buf += line(i);
    if (buf.length > 8 << 20) { size += fs.writeSync(fd, buf); buf = ''; }
  }
  size += fs.writeSync(fd, buf);
  fs.closeSync(fd);
  return size;
}

function measure(name: string, file: string, replay: boolean): void {
  if (global.gc) global.gc();
  peak = process.memoryUsage().rss;
  const size = fs.statSync(file).size;
  const t0 = Date.now();
  const r = readTrace(file, { source: path.basename(file) });
  const parseMs = Date.now() - t0;
  sample();
  let line = `[big] ${name}: ${MB(size)} ${r.format}, ${r.store.length} records, ${r.diagnostics.length} diagnostics; parse ${(parseMs / 1000).toFixed(1)} s`;
  if (replay) {
    const t1 = Date.now();
    const m = new EngineMachine(r.store);
    m.reset();
    for (let i = 0; i < m.ops.length; i++) { m.execute(i, true); if ((i & 0xffff) === 0) sample(); }
    line += `; replay ${m.ops.length} ops ${((Date.now() - t1) / 1000).toFixed(1)} s, ${m.events.length} events`;
  }
  sample();
  console.log(`${line}; peak RSS ${MB(peak)}`);
}

function main(): void {
  const a = args(process.argv.slice(2));
  const timer = setInterval(sample, 50);
  timer.unref();
  fs.mkdirSync(a.dir, { recursive: true });
  const files: string[] = [];

  // 1. A console log of ~a.gb GB: mostly noise (as real `xl dmesg` captures are), one p2m
  //    line in 64. Proves streaming: peak RSS stays far below the file size.
  const big = path.join(a.dir, 'p2m-big.xenlog');
  const lineLen = 96;
  const n = Math.floor((a.gb * 2 ** 30) / lineLen);
  let t = Date.now();
  writeLines(big, n, i => (i % 64 === 0
    ? `(XEN) [${(i / 1e6).toFixed(6).padStart(12)}] p2m_set_entry d=1 gfn=0x${(0x80000 + (i >> 6) % 0x40000).toString(16)} nr=0x1 mfn=0x${(0x200000 + (i >> 6)).toString(16)} t=1 a=7 rc=0`
    : `(XEN) [${(i / 1e6).toFixed(6).padStart(12)}] d1v0 vgic: noise line ${i} of a long console capture, nothing to replay`).padEnd(lineLen - 1, ' ') + '\n');
  console.log(`[big] wrote ${big} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  files.push(big);
  measure(`console log ${a.gb} GB`, big, true);

  // 2. 10M tiny operations (.p2mtrace, one 4K map per line, cycling over 64k pages).
  const tiny = path.join(a.dir, 'p2m-10m-tiny.p2mtrace');
  t = Date.now();
  writeLines(tiny, a.tinyOps, i => `p2m_set_entry gfn=0x${(0x40000 + (i & 0xffff)).toString(16)} nr=1 mfn=0x${(0x100000 + (i & 0xfffff)).toString(16)} t=ram_rw a=rwx\n`);
  console.log(`[big] wrote ${tiny} (${a.tinyOps} ops) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  files.push(tiny);
  measure(`${a.tinyOps} tiny ops`, tiny, false);

  if (!a.keep) for (const f of files) fs.rmSync(f, { force: true });
}

main();
