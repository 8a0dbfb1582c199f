// Fuzz driver: `npm run fuzz -- --seconds N --seed S [--inputs N] [--only I] [--no-save]
// [--targets a,b] [--report file.json]`. Input i of seed S is always the same bytes and
// options (rng.ts), so a run is reproducible and the digest printed at the end proves it.
// Each new failure class is minimised and written to test/fixtures/regressions/ with a
// sidecar .json (target, options, message) that test/unit/reliability replays forever.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fnv1a } from './rng';
import { generate } from './generate';
import { loadCorpus } from './corpus';
import { TARGETS, type InputOptions, type Target } from './targets';
import { checkInput, type Failure } from './check';
import { minimize } from './minimize';

interface Args { seconds: number; seed: number; inputs?: number; only?: number; save: boolean; targets?: string[]; report?: string; root: string }

function parseArgs(argv: string[]): Args {
  const a: Args = { seconds: 20, seed: 1, save: true, root: process.env.P2M_ROOT ?? process.cwd() };
  for (let i = 0; i < argv.length; i++) {
    const v = () => argv[++i];
    switch (argv[i]) {
      case '--seconds': a.seconds = Number(v()); break;
      case '--seed': a.seed = Number(v()); break;
      case '--inputs': a.inputs = Number(v()); break;
      case '--only': a.only = Number(v()); break;
      case '--no-save': a.save = false; break;
      case '--targets': a.targets = v().split(','); break;
      case '--report': a.report = v(); break;
      default: throw new Error(`unknown argument ${argv[i]} (expected --seconds N --seed S [--inputs N] [--only I] [--no-save] [--targets a,b] [--report f])`);
    }
  }
  if (!Number.isFinite(a.seconds) || !Number.isInteger(a.seed)) throw new Error('--seconds and --seed must be numbers');
  return a;
}

const signature = (f: Failure) => `${f.target}/${f.kind}/${f.message.split('\n')[0].replace(/0x[0-9a-f]+|\d+/gi, 'N').slice(0, 160)}`;

function save(root: string, t: Target, f: Failure, bytes: Uint8Array, o: InputOptions, meta: { seed: number; index: number }): string {
  const dir = path.join(root, 'test/fixtures/regressions');
  fs.mkdirSync(dir, { recursive: true });
  const name = `${t.name}-${f.kind}-${fnv1a(bytes).toString(16).padStart(8, '0')}`;
  fs.writeFileSync(path.join(dir, `${name}.${t.ext}.input`), bytes);
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ target: t.name, kind: f.kind, options: o, input: `${name}.${t.ext}.input`, message: f.message.split('\n')[0], ...meta }, null, 2) + '\n');
  return name;
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  const corpus = loadCorpus(args.root).filter(s => !s.name.includes('regressions/') || true);
  if (corpus.length === 0) { console.error('[fuzz] no corpus found (run from the repository root)'); return 1; }
  const targets = TARGETS.filter(t => !args.targets || args.targets.includes(t.name));
  const t0 = Date.now();
  const perTarget = new Map<string, { inputs: number; failures: number; records: number; ms: number }>();
  for (const t of targets) perTarget.set(t.name, { inputs: 0, failures: 0, records: 0, ms: 0 });
  const seen = new Map<string, string>();
  let digest = 0x811c9dc5, inputs = 0, checks = 0, failures = 0, replayedOps = 0, skippedHuge = 0, peakRss = 0, bytesTotal = 0;
  let lastReport = Date.now();
  console.log(`[fuzz] seed=${args.seed} ${args.inputs !== undefined ? `inputs=${args.inputs}` : `seconds=${args.seconds}`} corpus=${corpus.length} targets=${targets.map(t => t.name).join(',')}`);
  for (let i = args.only ?? 0; ; i++) {
    if (args.only !== undefined && i > args.only) break;
    if (args.inputs !== undefined ? i >= args.inputs : Date.now() - t0 >= args.seconds * 1000) break;
    const g = generate(corpus, args.seed, i);
    digest = fnv1a(g.bytes, digest);
    inputs++;
    bytesTotal += g.bytes.length;
    for (const t of targets) {
      const c = checkInput(t, g.bytes, g.options);
      const s = perTarget.get(t.name)!;
      s.inputs++; s.records += c.stats.records; s.ms += c.stats.ms;
      replayedOps += c.stats.replayedOps; skippedHuge += c.stats.skippedHuge;
      checks++;
      if (!c.failure) continue;
      // A slow input is re-checked once: a GC pause or a busy machine is not a finding.
      if (c.failure.kind === 'slow' && !checkInput(t, g.bytes, g.options).failure) continue;
      failures++; s.failures++;
      const sig = signature(c.failure);
      if (seen.has(sig)) continue;
      const f = c.failure;
      const small = minimize(g.bytes, b => { const x = checkInput(t, b, g.options).failure; return x !== undefined && x.target === f.target && x.kind === f.kind && (f.kind !== 'slow' || b.length < g.bytes.length); });
      const name = args.save ? save(args.root, t, f, small, g.options, { seed: args.seed, index: i }) : '(not saved)';
      seen.set(sig, name);
      console.log(`[fuzz] FAIL input #${i} (from ${g.from}) target ${t.name}: ${f.kind}: ${f.message.split('\n').slice(0, 4).join('\n    ')}\n    minimised ${g.bytes.length} → ${small.length} bytes: ${name}\n    reproduce: npm run fuzz -- --seed ${args.seed} --only ${i} --targets ${t.name}`);
    }
    const rss = process.memoryUsage().rss;
    if (rss > peakRss) peakRss = rss;
    if (Date.now() - lastReport > 60_000) {
      lastReport = Date.now();
      console.log(`[fuzz] ${((Date.now() - t0) / 1000).toFixed(0)} s: ${inputs} inputs, ${failures} failures, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB`);
    }
  }
  const secs = (Date.now() - t0) / 1000;
  const MAX_RSS = 2 ** 31;
  console.log(`[fuzz] ${inputs} inputs (${(bytesTotal / 2 ** 20).toFixed(1)} MB) in ${secs.toFixed(1)} s, seed ${args.seed}, digest ${(digest >>> 0).toString(16)}`);
  for (const [name, s] of perTarget) console.log(`[fuzz]   ${name.padEnd(13)} ${String(s.inputs).padStart(8)} inputs ${String(s.failures).padStart(5)} failures ${String(s.records).padStart(10)} records ${(s.ms / 1000).toFixed(1).padStart(7)} s`);
  console.log(`[fuzz] replayed ${replayedOps} ops (${skippedHuge} calls over the per-input page budget left out); peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB; ${seen.size} distinct failure classes`);
  if (peakRss > MAX_RSS) { console.log(`[fuzz] FAIL peak RSS over ${MAX_RSS / 2 ** 20} MB`); failures++; }
  if (args.report) {
    fs.writeFileSync(args.report, JSON.stringify({ seed: args.seed, seconds: secs, inputs, bytes: bytesTotal, digest: (digest >>> 0).toString(16), replayedOps, skippedHuge, peakRssMB: Math.round(peakRss / 2 ** 20), perTarget: Object.fromEntries(perTarget), failureClasses: [...seen.entries()] }, null, 2) + '\n');
  }
  console.log(`[fuzz] ${checks - failures} passed, ${failures} failed`);
  return failures ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(`[fuzz] ${e instanceof Error ? e.message : String(e)}`);
  console.log('[fuzz] 0 passed, 1 failed');
  process.exitCode = 1;
}
