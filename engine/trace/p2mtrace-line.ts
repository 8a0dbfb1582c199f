// One .p2mtrace statement (`verb key=value …`) → one TraceRecord. Shared by the .p2mtrace
// parser and the console reader, because our instrumented Arm Xen printk line is exactly a
// .p2mtrace statement behind the `(XEN) ` prefix (docs/capture-on-arm.md).
// Grammar and field meanings: docs/p2mtrace.md.

import {
  ARM_P2M_TYPES, ArmP2mType, INVALID_MFN, INVALID_MFN_U64, OtherMemEvent, P2M_ACCESSES, P2mAccess, TraceLoc, TraceRecord,
  isArmP2mType, isP2mAccess,
} from './records';
import { TraceSeverity } from './diagnostics';
import { OTHER_MEM_EVENTS } from './record-store';
import { Token, parseSafe, parseU64, toSafeNumber } from './text-fields';

export interface LineContext {
  /** Domain for statements without `d=`. */
  domain: number;
  /** Build a location for a 0-based column in the current line. */
  loc(col: number): TraceLoc;
  report(col: number, endCol: number, severity: TraceSeverity, message: string): void;
}

type FieldKind = 'u53' | 'u64' | 'mfn' | 'bool' | 'type' | 'access' | 'pool' | 'word' | 'int' | 'sint' | 'words' | 'walk';

interface VerbSpec {
  required: string[];
  optional: string[];
}

const D = ['d'];
export const VERBS: Record<string, VerbSpec> = {
  config: { required: [], optional: ['ipa_bits', 'mem_access', 'pool_pages', 'clean_pte', 'iommu', 'arch', 'strategy'] },
  domain: { required: [], optional: ['id', 'd', 'vmid', 'pool_pages', 'hwdom'] },
  p2m_set_entry: { required: ['gfn', 'nr', 'mfn'], optional: ['t', 'a', 'rc', ...D] },
  __p2m_set_entry: { required: ['gfn', 'order', 'mfn'], optional: ['t', 'a', ...D] },
  lookup: { required: ['gfn'], optional: D },
  expect: { required: ['gfn'], optional: ['mfn', 't', 'a', 'order', 'valid', ...D] },
  mem_access: { required: [], optional: ['gfn', 'nr', 'a', ...D] },
  invalidate_root: { required: [], optional: D },
  resolve_fault: { required: ['gfn'], optional: ['expect', ...D] },
  relinquish: { required: [], optional: D },
  write_pte: { required: ['table', 'index', 'old', 'new'], optional: ['level', ...D] },
  tlb_flush: { required: [], optional: ['vmid', ...D] },
  dsb: { required: [], optional: D },
  begin: { required: [], optional: D },
  end: { required: [], optional: D },
  // Checkpoints (what a console log's p2m_dump_info / dump_p2m_lookup said at this point).
  expect_stats: { required: ['map1g', 'sh1g', 'map2m', 'sh2m', 'map4k'], optional: ['vmid', ...D] },
  expect_walk: { required: ['ipa'], optional: ['l0', 'l1', 'l2', 'l3', 'root_mfn', 'concat', 'invalid_root', ...D] },
  // Display-only records kept when converting from xentrace/xenalyze.
  lost_records: { required: ['cpu', 'count'], optional: ['vcpu', 'first_tsc', ...D] },
  mem_event: { required: ['ev'], optional: ['gfn', 'mfn', 'order', ...D] },
  trace_event: { required: ['id'], optional: ['words'] },
};
/** Fields every statement may carry: where a converted record came from. */
const LOC_FIELDS = ['cpu', 'tsc'];
/** Per verb: every accepted key (required, optional and location fields). */
const ALLOWED: Record<string, Set<string>> = Object.fromEntries(
  Object.entries(VERBS).map(([v, spec]) => [v, new Set([...spec.required, ...spec.optional, ...LOC_FIELDS])]));
/** Aliases accepted for readability. */
const ALIASES: Record<string, string> = { set_at_order: '__p2m_set_entry', set_entry: 'p2m_set_entry' };

const FIELD_KIND: Record<string, FieldKind> = {
  gfn: 'u53', nr: 'u53', mfn: 'mfn', order: 'int', t: 'type', a: 'access', d: 'int', id: 'int', vmid: 'int',
  rc: 'int', ipa_bits: 'int', mem_access: 'bool', clean_pte: 'bool', iommu: 'bool', hwdom: 'bool',
  pool_pages: 'pool', arch: 'word', strategy: 'word', valid: 'bool', expect: 'bool', table: 'u53',
  index: 'int', level: 'int', old: 'u64', new: 'u64',
  map1g: 'sint', sh1g: 'sint', map2m: 'sint', sh2m: 'sint', map4k: 'sint',
  ipa: 'u64', l0: 'walk', l1: 'walk', l2: 'walk', l3: 'walk', root_mfn: 'u53', concat: 'int', invalid_root: 'bool',
  cpu: 'int', tsc: 'u64', count: 'int', vcpu: 'int', first_tsc: 'u64', ev: 'word', words: 'words',
};

const EXPECTED: Record<FieldKind, string> = {
  u53: 'a number (0x-hex or decimal) below 2^53',
  u64: 'a 64-bit number (0x-hex or decimal)',
  mfn: "a frame number (0x-hex or decimal) or 'invalid'",
  bool: '0 or 1',
  type: `a p2m type (${ARM_P2M_TYPES.join(', ')}) or its number`,
  access: `an access (${P2M_ACCESSES.join(' ')}) or its number`,
  pool: "a page count or 'unlimited'",
  word: 'a name',
  int: 'a small non-negative integer (or, for rc, a negative errno)',
  sint: 'a signed decimal integer',
  words: 'comma-separated 32-bit words (at most 7)',
  walk: '<index>:<descriptor>, e.g. 0x001:0x800000800107ff',
};

type FieldValue = number | bigint | boolean | string;

export function canonicalVerb(word: string): string | undefined {
  const v = ALIASES[word] ?? word;
  return Object.prototype.hasOwnProperty.call(VERBS, v) ? v : undefined;
}

/** Parse one field value; reports and returns undefined when malformed. */
function parseField(key: string, tok: Token, valueText: string, valueCol: number, ctx: LineContext): FieldValue | undefined {
  const v = fieldValue(key, valueText);
  if (v === undefined) {
    ctx.report(valueCol, tok.start + tok.text.length, 'error', `${key}: expected ${EXPECTED[FIELD_KIND[key]]}, found '${valueText}'`);
  }
  return v;
}

/** The value of one field, or undefined when malformed (no allocation on the common paths). */
function fieldValue(key: string, valueText: string): FieldValue | undefined {
  const kind = FIELD_KIND[key];
  const bad = undefined;
  switch (kind) {
    case 'u53': return parseSafe(valueText) ?? bad;
    case 'u64': return parseU64(valueText) ?? bad;
    case 'mfn': {
      if (valueText === 'invalid' || valueText === 'INVALID_MFN') return INVALID_MFN;
      const n = parseSafe(valueText);
      if (n !== null) return n;
      return parseU64(valueText) === INVALID_MFN_U64 ? INVALID_MFN : bad;
    }
    case 'bool':
      if (valueText === '0' || valueText === 'false' || valueText === 'off') return false;
      if (valueText === '1' || valueText === 'true' || valueText === 'on') return true;
      return bad;
    case 'type': {
      const name = valueText.startsWith('p2m_') ? valueText.slice(4) : valueText;
      if (isArmP2mType(name)) return name;
      if (/^[0-9]{1,2}$/.test(name) && Number(name) < ARM_P2M_TYPES.length) return ARM_P2M_TYPES[Number(name)];
      return bad;
    }
    case 'access': {
      const name = valueText.startsWith('p2m_access_') ? valueText.slice(11) : valueText;
      if (isP2mAccess(name)) return name;
      if (/^[0-9]{1,2}$/.test(name) && Number(name) < P2M_ACCESSES.length) return P2M_ACCESSES[Number(name)];
      return bad;
    }
    case 'pool':
      if (valueText === 'unlimited') return 'unlimited';
      return parseSafe(valueText) ?? bad;
    case 'word': return /^[A-Za-z0-9_.-]{1,64}$/.test(valueText) ? valueText : bad;
    case 'sint': return /^-?[0-9]{1,16}$/.test(valueText) ? Number(valueText) : bad;
    case 'words': {
      if (valueText === '') return '';
      const parts = valueText.split(',');
      if (parts.length > 7 || parts.some(w => { const v = parseU64(w); return v === null || v > 0xffffffffn; })) return bad;
      return valueText;
    }
    case 'walk': {
      const m = /^([0-9a-fA-Fx]+):([0-9a-fA-Fx]+)$/.exec(valueText);
      if (!m) return bad;
      const idx = toSafeNumber(parseU64(m[1]));
      const desc = parseU64(m[2]);
      if (idx === null || idx > 511 || desc === null) return bad;
      return valueText;
    }
    case 'int': {
      if (key === 'rc' && /^-[0-9]{1,4}$/.test(valueText)) return Number(valueText);
      const v = parseSafe(valueText);
      return v !== null && v <= 0xffffffff ? v : bad;
    }
    default: return bad;
  }
}

/**
 * Parse the statement whose tokens are `toks` (toks[0] is the verb). Returns undefined when
 * the statement is unusable (diagnostics already reported); otherwise the record.
 */
export function parseStatement(toks: Token[], ctx: LineContext): TraceRecord | undefined {
  const verbTok = toks[0];
  const verb = canonicalVerb(verbTok.text);
  if (verb === undefined) {
    ctx.report(verbTok.start, verbTok.start + verbTok.text.length, 'error',
      `unknown statement '${verbTok.text}': expected one of ${Object.keys(VERBS).join(', ')}`);
    return undefined;
  }
  const spec = VERBS[verb];
  const f = FIELDS;
  f.clear();
  let ok = true;
  let i = 1;
  // `domain 2` and `mem_access enable` take one bare word.
  let bare: Token | undefined;
  if ((verb === 'domain' || verb === 'mem_access') && toks.length > 1 && !toks[1].text.includes('=')) {
    bare = toks[1];
    i = 2;
  }
  for (; i < toks.length; i++) {
    const t = toks[i];
    const eq = t.text.indexOf('=');
    if (eq <= 0) {
      ctx.report(t.start, t.start + t.text.length, 'error', `expected key=value, found '${t.text}'`);
      ok = false;
      continue;
    }
    const key = t.text.slice(0, eq);
    if (!ALLOWED[verb].has(key)) {
      ctx.report(t.start, t.start + eq, 'warning',
        `unknown field '${key}' for ${verb}: expected ${[...spec.required, ...spec.optional].join(', ') || 'no fields'}`);
      continue;
    }
    if (f.has(key)) ctx.report(t.start, t.start + t.text.length, 'warning', `duplicate field '${key}': the last one wins`);
    const v = parseField(key, t, t.text.slice(eq + 1), t.start + eq + 1, ctx);
    if (v === undefined) ok = false;
    else f.set(key, v);
  }
  const lineEnd = toks[toks.length - 1].start + toks[toks.length - 1].text.length;
  for (const r of spec.required) {
    if (!f.has(r) && ok) {
      ctx.report(verbTok.start, lineEnd, 'error', `${verb}: missing ${r}=<${EXPECTED[FIELD_KIND[r]]}>`);
      ok = false;
    }
  }
  if (!ok) return undefined;
  return build(verb, f, bare, verbTok, ctx);
}

/** Scratch field map, reused for every statement (parsing is synchronous). */
const FIELDS = new Map<string, FieldValue>();

/** Assign only defined values: records never carry present-but-undefined fields. */
function put<T extends object>(o: T, k: string, v: FieldValue | undefined): void {
  if (v !== undefined) (o as Record<string, unknown>)[k] = v;
}

function build(verb: string, f: Map<string, FieldValue>, bare: Token | undefined, verbTok: Token, ctx: LineContext): TraceRecord | undefined {
  const loc = ctx.loc(verbTok.start);
  // lost_records uses cpu= as its own field; for every other statement cpu=/tsc= describe the origin.
  if (verb !== 'lost_records' && f.has('cpu')) loc.cpu = f.get('cpu') as number;
  if (f.has('tsc')) loc.tsc = f.get('tsc') as bigint;
  const dv = f.get('d');
  const domain = dv === undefined ? ctx.domain : dv as number;
  const t = f.get('t') as ArmP2mType | undefined;
  const mfnV = f.get('mfn') as number | undefined;
  const type: ArmP2mType = t ?? (mfnV === INVALID_MFN ? 'invalid' : 'ram_rw');
  const access = (f.get('a') as P2mAccess | undefined) ?? 'rwx';
  const gfn = f.get('gfn') as number;
  switch (verb) {
    case 'p2m_set_entry': {
      const r: TraceRecord = { kind: 'setEntry', domain, gfn, nr: f.get('nr') as number, mfn: mfnV as number, type, access, loc };
      put(r, 'rc', f.get('rc'));
      return r;
    }
    case '__p2m_set_entry':
      return { kind: 'setAtOrder', domain, gfn, order: f.get('order') as number, mfn: mfnV as number, type, access, loc };
    case 'config': {
      const arch = f.get('arch');
      if (arch !== undefined && arch !== 'arm64' && arch !== 'arm32') {
        ctx.report(verbTok.start, verbTok.start + verbTok.text.length, 'error', `config: arch expected arm64 or arm32, found '${String(arch)}'`);
        return undefined;
      }
      const r: TraceRecord = { kind: 'config', loc };
      put(r, 'ipaBits', f.get('ipa_bits')); put(r, 'memAccess', f.get('mem_access')); put(r, 'poolPages', f.get('pool_pages'));
      put(r, 'cleanPte', f.get('clean_pte')); put(r, 'iommu', f.get('iommu')); put(r, 'arch', arch); put(r, 'strategy', f.get('strategy'));
      return r;
    }
    case 'domain': {
      let id = (f.get('id') ?? f.get('d')) as number | undefined;
      if (bare !== undefined) {
        const v = toSafeNumber(parseU64(bare.text));
        if (v === null || v > 0xffff) {
          ctx.report(bare.start, bare.start + bare.text.length, 'error', `domain: expected a domain id (0..65535), found '${bare.text}'`);
          return undefined;
        }
        id = v;
      }
      if (id === undefined) {
        ctx.report(verbTok.start, verbTok.start + verbTok.text.length, 'error', 'domain: expected a domain id, e.g. `domain 1` or `domain id=1`');
        return undefined;
      }
      const r: TraceRecord = { kind: 'domain', domain: id, loc };
      put(r, 'vmid', f.get('vmid')); put(r, 'poolPages', f.get('pool_pages')); put(r, 'hardwareDomain', f.get('hwdom'));
      return r;
    }
    case 'lookup':
      return { kind: 'lookup', domain, gfn, loc };
    case 'expect': {
      const r: TraceRecord = { kind: 'expect', domain, gfn, loc };
      put(r, 'mfn', mfnV); put(r, 'type', t); put(r, 'access', f.get('a')); put(r, 'order', f.get('order')); put(r, 'valid', f.get('valid'));
      return r;
    }
    case 'mem_access': {
      if (bare !== undefined && bare.text !== 'enable') {
        ctx.report(bare.start, bare.start + bare.text.length, 'error', `mem_access: expected 'enable' or gfn=… nr=… a=…, found '${bare.text}'`);
        return undefined;
      }
      if (bare === undefined && (!f.has('gfn') || !f.has('nr') || !f.has('a'))) {
        ctx.report(verbTok.start, verbTok.start + verbTok.text.length, 'error', "mem_access: expected 'enable' or all of gfn=… nr=… a=…");
        return undefined;
      }
      const r: TraceRecord = { kind: 'memAccess', domain, enable: bare !== undefined, loc };
      put(r, 'gfn', f.get('gfn')); put(r, 'nr', f.get('nr')); put(r, 'access', f.get('a'));
      return r;
    }
    case 'invalidate_root': return { kind: 'invalidateRoot', domain, loc };
    case 'resolve_fault': {
      const r: TraceRecord = { kind: 'resolveFault', domain, gfn, loc };
      put(r, 'expect', f.get('expect'));
      return r;
    }
    case 'relinquish': return { kind: 'relinquish', domain, loc };
    case 'write_pte': {
      const index = f.get('index') as number;
      const level = f.get('level') as number | undefined;
      if (index > 511 || (level !== undefined && level > 3)) {
        ctx.report(verbTok.start, verbTok.start + verbTok.text.length, 'error', 'write_pte: expected index 0..511 and level 0..3');
        return undefined;
      }
      const r: TraceRecord = { kind: 'writePte', domain, table: f.get('table') as number, index, old: f.get('old') as bigint, new: f.get('new') as bigint, loc };
      put(r, 'level', level);
      return r;
    }
    case 'tlb_flush': {
      const r: TraceRecord = { kind: 'tlbFlush', domain, loc };
      put(r, 'vmid', f.get('vmid'));
      return r;
    }
    case 'dsb': return { kind: 'dsb', domain, loc };
    case 'begin': return { kind: 'beginLock', domain, loc };
    case 'end': return { kind: 'endLock', domain, loc };
    case 'expect_stats':
      return {
        kind: 'checkpointDumpInfo', domain, vmid: (f.get('vmid') as number | undefined) ?? 0,
        mappings: [0, f.get('map1g') as number, f.get('map2m') as number, f.get('map4k') as number],
        shattered: [0, f.get('sh1g') as number, f.get('sh2m') as number, 0], loc,
      };
    case 'expect_walk': {
      const lines = [];
      for (let level = 0; level <= 3; level++) {
        const w = f.get(`l${level}`) as string | undefined;
        if (w === undefined) continue;
        const [a, b] = w.split(':');
        lines.push({ level, index: Number(parseU64(a)), descriptor: parseU64(b) as bigint, loc });
      }
      const r: TraceRecord = { kind: 'checkpointLookup', domain, ipa: f.get('ipa') as bigint, lines, loc };
      put(r, 'rootMfn', f.get('root_mfn')); put(r, 'concatenatedRoot', f.get('concat')); put(r, 'invalidRootOffset', f.get('invalid_root'));
      return r;
    }
    case 'lost_records':
      return {
        kind: 'lostRecords', cpu: f.get('cpu') as number, count: f.get('count') as number, domain, vcpu: (f.get('vcpu') as number | undefined) ?? 0,
        firstTsc: (f.get('first_tsc') as bigint | undefined) ?? 0n, loc: { ...loc, cpu: f.get('cpu') as number },
      };
    case 'mem_event': {
      const ev = f.get('ev') as OtherMemEvent;
      if (!OTHER_MEM_EVENTS.includes(ev)) {
        ctx.report(verbTok.start, verbTok.start + verbTok.text.length, 'error', `mem_event: ev expected one of ${OTHER_MEM_EVENTS.join(', ')}`);
        return undefined;
      }
      const r: TraceRecord = { kind: 'otherMem', event: ev, domain, loc };
      put(r, 'gfn', f.get('gfn')); put(r, 'mfn', mfnV); put(r, 'order', f.get('order'));
      return r;
    }
    case 'trace_event': {
      const w = f.get('words') as string | undefined;
      return { kind: 'opaque', event: f.get('id') as number, words: w ? w.split(',').map(x => Number(parseU64(x))) : [], loc };
    }
    default: return undefined;
  }
}
