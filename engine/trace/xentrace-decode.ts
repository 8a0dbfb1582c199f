// Decoding of one xentrace t_rec (trace-formats §1.3, §1.4, §2) into the record store.
// Called from the merge loop with a DataView and the offset of the record's first payload
// word, so nothing is allocated for the frequent records.

import { DiagnosticList } from './diagnostics';
import { INVALID_MFN } from './records';
import { RecordStore } from './record-store';
import { MappedType } from './types-map';

export const TRC_LOST_RECORDS = 0x0001f001;
export const TRC_TRACE_WRAP_BUFFER = 0x0001f002;
export const TRC_TRACE_CPU_CHANGE = 0x0001f003;
export const TRC_MEM_PAGE_GRANT_MAP = 0x0010f001;
export const TRC_MEM_PAGE_GRANT_UNMAP = 0x0010f002;
export const TRC_MEM_PAGE_GRANT_TRANSFER = 0x0010f003;
export const TRC_MEM_SET_P2M_ENTRY = 0x0010f004;
export const TRC_MEM_DECREASE_RESERVATION = 0x0010f005;
export const TRC_MEM_POD_POPULATE = 0x0010f010;
export const TRC_MEM_POD_ZERO_RECLAIM = 0x0010f011;
export const TRC_MEM_POD_SUPERPAGE_SPLINTER = 0x0010f012;

/** Class bits (bits 16–27 of the event id) that xenalyze knows. */
export const KNOWN_CLASSES = new Set([0x001, 0x002, 0x004, 0x008, 0x010, 0x020, 0x040, 0x080, 0x800]);

export type MemLayout = 'auto' | 'pre-4.18' | '4.18';

const TWO32 = 4294967296;
/** Above this high word a 64-bit frame number is not an exact JS number. */
const HI_SAFE = 0x1fffff;

export interface DecodeContext {
  store: RecordStore;
  diags: DiagnosticList;
  types: MappedType[];
  memLayout: MemLayout;
  invalidMfn32: boolean;
  /** Per numeric type: how many records used an approximate mapping (reported once at the end). */
  approxCount: Int32Array;
  approxFirst: Float64Array;
  /** Set by decodeSetP2m when an unmap named a non-invalid type (reported once). */
  oddUnmaps: number;
}

/**
 * SET_P2M_ENTRY payload: u64 gfn, u64 mfn, u32 type, u16 domid, u16 order.
 * Returns false when the record cannot be decoded (caller stores it as opaque).
 */
export function decodeSetP2m(c: DecodeContext, dv: DataView, p: number, cpu: number, off: number,
  hasTsc: boolean, tscHi: number, tscLo: number): boolean {
  const gLo = dv.getUint32(p, true), gHi = dv.getUint32(p + 4, true);
  const mLo = dv.getUint32(p + 8, true), mHi = dv.getUint32(p + 12, true);
  const t = dv.getUint32(p + 16, true);
  const w5 = dv.getUint32(p + 20, true);
  const domain = w5 & 0xffff, order = w5 >>> 16;
  let mfn: number;
  if ((mHi === 0xffffffff && mLo === 0xffffffff) || (c.invalidMfn32 && mHi === 0 && mLo === 0xffffffff)) mfn = INVALID_MFN;
  else if (mHi > HI_SAFE) {
    c.diags.add({ line: 0, column: 0, byteOffset: off, cpu, severity: 'error', message: `set_p2m_entry: mfn 0x${mHi.toString(16)}${mLo.toString(16).padStart(8, '0')} is not a valid frame number: record kept as opaque` });
    return false;
  } else mfn = mHi * TWO32 + mLo;
  if (gHi > HI_SAFE) {
    c.diags.add({ line: 0, column: 0, byteOffset: off, cpu, severity: 'error', message: `set_p2m_entry: gfn 0x${gHi.toString(16)}${gLo.toString(16).padStart(8, '0')} is beyond 2^53: record kept as opaque` });
    return false;
  }
  const m = t < 16 ? c.types[t] : undefined;
  if (m === undefined || m.arm < 0) {
    c.diags.add({ line: 0, column: 0, byteOffset: off, cpu, severity: 'error', message: `set_p2m_entry: unknown p2m type ${t} for this --arch/numbering: record kept as opaque` });
    return false;
  }
  let arm = m.arm;
  if (m.note !== undefined) {
    if (c.approxCount[t]++ === 0) c.approxFirst[t] = off;
  }
  // An Arm-side `invalid` always means "remove": drop the MFN so the replay unmaps.
  if (arm === 0) mfn = INVALID_MFN;
  else if (mfn === INVALID_MFN) {
    // An invalid MFN with a mapping type: x86 decides by type (§5.2); on Arm it can only be a removal.
    c.oddUnmaps++;
    arm = 0;
  }
  c.store.pushSetAtOrder(domain, gHi * TWO32 + gLo, order, mfn, arm, t, cpu, off, hasTsc, tscHi, tscLo);
  return true;
}

/** Split a domid/order word according to the pre-/post-4.18 layouts (§2.2). */
function splitDomOrder(c: DecodeContext, wd: number, wo: number, hasOrder: boolean): [number, number] {
  const pre = c.memLayout === 'pre-4.18' || (c.memLayout === 'auto' && ((wd >>> 16) !== 0 || wo > 63));
  if (pre) return [wd & 0xffff, hasOrder ? wd >>> 16 : -1];
  return [wd, wo];
}

function frame(lo: number, hi: number): number {
  if (hi === 0xffffffff && lo === 0xffffffff) return INVALID_MFN;
  return hi > HI_SAFE ? NaN : hi * TWO32 + lo;
}

/** The other MEM records. Returns false for unknown events or too few words. */
export function decodeOtherMem(c: DecodeContext, ev: number, dv: DataView, p: number, n: number, cpu: number, off: number,
  hasTsc: boolean, tscHi: number, tscLo: number): boolean {
  const s = c.store;
  switch (ev) {
    case TRC_MEM_PAGE_GRANT_MAP: case TRC_MEM_PAGE_GRANT_UNMAP: case TRC_MEM_PAGE_GRANT_TRANSFER:
      if (n < 1) return false;
      s.pushOtherMem(ev - TRC_MEM_PAGE_GRANT_MAP, dv.getUint32(p, true), NaN, NaN, -1, cpu, off, hasTsc, tscHi, tscLo);
      return true;
    case TRC_MEM_DECREASE_RESERVATION: {
      if (n < 4) return false;
      const [d, o] = splitDomOrder(c, dv.getUint32(p + 8, true), dv.getUint32(p + 12, true), true);
      s.pushOtherMem(3, d, frame(dv.getUint32(p, true), dv.getUint32(p + 4, true)), NaN, o, cpu, off, hasTsc, tscHi, tscLo);
      return true;
    }
    case TRC_MEM_POD_POPULATE: case TRC_MEM_POD_ZERO_RECLAIM: {
      if (n < 6) return false;
      const [d, o] = splitDomOrder(c, dv.getUint32(p + 16, true), dv.getUint32(p + 20, true), true);
      s.pushOtherMem(ev === TRC_MEM_POD_POPULATE ? 4 : 5, d, frame(dv.getUint32(p, true), dv.getUint32(p + 4, true)),
        frame(dv.getUint32(p + 8, true), dv.getUint32(p + 12, true)), o, cpu, off, hasTsc, tscHi, tscLo);
      return true;
    }
    case TRC_MEM_POD_SUPERPAGE_SPLINTER: {
      if (n < 4) return false;
      const [d, o] = splitDomOrder(c, dv.getUint32(p + 8, true), dv.getUint32(p + 12, true), false);
      s.pushOtherMem(6, d, frame(dv.getUint32(p, true), dv.getUint32(p + 4, true)), NaN, o, cpu, off, hasTsc, tscHi, tscLo);
      return true;
    }
    default: return false;
  }
}
