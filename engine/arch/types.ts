// Xen/Arm p2m type and access enums (p2m-model.md §3), with Xen's names (without the
// `p2m_` prefix) and both numberings: the current one (stored in descriptor bits 55–58
// and in the mem_access radix) and the 2016 legacy one (used only by trace readers and
// the legacy strategy). Also the type → rights and access → restriction tables.

/** Current `p2m_type_t` values (since 2016-09-23). The value is what bits 55–58 hold. */
export const enum P2mType {
  invalid = 0, ram_rw = 1, ram_ro = 2, mmio_direct_dev = 3, mmio_direct_nc = 4, mmio_direct_c = 5,
  map_foreign_rw = 6, map_foreign_ro = 7, grant_map_rw = 8, grant_map_ro = 9,
  iommu_map_rw = 10, iommu_map_ro = 11, max_real_type = 12,
}

/** `p2m_access_t` values (r_pw added 2025 for x86; Arm treats it like r). */
export const enum P2mAccessValue {
  n = 0, r = 1, w = 2, rw = 3, x = 4, rx = 5, wx = 6, rwx = 7, rx2rw = 8, n2rwx = 9, r_pw = 10,
}

export const P2M_TYPE_NAMES: readonly string[] = [
  'invalid', 'ram_rw', 'ram_ro', 'mmio_direct_dev', 'mmio_direct_nc', 'mmio_direct_c',
  'map_foreign_rw', 'map_foreign_ro', 'grant_map_rw', 'grant_map_ro', 'iommu_map_rw', 'iommu_map_ro',
  'max_real_type',
];

/** The 2016 enum (before 1951d4975c / 8ff10a0baa): note 3 = mmio_direct_nc was Device memory. */
export const LEGACY_P2M_TYPE_NAMES: readonly string[] = [
  'invalid', 'ram_rw', 'ram_ro', 'mmio_direct_nc', 'mmio_direct_c', 'map_foreign',
  'grant_map_rw', 'grant_map_ro', 'iommu_map_rw', 'iommu_map_ro', 'max_real_type',
];

export const P2M_ACCESS_NAMES: readonly string[] = ['n', 'r', 'w', 'rw', 'x', 'rx', 'wx', 'rwx', 'rx2rw', 'n2rwx', 'r_pw'];

/** Xen's INVALID_MFN (all ones) as a number sentinel; same value as engine/trace/records.ts. */
export const INVALID_MFN = -1;
/** ULONG_MAX (lowest_mapped_gfn's initial value) as a number sentinel. Printed as 0xffffffffffffffff. */
export const ULONG_MAX_GFN = -1;

export function typeName(t: number): string {
  return P2M_TYPE_NAMES[t] ?? `type${t}`;
}
export function accessName(a: number): string {
  return P2M_ACCESS_NAMES[a] ?? `access${a}`;
}
/** Parses a type name (with or without `p2m_`); -1 when unknown. */
export function parseType(s: string): number {
  return P2M_TYPE_NAMES.indexOf(s.replace(/^p2m_/, ''));
}
/** Parses an access name (with or without `p2m_access_`); -1 when unknown. */
export function parseAccess(s: string): number {
  return P2M_ACCESS_NAMES.indexOf(s.replace(/^p2m_access_/, ''));
}

/** RAM group {ram_rw, ram_ro}: the types whose removal invalidates the ioreq mapcache. */
export function isRamType(t: number): boolean {
  return t === P2mType.ram_rw || t === P2mType.ram_ro;
}
export function isForeignType(t: number): boolean {
  return t === P2mType.map_foreign_rw || t === P2mType.map_foreign_ro;
}
/** "any RAM" = RAM ∪ grant ∪ foreign (remove_mapping's -EILSEQ check, §5.12). */
export function isAnyRamType(t: number): boolean {
  return isRamType(t) || isForeignType(t) || t === P2mType.grant_map_rw || t === P2mType.grant_map_ro;
}

/** §3.2: rights granted by the type before access restriction. */
export function typeRights(t: number): { write: boolean; xn: boolean } {
  switch (t) {
    case P2mType.ram_rw: return { write: true, xn: false };
    case P2mType.ram_ro: return { write: false, xn: false };
    case P2mType.iommu_map_rw: case P2mType.map_foreign_rw: case P2mType.grant_map_rw:
    case P2mType.mmio_direct_dev: case P2mType.mmio_direct_nc: case P2mType.mmio_direct_c:
      return { write: true, xn: true };
    default: return { write: false, xn: true };
  }
}

/** §3.3: which rights an access value removes (it only ever clears rights). */
export function accessRestriction(a: number): { clearRead: boolean; clearWrite: boolean; setXn: boolean } {
  switch (a) {
    case P2mAccessValue.rwx: return { clearRead: false, clearWrite: false, setXn: false };
    case P2mAccessValue.wx: return { clearRead: true, clearWrite: false, setXn: false };
    case P2mAccessValue.rw: return { clearRead: false, clearWrite: false, setXn: true };
    case P2mAccessValue.w: return { clearRead: true, clearWrite: false, setXn: true };
    case P2mAccessValue.rx: case P2mAccessValue.rx2rw: return { clearRead: false, clearWrite: true, setXn: false };
    case P2mAccessValue.x: return { clearRead: true, clearWrite: true, setXn: false };
    case P2mAccessValue.r: case P2mAccessValue.r_pw: return { clearRead: false, clearWrite: true, setXn: true };
    default: return { clearRead: true, clearWrite: true, setXn: true }; // n, n2rwx
  }
}

/** §3.4 / §1.4 step 2: stage-2 MemAttr and shareability chosen by the type. */
export function typeMemAttr(t: number): { mattr: number; sh: number } {
  switch (t) {
    case P2mType.mmio_direct_dev: return { mattr: 0x1, sh: 2 };
    case P2mType.mmio_direct_c: return { mattr: 0xf, sh: 2 };
    case P2mType.mmio_direct_nc: return { mattr: 0x5, sh: 2 };
    default: return { mattr: 0xf, sh: 3 };
  }
}
