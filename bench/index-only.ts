// Benchmark case: an index-only session (extension/session/index-only-*.ts) over a big
// generated .p2mtrace: full size is a 2.2 GB file (~36M ops), small (CI smoke) ~20 MB. The
// file is written to the OS temp dir at run time and deleted afterwards (never committed).
// Measures the streaming load (wall and CPU time, peak RSS, JS heap, index bytes), then a
// seek to the middle, a step back, the micro-operations of the row before the cursor and of a
// far op (recomputed from the nearest snapshot), and a log page re-read from disk.
// Env: P2M_INDEX_ONLY_BENCH_BYTES overrides the file size.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { loadIndexOnly } from '../extension/session/index-only-loader';

export interface BenchResult { name: string; metrics: Record<string, number | string> }

/**
 * Lines like a long-running guest's: 4K maps/remaps/removals over a 4 GiB window (the table
 * state stays bounded however long the trace), some 2M calls, lookups, a second domain.
 */
function writeTrace(file: string, bytes: number): number {
  const fd = fs.openSync(file, 'w');
  let s = 7, written = 0, lines = 0;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
  const head = 'config ipa_bits=40 pool_pages=unlimited\n';
  fs.writeSync(fd, head);
  written += head.length;
  while (written < bytes) {
    const out: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      const r = next();
      const gfn = 0x40000 + (next() % (1 << 20));
      const d = r % 16 === 0 ? 'd=2 ' : ''; // canonical position (the reader's fast path)
      const kind = r % 100;
      if (kind < 60) out.push(`p2m_set_entry ${d}gfn=0x${gfn.toString(16)} nr=0x1 mfn=0x${(0x100000 + (next() % (1 << 22))).toString(16)} t=ram_rw a=rwx`);
      else if (kind < 85) out.push(`p2m_set_entry ${d}gfn=0x${gfn.toString(16)} nr=0x1 mfn=invalid t=invalid a=rwx`);
      else if (kind < 88) { const g = gfn & ~0x1ff; out.push(`p2m_set_entry ${d}gfn=0x${g.toString(16)} nr=0x200 mfn=0x${(0x200000 + (g & 0xfffff)).toString(16)} t=ram_rw a=rwx`); }
      else out.push(`lookup ${d}gfn=0x${gfn.toString(16)}`);
    }
    const chunk = out.join('\n') + '\n';
    fs.writeSync(fd, chunk);
    written += chunk.length;
    lines += out.length;
  }
  fs.closeSync(fd);
  return lines;
}

export function run(size: 'small' | 'full' = 'full'): BenchResult {
  const bytes = Number(process.env.P2M_INDEX_ONLY_BENCH_BYTES ?? (size === 'small' ? 20e6 : 2.2e9));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-index-only-bench-'));
  const file = path.join(dir, 'big.p2mtrace');
  try {
    const tg = Date.now();
    const lines = writeTrace(file, bytes);
    const genS = (Date.now() - tg) / 1000;
    const fileBytes = fs.statSync(file).size;
    global.gc?.();
    const t0 = Date.now();
    const c0 = process.cpuUsage();
    let reports = 0;
    const s = loadIndexOnly({ path: file, snapshotInterval: 2048, mode: 'index' }, () => { reports++; });
    const cpu = process.cpuUsage(c0);
    const loadS = (Date.now() - t0) / 1000;
    const heapAfterLoadMB = getHeapStatistics().used_heap_size / 2 ** 20;
    const st = s.core.stats();
    const tSeek = Date.now();
    s.core.seek(Math.floor(s.core.opCount / 2) + 12345);
    const seekMs = Date.now() - tSeek;
    // What the UI does next: step back, expand the row just before the cursor.
    const tBack = Date.now();
    const back = s.core.seek(Math.floor(s.core.opCount / 2) + 12344).position;
    const stepBackMs = Date.now() - tBack;
    const tRow = Date.now();
    s.core.microOps(back - 1);
    const rowBeforeCursorMs = Date.now() - tRow;
    const tMicro = Date.now();
    const micro = s.core.microOps(Math.floor(s.core.opCount * 0.75)).length;
    const microMs = Date.now() - tMicro;
    const tPage = Date.now();
    s.core.logQuery({});
    const page = s.core.logPage(Math.floor(s.core.opCount * 0.9), 200).rows.length;
    const pageMs = Date.now() - tPage;
    return {
      name: 'index-only',
      metrics: {
        fileMB: Math.round(fileBytes / 2 ** 20), lines, ops: s.core.opCount, generateS: +genS.toFixed(1),
        loadS: +loadS.toFixed(1), loadCpuS: +((cpu.user + cpu.system) / 1e6).toFixed(1),
        mbPerS: +(fileBytes / 2 ** 20 / loadS).toFixed(0), progressReports: reports,
        indexMB: +(st.indexBytes / 2 ** 20).toFixed(0), bytesPerOp: +(st.indexBytes / s.core.opCount).toFixed(1),
        snapshots: st.snapshots, snapshotSpacing: st.spacing, heapAfterLoadMB: Math.round(heapAfterLoadMB),
        seekMs, stepBackMs, rowBeforeCursorMs, microOpsMs: microMs, microOpRows: micro, logPageMs: pageMs, logPageRows: page,
      },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
