import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IOMMU_FLUSHF_ADDED, IOMMU_FLUSHF_MODIFIED } from '../../../engine/p2m/events';

test('IOMMU flush flags match Xen (ADDED=1, MODIFIED=2)', () => {
  assert.equal(IOMMU_FLUSHF_ADDED | IOMMU_FLUSHF_MODIFIED, 3);
});
