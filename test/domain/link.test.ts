import { expect } from 'chai';

import { type LinkStatus, linkUsability, type LinkUsability, newPendingLink, withLinkStatus } from '../../src/domain/link.js';
import { aLink, aLinkId, aPipedriveId, aVendorId, T0, T1 } from '../support/fixtures.js';

const stub = aVendorId('stub');
const zoom = aVendorId('zoom');

describe('linkUsability', () => {
  const expected: Record<LinkStatus, LinkUsability> = {
    pending: 'unknown',
    active: 'usable',
    needs_reauth: 'needs_reauth',
    removed: 'unknown',
  };

  for (const [status, usability] of Object.entries(expected) as Array<[LinkStatus, LinkUsability]>) {
    it(`a ${status} link of this deployment's vendor is ${usability}`, () => {
      expect(linkUsability(aLink({ vendor: stub, status }), stub)).to.equal(usability);
    });

    it(`a ${status} link of another vendor is unknown`, () => {
      expect(linkUsability(aLink({ vendor: zoom, status }), stub)).to.equal('unknown');
    });
  }
});

describe('newPendingLink', () => {
  it('starts a link as pending, created and updated now', () => {
    const linkId = aLinkId();
    const link = newPendingLink({
      linkId,
      companyId: aPipedriveId(7),
      userId: aPipedriveId(11),
      vendor: stub,
      now: T0,
    });
    expect(link).to.deep.equal({
      linkId,
      companyId: 7,
      userId: 11,
      vendor: 'stub',
      status: 'pending',
      createdAt: T0,
      updatedAt: T0,
    });
    expect(linkUsability(link, stub)).to.equal('unknown');
  });
});

describe('withLinkStatus', () => {
  it('changes status and updatedAt only, and leaves the original alone', () => {
    const link = aLink({ status: 'pending', createdAt: T0, updatedAt: T0 });
    const active = withLinkStatus(link, 'active', T1);
    expect(active).to.deep.equal({ ...link, status: 'active', updatedAt: T1 });
    expect(link.status).to.equal('pending');
    expect(link.updatedAt).to.equal(T0);
  });
});
