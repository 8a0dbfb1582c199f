import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { L, ROOT, SEED, launch, startClient, stopAfter, topFrame } from './dap-client';

let dc: DebugClient | undefined;
afterEach(async () => { await dc?.stop(); dc = undefined; });

const threadOf = (ev: { body: { threadId?: number } }) => ev.body.threadId ?? 2;

test('initialize declares the debugger capabilities', async () => {
  dc = await startClient();
  const r = await dc.initializeRequest();
  const c = r.body!;
  for (const k of ['supportsConfigurationDoneRequest', 'supportsStepBack', 'supportsSteppingGranularity', 'supportsStepInTargetsRequest',
    'supportsGotoTargetsRequest', 'supportsRestartFrame', 'supportsConditionalBreakpoints', 'supportsHitConditionalBreakpoints',
    'supportsLogPoints', 'supportsFunctionBreakpoints', 'supportsDataBreakpoints', 'supportsDataBreakpointBytes', 'supportsExceptionOptions',
    'supportsExceptionFilterOptions', 'supportsExceptionInfoRequest', 'supportsReadMemoryRequest', 'supportsEvaluateForHovers',
    'supportsCompletionsRequest', 'supportsCancelRequest', 'supportsBreakpointLocationsRequest', 'supportsLoadedSourcesRequest'] as const) {
    assert.equal(c[k], true, k);
  }
  assert.deepEqual(c.exceptionBreakpointFilters?.map(f => f.filter).sort(),
    ['bbm-violation', 'checkpoint-mismatch', 'einval', 'enoent', 'enomem', 'lost-records', 'stale-tlb', 'stats-drift', 'xen-assert']);
});

test('launch without breakpoints replays to the end and terminates', async () => {
  dc = await startClient();
  const ev = await launch(dc, {});
  assert.equal(ev, undefined);
});

test('launch with a missing trace fails with a message', async () => {
  dc = await startClient();
  await dc.initializeRequest();
  await assert.rejects(dc.launchRequest({ trace: '/nonexistent/x.p2mtrace' } as never), /cannot read/);
});

test('stop on entry shows the first operation, one thread per domain, p2m_set_entry at the bottom', async () => {
  dc = await startClient();
  const ev = await launch(dc, { stopOnEntry: true });
  assert.equal(ev?.body.reason, 'entry');
  const threads = (await dc.threadsRequest()).body.threads;
  assert.deepEqual(threads.map(t => t.name), ['d1 (vmid 1)']);
  const st = await dc.stackTraceRequest({ threadId: threads[0].id });
  const frames = st.body.stackFrames;
  assert.equal(frames[frames.length - 1].name, 'p2m_set_entry');
  assert.equal(frames[0].line, L.map1G);
  assert.equal(frames[0].source?.path, SEED);
});

test('line breakpoint: hit, verified on the operation line, moved to the next operation line', async () => {
  dc = await startClient();
  let verified: boolean[] = [], lines: number[] = [];
  const ev = await launch(dc, {}, async () => {
    const r = await dc!.setBreakpointsRequest({ source: { path: SEED }, breakpoints: [{ line: L.mmio }, { line: 4 }] });
    verified = r.body.breakpoints.map(b => b.verified);
    lines = r.body.breakpoints.map(b => b.line ?? 0);
  });
  assert.deepEqual(verified, [true, true]);
  assert.deepEqual(lines, [L.mmio, L.replace4K]);
  assert.equal(ev?.body.reason, 'breakpoint');
  assert.equal((await topFrame(dc, threadOf(ev!))).line, L.replace4K);
  const ev2 = await stopAfter(dc, () => dc!.continueRequest({ threadId: threadOf(ev!) }));
  assert.equal(ev2.body.reason, 'breakpoint');
  assert.equal((await topFrame(dc)).line, L.mmio);
});

test('conditional breakpoints use the expression language (gfn, type, stats)', async () => {
  dc = await startClient();
  const all = [L.map1G, L.replace4K, L.map2M, L.remove205, L.mmio, L.einval, L.remap, L.remove1G];
  const ev = await launch(dc, {}, () => dc!.setBreakpointsRequest({
    source: { path: SEED }, breakpoints: all.map(line => ({ line, condition: 'type == mmio_direct_dev || mfn == 0x300001 && stats.shattered[1] == 1' })),
  }));
  // Line 9 maps mmio_direct_dev; line 11 remaps 0x40201 after the 1G block was shattered at line 6.
  assert.equal((await topFrame(dc, threadOf(ev!))).line, L.mmio);
  const ev2 = await stopAfter(dc, () => dc!.continueRequest({ threadId: 2 }));
  assert.equal(ev2.body.reason, 'breakpoint');
  const line2 = (await topFrame(dc)).line;
  assert.ok(line2 === L.remap, `expected line ${L.remap}, got ${line2}`);
});

test('a malformed condition leaves the breakpoint unverified with a message', async () => {
  dc = await startClient();
  let bp: { verified: boolean; message?: string } | undefined;
  await launch(dc, { stopOnEntry: true }, async () => {
    const r = await dc!.setBreakpointsRequest({ source: { path: SEED }, breakpoints: [{ line: L.mmio, condition: 'gfn >=' }] });
    bp = r.body.breakpoints[0];
  });
  assert.equal(bp?.verified, false);
  assert.match(bp?.message ?? '', /condition/);
});

test('hit-count function breakpoint stops on the 2nd p2m_split_superpage; log points print without stopping', async () => {
  dc = await startClient();
  let fnOk = false;
  const outputs: string[] = [];
  dc.on('output', e => outputs.push(String(e.body.output)));
  const ev = await launch(dc, {}, async () => {
    const r = await dc!.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'p2m_split_superpage', hitCondition: '2' }] });
    fnOk = r.body.breakpoints[0].verified;
    await dc!.setBreakpointsRequest({ source: { path: SEED }, breakpoints: [{ line: L.map1G, logMessage: 'mapping {gfn} nr {nr}' }] });
  });
  assert.ok(fnOk);
  assert.equal(ev?.body.reason, 'function breakpoint');
  const st = await dc.stackTraceRequest({ threadId: threadOf(ev!) });
  const names = st.body.stackFrames.map(f => f.name);
  assert.match(names[0], /^p2m_split_superpage L2/);
  assert.match(names[1], /^p2m_split_superpage L1/);
  assert.equal(st.body.stackFrames[0].line, L.replace4K);
  assert.ok(outputs.some(o => o.includes('mapping 0x40000 nr 0x40000')), outputs.join('|'));
});

test('unknown function breakpoint is unverified', async () => {
  dc = await startClient();
  let v: boolean | undefined;
  await launch(dc, { stopOnEntry: true }, async () => {
    v = (await dc!.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'no_such_fn' }] })).body.breakpoints[0].verified;
  });
  assert.equal(v, false);
});

test('data breakpoint on a GFN given as address + bytes, with an MFN-only filter', async () => {
  dc = await startClient();
  let ids: string[] = [];
  const ev = await launch(dc, {}, async () => {
    const a = await dc!.dataBreakpointInfoRequest({ name: '0x40201000', asAddress: true, bytes: 4096 });
    assert.ok(a.body.dataId, a.body.description);
    const b = await dc!.dataBreakpointInfoRequest({ name: '0x40201 mfn' });
    assert.ok(b.body.dataId, b.body.description);
    ids = [b.body.dataId!];
    const r = await dc!.setDataBreakpointsRequest({ breakpoints: [{ dataId: b.body.dataId! }] });
    assert.equal(r.body.breakpoints[0].verified, true);
  });
  assert.equal(ids.length, 1);
  // First change: the 1G map covers 0x40201 (invalid → mapped).
  assert.equal(ev?.body.reason, 'data breakpoint');
  assert.equal((await topFrame(dc, threadOf(ev!))).line, L.map1G);
  // Next MFN change is the 4K replace at line 6 — the superpage split before it is filtered out.
  const ev2 = await stopAfter(dc, () => dc!.continueRequest({ threadId: 2 }));
  assert.equal(ev2.body.reason, 'data breakpoint');
  assert.match(ev2.body.description ?? '', /GFN 0x40201/);
  const st = await dc.stackTraceRequest({ threadId: 2 });
  assert.equal(st.body.stackFrames[0].line, L.replace4K);
  assert.ok(!st.body.stackFrames.some(f => f.name.startsWith('p2m_split_superpage')), 'stopped after the split, not inside it');
  const lookup = await dc.evaluateRequest({ expression: 'lookup(0x40201).mfn', context: 'watch' });
  assert.equal(lookup.body.result, '0x300000');
});

test('exception filter -EINVAL stops with exception info', async () => {
  dc = await startClient();
  const ev = await launch(dc, {}, () => dc!.setExceptionBreakpointsRequest({ filters: ['einval'] }));
  assert.equal(ev?.body.reason, 'exception');
  assert.equal((await topFrame(dc, threadOf(ev!))).line, L.einval);
  const info = await dc.exceptionInfoRequest({ threadId: 2 });
  assert.equal(info.body.exceptionId, 'einval');
  assert.match(info.body.description ?? '', /-EINVAL/);
});

test('exception filter stats drift stops at the remap (faithful Xen drift)', async () => {
  dc = await startClient();
  const ev = await launch(dc, {}, () => dc!.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'stats-drift', condition: 'gfn == 0x40201' }] }));
  assert.equal(ev?.body.reason, 'exception');
  assert.equal((await topFrame(dc, threadOf(ev!))).line, L.replace4K);
  const info = await dc.exceptionInfoRequest({ threadId: 2 });
  assert.equal(info.body.exceptionId, 'stats-drift');
});

test('step over, in and out follow operations and simulated call frames', async () => {
  dc = await startClient();
  await launch(dc, { stopOnEntry: true });
  await stopAfter(dc, () => dc!.nextRequest({ threadId: 2 }));
  assert.equal((await topFrame(dc)).line, L.replace4K);
  const names = async () => (await dc!.stackTraceRequest({ threadId: 2 })).body.stackFrames.map(f => f.name.split(' ')[0]);
  await stopAfter(dc, () => dc!.stepInRequest({ threadId: 2 }));
  assert.deepEqual(await names(), ['p2m_set_entry']);
  await stopAfter(dc, () => dc!.stepInRequest({ threadId: 2 }));
  assert.deepEqual(await names(), ['__p2m_set_entry', 'p2m_set_entry']);
  await stopAfter(dc, () => dc!.stepInRequest({ threadId: 2 }));
  assert.deepEqual(await names(), ['p2m_split_superpage', '__p2m_set_entry', 'p2m_set_entry']);
  await stopAfter(dc, () => dc!.stepOutRequest({ threadId: 2 }));
  assert.deepEqual(await names(), ['__p2m_set_entry', 'p2m_set_entry']);
  await stopAfter(dc, () => dc!.stepOutRequest({ threadId: 2 }));
  assert.deepEqual(await names(), ['p2m_set_entry']);
  await stopAfter(dc, () => dc!.stepOutRequest({ threadId: 2 }));
  assert.equal((await topFrame(dc)).line, L.map2M);
  // instruction granularity = one event
  const before = (await dc.evaluateRequest({ expression: 'event', context: 'watch' })).body.result;
  await stopAfter(dc, () => dc!.nextRequest({ threadId: 2, granularity: 'instruction' }));
  const after = (await dc.evaluateRequest({ expression: 'event.kind', context: 'watch' })).body.result;
  assert.equal(before, 'null');
  assert.equal(after, 'opBegin');
});

test('step back and reverse continue return to an earlier breakpoint hit', async () => {
  dc = await startClient();
  const ev = await launch(dc, {}, () => dc!.setBreakpointsRequest({ source: { path: SEED }, breakpoints: [{ line: L.replace4K }, { line: L.mmio }] }));
  assert.equal((await topFrame(dc, threadOf(ev!))).line, L.replace4K);
  await stopAfter(dc, () => dc!.continueRequest({ threadId: 2 }));
  assert.equal((await topFrame(dc)).line, L.mmio);
  const back = await stopAfter(dc, () => dc!.reverseContinueRequest({ threadId: 2 }));
  assert.equal(back.body.reason, 'breakpoint');
  assert.equal((await topFrame(dc)).line, L.replace4K);
  await stopAfter(dc, () => dc!.stepBackRequest({ threadId: 2 }));
  assert.equal((await topFrame(dc)).line, L.map1G);
  // Reverse continue from here has no earlier hit: it stops at the start of the trace.
  const start = await stopAfter(dc, () => dc!.reverseContinueRequest({ threadId: 2 }));
  assert.equal(start.body.reason, 'entry');
});

test('variables, evaluate and console commands show the state before the operation', async () => {
  dc = await startClient();
  const ev = await launch(dc, {}, () => dc!.setBreakpointsRequest({ source: { path: SEED }, breakpoints: [{ line: L.replace4K }] }));
  const st = await dc.stackTraceRequest({ threadId: threadOf(ev!) });
  const scopes = (await dc.scopesRequest({ frameId: st.body.stackFrames[0].id })).body.scopes;
  assert.ok(scopes.length >= 4, scopes.map(s => s.name).join(','));
  const opVars = (await dc.variablesRequest({ variablesReference: scopes[0].variablesReference })).body.variables;
  assert.equal(opVars.find(v => v.name === 'gfn')?.value, '0x40201');
  assert.equal(opVars.find(v => v.name === 'mfn')?.value, '0x300000');
  const p2m = (await dc.variablesRequest({ variablesReference: scopes[1].variablesReference })).body.variables;
  assert.equal(p2m.find(v => v.name === 'max_mapped_gfn')?.value, '0x7ffff');
  assert.equal(p2m.find(v => v.name === 'lowest_mapped_gfn')?.value, '0x40000');
  const walkScope = scopes.find(s => s.name.startsWith('Walk gfn 0x40201'));
  assert.ok(walkScope);
  const walk = (await dc.variablesRequest({ variablesReference: walkScope!.variablesReference })).body.variables;
  assert.equal(walk.length, 1); // a 1G block: the walk stops at L1
  assert.match(walk[0].value, /0x00800001000007fd.*block mfn 0x100000 ram_rw/);
  const fields = (await dc.variablesRequest({ variablesReference: walk[0].variablesReference })).body.variables;
  assert.equal(fields.find(f => f.name.startsWith('type'))?.value, 'ram_rw (1)');
  const e1 = await dc.evaluateRequest({ expression: 'gfn + 1', context: 'watch' });
  assert.equal(e1.body.result, '0x40202');
  const e2 = await dc.evaluateRequest({ expression: 'stats.mappings[1]', context: 'watch' });
  assert.equal(e2.body.result, '1');
  const e3 = await dc.evaluateRequest({ expression: 'lookup 0x40201', context: 'repl' });
  assert.match(e3.body.result, /gfn 0x40201 → mfn 0x100201 ram_rw rwx order 18/);
  const e4 = await dc.evaluateRequest({ expression: 'nosuchname', context: 'watch' });
  assert.match(e4.body.result, /unknown name/);
  const hover = await dc.evaluateRequest({ expression: '0x40201', context: 'hover' });
  assert.match(hover.body.result, /mfn 0x100201/);
  const comp = await dc.completionsRequest({ text: 'max_', column: 5 });
  assert.ok(comp.body.targets.some(t => t.label === 'max_mapped_gfn'));
  const dump = await dc.evaluateRequest({ expression: 'dump', context: 'repl' });
  assert.match(dump.body.result, /1G mappings: 1 \(shattered 0\)/);
});

test('"who <gfn>" runs back to the last change of the translation', async () => {
  dc = await startClient();
  const ev = await launch(dc, {}, () => dc!.setBreakpointsRequest({ source: { path: SEED }, breakpoints: [{ line: L.remove1G }] }));
  assert.equal((await topFrame(dc, threadOf(ev!))).line, L.remove1G);
  const stopped = dc.waitForEvent('stopped');
  const r = await dc.evaluateRequest({ expression: 'who 0x40201', context: 'repl' });
  assert.match(r.body.result, /last changed by op 6/);
  await stopped;
  assert.equal((await topFrame(dc)).line, L.remap);
  assert.equal((await dc.evaluateRequest({ expression: 'lookup(0x40201).mfn', context: 'watch' })).body.result, '0x300001');
});

test('readMemory returns raw descriptors of a table page', async () => {
  dc = await startClient();
  const ev = await launch(dc, {}, () => dc!.setBreakpointsRequest({ source: { path: SEED }, breakpoints: [{ line: L.replace4K }] }));
  const st = await dc.stackTraceRequest({ threadId: threadOf(ev!) });
  const scopes = (await dc.scopesRequest({ frameId: st.body.stackFrames[0].id })).body.scopes;
  const p2m = (await dc.variablesRequest({ variablesReference: scopes[1].variablesReference })).body.variables;
  const root = p2m.find(v => v.name === 'root');
  assert.ok(root?.memoryReference);
  const readMemory = async (a: DebugProtocol.ReadMemoryArguments) => (await dc!.customRequest('readMemory', a)) as DebugProtocol.ReadMemoryResponse;
  const mem = await readMemory({ memoryReference: root!.memoryReference!, offset: 0, count: 16 });
  const bytes = Buffer.from(mem.body!.data!, 'base64');
  assert.equal(bytes.length, 16);
  assert.equal(bytes.readBigUInt64LE(0), 0n);
  assert.equal(bytes.readBigUInt64LE(8), 0x00800001000007fdn); // R0[1]: the 1G block
  assert.equal(mem.body!.address, '0x' + (0x40000 * 4096).toString(16));
  const beyond = await readMemory({ memoryReference: root!.memoryReference!, offset: 4090, count: 16 });
  assert.equal(beyond.body!.unreadableBytes, 10);
});

test('goto targets jump to any operation; breakpoint locations list operation lines', async () => {
  dc = await startClient();
  await launch(dc, { stopOnEntry: true });
  const locs = await dc.customRequest('breakpointLocations', { source: { path: SEED }, line: 1, endLine: 20 });
  assert.deepEqual((locs.body as { breakpoints: { line: number }[] }).breakpoints.map(b => b.line), [3, 6, 7, 8, 9, 10, 11, 12]);
  const t = await dc.gotoTargetsRequest({ source: { path: SEED }, line: L.einval });
  assert.equal(t.body.targets.length, 1);
  const ev = await stopAfter(dc, () => dc!.gotoRequest({ threadId: 2, targetId: t.body.targets[0].id }));
  assert.equal(ev.body.reason, 'goto');
  assert.equal((await topFrame(dc)).line, L.einval);
  const rc = await dc.evaluateRequest({ expression: 'rc', context: 'watch' });
  assert.equal(rc.body.result, '-0x16'); // -EINVAL, known from the recording pass
  const src = (await dc.customRequest('loadedSources', {})) as DebugProtocol.LoadedSourcesResponse;
  assert.equal(src.body.sources[0].path, SEED);
});

test('stopAtLine ("Debug from here") runs to the first operation on or after a line', async () => {
  dc = await startClient();
  const ev = await launch(dc, { stopAtLine: 8 });
  assert.equal(ev?.body.reason, 'step');
  assert.equal((await topFrame(dc, threadOf(ev!))).line, L.remove205);
});

test('restart frame returns to the frame entry; step-in targets list frames ahead', async () => {
  dc = await startClient();
  const ev = await launch(dc, {}, () => dc!.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'p2m_free_entry' }] }));
  assert.equal(ev?.body.reason, 'function breakpoint');
  const st = await dc.stackTraceRequest({ threadId: threadOf(ev!) });
  assert.match(st.body.stackFrames[0].name, /^p2m_free_entry/);
  const r = await stopAfter(dc, () => dc!.restartFrameRequest({ frameId: st.body.stackFrames[0].id }));
  assert.equal(r.body.reason, 'goto');
  const st2 = await dc.stackTraceRequest({ threadId: 2 });
  assert.match(st2.body.stackFrames[0].name, /^__p2m_set_entry/);
  const targets = await dc.stepInTargetsRequest({ frameId: st2.body.stackFrames[0].id });
  assert.match(targets.body.targets[0].label, /^p2m_free_entry/);
  await stopAfter(dc, () => dc!.stepInRequest({ threadId: 2, targetId: targets.body.targets[0].id }));
  assert.match((await topFrame(dc)).name, /^p2m_free_entry/);
});

test('TLB scope shows flushes by cause and the TLB model; stale-TLB / BBM filters run the checkers', async () => {
  dc = await startClient();
  const ev = await launch(dc, {}, async () => {
    await dc!.setBreakpointsRequest({ source: { path: SEED }, breakpoints: [{ line: L.map2M }] });
    const r = await dc!.setExceptionBreakpointsRequest({ filters: ['bbm-violation', 'stale-tlb'] });
    assert.deepEqual(r.body?.breakpoints?.map(b => b.verified), [true, true]);
  });
  // Upstream Xen is BBM-compliant: the first stop is the line breakpoint, not an exception.
  assert.equal(ev?.body.reason, 'breakpoint');
  const st = await dc.stackTraceRequest({ threadId: threadOf(ev!) });
  const scopes = (await dc.scopesRequest({ frameId: st.body.stackFrames[0].id })).body.scopes;
  const tlb = scopes.find(s => s.name === 'TLB');
  assert.ok(tlb);
  const vars = (await dc.variablesRequest({ variablesReference: tlb!.variablesReference })).body.variables;
  assert.equal(vars.find(v => v.name === 'flushes (VMID-wide)')?.value, '2'); // the split and the replace at line 6
  assert.equal(vars.find(v => v.name.trim() === 'bbm-split')?.value, '1');
  assert.ok(vars.some(v => v.name === 'cached entries (leaf + walk)'));
  const findings = scopes.find(s => s.name === 'Findings so far');
  const f = (await dc.variablesRequest({ variablesReference: findings!.variablesReference })).body.variables;
  assert.ok(f.some(v => /stats-drift/.test(v.name)), f.map(v => v.name).join(','));
});

test('a long conditional run can be paused (runs are sliced; pause/cancel interrupt them)', async () => {
  // 30,000 operations, a condition that never holds but needs the p2m state at every line.
  const file = longTrace(30000);
  dc = await startClient();
  const ev = await launch(dc, { trace: file, stopOnEntry: true }, () => dc!.setBreakpointsRequest({
    source: { path: file }, breakpoints: Array.from({ length: 30000 }, (_x, i) => ({ line: i + 2, condition: 'stats.mappings[3] < -5 || lookup(gfn).mfn == 1' })),
  }));
  assert.equal(ev?.body.reason, 'entry');
  const stopped = dc.waitForEvent('stopped', 60000);
  await dc.continueRequest({ threadId: 2 });
  await new Promise(r => setTimeout(r, 300));
  await dc.pauseRequest({ threadId: 2 });
  const s = await stopped as DebugProtocol.StoppedEvent;
  assert.equal(s.body.reason, 'pause');
  const line = (await topFrame(dc)).line;
  assert.ok(line > 2 && line < 30001, `paused mid-run at line ${line}`);
});

test('two domains: one thread each, stops report the domain of the operation', async () => {
  const file = path.join(ROOT, 'test/fixtures/replay/two-domains.p2mtrace');
  dc = await startClient();
  const ev = await launch(dc, { trace: file }, () => dc!.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: 6 }, { line: 7 }] }));
  const threads = (await dc.threadsRequest()).body.threads;
  assert.deepEqual(threads.map(t => t.name), ['d1 (vmid 1)', 'd2 (vmid 2)']);
  assert.equal(ev?.body.threadId, threads[1].id);
  assert.equal((await topFrame(dc, threads[1].id)).line, 6);
  assert.match((await topFrame(dc, threads[0].id)).name, /^idle/);
  const v = await dc.evaluateRequest({ expression: 'vmid', context: 'watch' });
  assert.equal(v.body.result, '2');
  const s2 = await stopAfter(dc, () => dc!.continueRequest({ threadId: threads[1].id }));
  assert.equal(s2.body.threadId, threads[0].id);
  const l = await dc.evaluateRequest({ expression: 'lookup 0x200', context: 'repl' });
  assert.match(l.body.result, /mfn 0x200000 .*order 9/); // domain 1's 2M block, not domain 2's page
});

function longTrace(n: number): string {
  const lines = ['config ipa_bits=40 pool_pages=unlimited'];
  for (let i = 0; i < n; i++) lines.push(`p2m_set_entry gfn=0x${(0x1000 + (i * 7919) % 0x40000).toString(16)} nr=0x1 mfn=0x${(0x9000 + i).toString(16)} t=ram_rw a=rwx`);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'p2m-dap-')), 'long.p2mtrace');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('loading a big trace reports progress to clients that support it', async () => {
  const file = longTrace(60000);
  dc = await startClient();
  const events: string[] = [];
  dc.on('progressStart', () => events.push('start'));
  dc.on('progressEnd', () => events.push('end'));
  await dc.initializeRequest({ adapterID: 'p2m', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsProgressReporting: true });
  const init = dc.waitForEvent('initialized');
  await dc.launchRequest({ trace: file, stopOnEntry: true } as never);
  await init;
  assert.deepEqual(events, ['start', 'end']);
});

test('strategy legacy: the BBM checker flags the in-place shatter as an exception with its evidence', async () => {
  dc = await startClient();
  const ev = await launch(dc, { strategy: 'legacy' }, () => dc!.setExceptionBreakpointsRequest({ filters: ['bbm-violation'] }));
  assert.equal(ev?.body.reason, 'exception');
  assert.equal((await topFrame(dc, threadOf(ev!))).line, L.replace4K);
  const info = await dc.exceptionInfoRequest({ threadId: threadOf(ev!) });
  assert.equal(info.body.exceptionId, 'bbm-violation');
  assert.ok((info.body.details?.stackTrace ?? '').includes('pteWrite'), info.body.details?.stackTrace);
  // The walk still decodes the 2016 type-0 table entries as tables.
  const w = await dc.evaluateRequest({ expression: 'walk 0x40201', context: 'repl' });
  assert.match(w.body.result, /L1 .* table →/);
});

test('stopAtEnd keeps the session at the end of the trace, from where reverse continue works', async () => {
  dc = await startClient();
  const ev = await launch(dc, { stopAtEnd: true }, () => dc!.setBreakpointsRequest({ source: { path: SEED }, breakpoints: [{ line: L.remap }] }));
  assert.equal((await topFrame(dc, threadOf(ev!))).line, L.remap);
  const end = await stopAfter(dc, () => dc!.continueRequest({ threadId: 2 }));
  assert.equal(end.body.reason, 'pause');
  const f = await topFrame(dc);
  assert.equal(f.name, 'end of trace');
  assert.equal(f.line, L.remove1G);
  const dump = await dc.evaluateRequest({ expression: 'stats', context: 'repl' });
  assert.match(dump.body.result, /true leaves {3}1G 0 {2}2M 1 {2}4K 511/); // 0x200 block split by the removal, the mmio 2M block
  const back = await stopAfter(dc, () => dc!.reverseContinueRequest({ threadId: 2 }));
  assert.equal(back.body.reason, 'breakpoint');
  assert.equal((await topFrame(dc)).line, L.remap);
});
