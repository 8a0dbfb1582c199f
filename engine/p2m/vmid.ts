// VMID allocation (p2m-model.md §2.4): lowest free first from a bitmap of 256 (8-bit) or
// 65536 (16-bit) VMIDs; VMID 0 is reserved (INVALID_VMID); exhaustion is -EBUSY.
import { EBUSY } from './config';

export class VmidAllocator {
  private readonly used: Uint8Array;
  constructor(bits: 8 | 16 = 8) {
    this.used = new Uint8Array(bits === 16 ? 65536 : 256);
    this.used[0] = 1; // INVALID_VMID
  }
  /** The lowest free VMID, or -EBUSY when all are taken. */
  alloc(): number {
    const i = this.used.indexOf(0);
    if (i < 0) return -EBUSY;
    this.used[i] = 1;
    return i;
  }
  free(vmid: number): void { if (vmid > 0 && vmid < this.used.length) this.used[vmid] = 0; }
}
