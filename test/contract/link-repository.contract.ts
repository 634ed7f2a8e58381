import { randomUUID } from 'node:crypto';

import { expect } from 'chai';
import * as O from 'fp-ts/lib/Option.js';

import type { LinkRepository } from '../../src/application/ports/link-repository.js';
import {
  type Link,
  type NewLinkInput,
  newPendingLink,
  type PipedriveGrant,
  type SealedSecret,
  type VendorGrant,
} from '../../src/domain/link.js';
import { expectLeft, expectNone, expectRight, expectSome } from '../support/either.js';
import { aLink, aLinkId, aPipedriveId, aVendorId, T0, T1, T2 } from '../support/fixtures.js';

export interface LinkRepositorySubject {
  readonly repo: LinkRepository;
  cleanup(): Promise<void>;
}

/** The store keeps sealed secrets as opaque strings; these need not be real ciphertexts. */
const sealed = (value: string): SealedSecret => value as SealedSecret;

const aPipedriveGrant = (overrides: Partial<PipedriveGrant> = {}): PipedriveGrant => ({
  apiDomain: 'https://acme.pipedrive.com',
  accessToken: sealed(`sealed-access-${randomUUID()}`),
  refreshToken: sealed(`sealed-refresh-${randomUUID()}`),
  expiresAt: new Date('2026-03-06T14:14:15.678Z'),
  ...overrides,
});

/** A vendor grant with every optional field. */
const aFullVendorGrant = (): VendorGrant => ({
  accessToken: sealed(`sealed-vendor-access-${randomUUID()}`),
  refreshToken: sealed(`sealed-vendor-refresh-${randomUUID()}`),
  expiresAt: new Date('2026-03-06T14:15:16.789Z'),
  vendorUserId: 'KdYKjnimT4KPd8FFgQt9FQ',
});

// Far from the fixtures' own counter, so a candidate never lands on an `aLink()` user by accident.
let nextUser = 900_000;
/** A link as install starts it, for a fresh user unless told otherwise. */
const aCandidate = (input: Partial<NewLinkInput> = {}): Link =>
  newPendingLink({
    linkId: aLinkId(),
    companyId: aPipedriveId((nextUser += 1)),
    userId: aPipedriveId((nextUser += 1)),
    vendor: aVendorId(),
    now: T1,
    ...input,
  });

const sameUser = (link: Link): Partial<NewLinkInput> => ({ companyId: link.companyId, userId: link.userId });

/**
 * The promises of `LinkRepository` that every adapter keeps. `make` must return an empty store,
 * a fresh one for every test.
 */
export function describeLinkRepositoryContract(name: string, make: () => Promise<LinkRepositorySubject>): void {
  describe(`${name}: LinkRepository contract`, () => {
    let repo: LinkRepository;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      const subject = await make();
      repo = subject.repo;
      cleanup = subject.cleanup;
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    describe('insert, findById and findByPipedriveUser', () => {
      it('finds an inserted link by id with every field as inserted', async () => {
        const link = aLink({ status: 'pending' });
        expectRight(await repo.insert(link)());

        const found = expectSome(expectRight(await repo.findById(link.linkId)()));

        expect(found).to.deep.equal(link);
        expect(found.createdAt.getTime()).to.equal(link.createdAt.getTime());
        expect(found.updatedAt.getTime()).to.equal(link.updatedAt.getTime());
      });

      it('finds an inserted link by its Pipedrive company and user', async () => {
        const link = aLink();
        expectRight(await repo.insert(link)());

        const found = expectSome(expectRight(await repo.findByPipedriveUser(link.companyId, link.userId)()));

        expect(found).to.deep.equal(link);
      });

      it('answers None for an unknown id', async () => {
        expectRight(await repo.insert(aLink())());

        expectNone(expectRight(await repo.findById(aLinkId())()));
      });

      it('answers None for an unknown user, even of a known company or with a known user id', async () => {
        const link = aLink();
        expectRight(await repo.insert(link)());
        const other = aLink();

        expectNone(expectRight(await repo.findByPipedriveUser(link.companyId, other.userId)()));
        expectNone(expectRight(await repo.findByPipedriveUser(other.companyId, link.userId)()));
      });

      it('refuses a second link with the same id and keeps the first unchanged', async () => {
        const first = aLink();
        expectRight(await repo.insert(first)());
        const clash = aLink({ linkId: first.linkId, status: 'removed', createdAt: T2, updatedAt: T2 });

        const error = expectLeft(await repo.insert(clash)());

        expect(error._tag).to.equal('LinkAlreadyExists');
        expect(expectSome(expectRight(await repo.findById(first.linkId)()))).to.deep.equal(first);
        expectNone(expectRight(await repo.findByPipedriveUser(clash.companyId, clash.userId)()));
      });

      it('refuses a second link for the same company and user and keeps the first unchanged', async () => {
        const first = aLink();
        expectRight(await repo.insert(first)());
        const clash = aLink({ companyId: first.companyId, userId: first.userId, status: 'pending' });

        const error = expectLeft(await repo.insert(clash)());

        expect(error._tag).to.equal('LinkAlreadyExists');
        expectNone(expectRight(await repo.findById(clash.linkId)()));
        expect(expectSome(expectRight(await repo.findByPipedriveUser(first.companyId, first.userId)()))).to.deep.equal(
          first,
        );
      });

      it('accepts links of the same user in two companies and of two users in one company', async () => {
        const link = aLink();
        const sameUserOtherCompany = aLink({ userId: link.userId });
        const sameCompanyOtherUser = aLink({ companyId: link.companyId });

        expectRight(await repo.insert(link)());
        expectRight(await repo.insert(sameUserOtherCompany)());
        expectRight(await repo.insert(sameCompanyOtherUser)());

        for (const each of [link, sameUserOtherCompany, sameCompanyOtherUser]) {
          expect(expectSome(expectRight(await repo.findById(each.linkId)()))).to.deep.equal(each);
        }
      });

      it('does nothing until the insert task runs', async () => {
        const link = aLink();

        const task = repo.insert(link);
        expectNone(expectRight(await repo.findById(link.linkId)()));

        expectRight(await task());
        expectSome(expectRight(await repo.findById(link.linkId)()));
      });
    });

    describe('setStatus', () => {
      it('returns the updated link and stores it', async () => {
        const link = aLink({ status: 'pending' });
        expectRight(await repo.insert(link)());

        const updated = expectSome(expectRight(await repo.setStatus(link.linkId, 'needs_reauth', T2)()));

        const expected = { ...link, status: 'needs_reauth', updatedAt: T2 };
        expect(updated).to.deep.equal(expected);
        expect(expectSome(expectRight(await repo.findById(link.linkId)()))).to.deep.equal(expected);
      });

      it('leaves other links alone', async () => {
        const link = aLink({ status: 'pending' });
        const other = aLink({ status: 'pending' });
        expectRight(await repo.insert(link)());
        expectRight(await repo.insert(other)());

        expectSome(expectRight(await repo.setStatus(link.linkId, 'active', T2)()));

        expect(expectSome(expectRight(await repo.findById(other.linkId)()))).to.deep.equal(other);
      });

      it('answers None for an unknown link and creates none', async () => {
        const unknown = aLinkId();

        expectNone(expectRight(await repo.setStatus(unknown, 'active', T2)()));

        expectNone(expectRight(await repo.findById(unknown)()));
      });
    });

    describe('grants and leases as stored', () => {
      it('keeps every grant and lease field, dates to the millisecond', async () => {
        const link = aLink({
          pipedrive: aPipedriveGrant(),
          vendorGrant: aFullVendorGrant(),
          leases: { pipedrive: { holder: 'worker-a', until: T2 }, vendor: { holder: 'worker-b', until: T1 } },
        });
        expectRight(await repo.insert(link)());

        const found = expectSome(expectRight(await repo.findById(link.linkId)()));

        expect(found).to.deep.equal(link);
        expect(found.pipedrive?.expiresAt.getTime()).to.equal(link.pipedrive?.expiresAt.getTime());
        expect(found.vendorGrant?.expiresAt?.getTime()).to.equal(link.vendorGrant?.expiresAt?.getTime());
        expect(found.leases?.pipedrive?.until.getTime()).to.equal(T2.getTime());
        expect(found.leases?.vendor?.until.getTime()).to.equal(T1.getTime());
      });

      it('keeps a vendor grant with only its access token, without the optional fields', async () => {
        const link = aLink({ vendorGrant: { accessToken: sealed('only-an-access-token') } });
        expectRight(await repo.insert(link)());

        const found = expectSome(expectRight(await repo.findById(link.linkId)()));

        expect(found).to.deep.equal(link);
        expect(found.vendorGrant).to.have.all.keys('accessToken');
        expect(found).not.to.have.any.keys('pipedrive', 'leases');
      });
    });

    describe('saveInstall', () => {
      it("creates a new user's link from the candidate, pending, with the grant", async () => {
        const candidate = aCandidate();
        const grant = aPipedriveGrant();

        const saved = expectRight(await repo.saveInstall(candidate, grant, T2)());

        const expected: Link = { ...candidate, status: 'pending', updatedAt: T2, pipedrive: grant };
        expect(saved).to.deep.equal(expected);
        expect(expectSome(expectRight(await repo.findById(candidate.linkId)()))).to.deep.equal(expected);
        expect(
          expectSome(expectRight(await repo.findByPipedriveUser(candidate.companyId, candidate.userId)())),
        ).to.deep.equal(expected);
      });

      it("keeps an existing link's id and creation time and replaces its grant", async () => {
        const first = aCandidate({ now: T0 });
        expectRight(await repo.saveInstall(first, aPipedriveGrant(), T0)());
        const second = aCandidate({ companyId: first.companyId, userId: first.userId, now: T1 });
        const newGrant = aPipedriveGrant({ apiDomain: 'https://renamed.pipedrive.com' });

        const saved = expectRight(await repo.saveInstall(second, newGrant, T2)());

        const expected: Link = { ...first, status: 'pending', updatedAt: T2, pipedrive: newGrant };
        expect(saved).to.deep.equal(expected);
        expect(expectSome(expectRight(await repo.findById(first.linkId)()))).to.deep.equal(expected);
        expectNone(expectRight(await repo.findById(second.linkId)()));
      });

      it('leaves an active link active, and its vendor grant in place', async () => {
        const link = aLink({ status: 'active', pipedrive: aPipedriveGrant(), vendorGrant: aFullVendorGrant() });
        expectRight(await repo.insert(link)());
        const newGrant = aPipedriveGrant();

        const saved = expectRight(await repo.saveInstall(aCandidate(sameUser(link)), newGrant, T2)());

        const expected: Link = { ...link, pipedrive: newGrant, updatedAt: T2 };
        expect(saved).to.deep.equal(expected);
        expect(expectSome(expectRight(await repo.findById(link.linkId)()))).to.deep.equal(expected);
      });

      for (const status of ['needs_reauth', 'removed', 'pending'] as const) {
        it(`makes a ${status} link pending`, async () => {
          const link = aLink({ status });
          expectRight(await repo.insert(link)());
          const grant = aPipedriveGrant();

          const saved = expectRight(await repo.saveInstall(aCandidate(sameUser(link)), grant, T2)());

          const expected: Link = { ...link, status: 'pending', pipedrive: grant, updatedAt: T2 };
          expect(saved).to.deep.equal(expected);
          expect(expectSome(expectRight(await repo.findById(link.linkId)()))).to.deep.equal(expected);
        });
      }

      it('takes the Pipedrive refresh lease away, so a refresh of the old grant cannot overwrite the new one', async () => {
        const vendorLease = { holder: 'vendor-refresher', until: T2 };
        const link = aLink({
          pipedrive: aPipedriveGrant(),
          leases: { pipedrive: { holder: 'refresher', until: T2 }, vendor: vendorLease },
        });
        expectRight(await repo.insert(link)());
        const newGrant = aPipedriveGrant();

        const saved = expectRight(await repo.saveInstall(aCandidate(sameUser(link)), newGrant, T1)());

        expect(saved.leases).to.deep.equal({ vendor: vendorLease });
        const late = { kind: 'pipedrive', grant: aPipedriveGrant() } as const;
        expect(expectRight(await repo.completeRefresh(link.linkId, 'refresher', late, T1)())).to.equal(false);
        expect(expectSome(expectRight(await repo.findById(link.linkId)())).pipedrive).to.deep.equal(newGrant);
      });

      it('makes one link of concurrent installs of the same new user', async () => {
        const first = aCandidate();
        const candidates = [first, ...Array.from({ length: 4 }, () => aCandidate(sameUser(first)))];

        const saved = await Promise.all(
          candidates.map(async (candidate) => expectRight(await repo.saveInstall(candidate, aPipedriveGrant(), T2)())),
        );

        const ids = new Set(saved.map((link) => link.linkId));
        expect(ids.size).to.equal(1);
        const [id] = ids;
        const stored = expectSome(expectRight(await repo.findByPipedriveUser(first.companyId, first.userId)()));
        expect(stored.linkId).to.equal(id);
        expect(candidates.map((candidate) => candidate.linkId)).to.include(stored.linkId);
      });

      it('does nothing until the task runs', async () => {
        const candidate = aCandidate();

        const task = repo.saveInstall(candidate, aPipedriveGrant(), T2);
        expectNone(expectRight(await repo.findById(candidate.linkId)()));

        expectRight(await task());
        expectSome(expectRight(await repo.findById(candidate.linkId)()));
      });
    });

    describe('setVendorGrant', () => {
      it('sets the vendor grant and answers the link as stored', async () => {
        const link = aLink({ pipedrive: aPipedriveGrant() });
        expectRight(await repo.insert(link)());
        const grant = aFullVendorGrant();

        const updated = expectSome(expectRight(await repo.setVendorGrant(link.linkId, grant, T2)()));

        const expected: Link = { ...link, vendorGrant: grant, updatedAt: T2 };
        expect(updated).to.deep.equal(expected);
        expect(expectSome(expectRight(await repo.findById(link.linkId)()))).to.deep.equal(expected);
      });

      it('replaces a vendor grant whole: optional fields the new one lacks go', async () => {
        const link = aLink({ vendorGrant: aFullVendorGrant() });
        expectRight(await repo.insert(link)());
        const grant: VendorGrant = { accessToken: sealed('a-new-access-token') };

        const updated = expectSome(expectRight(await repo.setVendorGrant(link.linkId, grant, T2)()));

        expect(updated).to.deep.equal({ ...link, vendorGrant: grant, updatedAt: T2 });
        expect(expectSome(expectRight(await repo.findById(link.linkId)())).vendorGrant).to.have.all.keys('accessToken');
      });

      it('removes the vendor grant with undefined and keeps the Pipedrive grant', async () => {
        const link = aLink({ pipedrive: aPipedriveGrant(), vendorGrant: aFullVendorGrant() });
        const { vendorGrant: _removed, ...withoutVendorGrant } = link;
        expectRight(await repo.insert(link)());

        const updated = expectSome(expectRight(await repo.setVendorGrant(link.linkId, undefined, T2)()));

        const expected: Link = { ...withoutVendorGrant, updatedAt: T2 };
        expect(updated).to.deep.equal(expected);
        expect(updated).not.to.have.property('vendorGrant');
        expect(expectSome(expectRight(await repo.findById(link.linkId)()))).to.deep.equal(expected);
      });

      it('takes the vendor refresh lease away, so a refresh in flight cannot bring a removed grant back', async () => {
        const pipedriveLease = { holder: 'pipedrive-refresher', until: T2 };
        const link = aLink({
          vendorGrant: aFullVendorGrant(),
          leases: { pipedrive: pipedriveLease, vendor: { holder: 'refresher', until: T2 } },
        });
        expectRight(await repo.insert(link)());

        const updated = expectSome(expectRight(await repo.setVendorGrant(link.linkId, undefined, T1)()));

        expect(updated.leases).to.deep.equal({ pipedrive: pipedriveLease });
        const late = { kind: 'vendor', grant: aFullVendorGrant() } as const;
        expect(expectRight(await repo.completeRefresh(link.linkId, 'refresher', late, T1)())).to.equal(false);
        expect(expectSome(expectRight(await repo.findById(link.linkId)()))).not.to.have.property('vendorGrant');
      });

      it('answers None for an unknown link and creates none', async () => {
        const unknown = aLinkId();

        expectNone(expectRight(await repo.setVendorGrant(unknown, aFullVendorGrant(), T2)()));
        expectNone(expectRight(await repo.setVendorGrant(unknown, undefined, T2)()));

        expectNone(expectRight(await repo.findById(unknown)()));
      });
    });

    describe('dropGrants', () => {
      it('removes both grants and every lease and sets the status, in one write', async () => {
        const link = aLink({
          status: 'active',
          pipedrive: aPipedriveGrant(),
          vendorGrant: aFullVendorGrant(),
          leases: { pipedrive: { holder: 'a', until: T2 }, vendor: { holder: 'b', until: T2 } },
        });
        const { pipedrive: _p, vendorGrant: _v, leases: _l, ...bare } = link;
        expectRight(await repo.insert(link)());

        const dropped = expectSome(expectRight(await repo.dropGrants(link.linkId, 'needs_reauth', T2)()));

        const expected: Link = { ...bare, status: 'needs_reauth', updatedAt: T2 };
        expect(dropped).to.deep.equal(expected);
        expect(dropped).not.to.have.any.keys('pipedrive', 'vendorGrant', 'leases');
        expect(expectSome(expectRight(await repo.findById(link.linkId)()))).to.deep.equal(expected);
      });

      it('answers None for an unknown link and creates none', async () => {
        const unknown = aLinkId();

        expectNone(expectRight(await repo.dropGrants(unknown, 'removed', T2)()));

        expectNone(expectRight(await repo.findById(unknown)()));
      });
    });

    describe('acquireLease', () => {
      /** Instants around the leases' expiry: T1 is "now", a lease until T2 is unexpired at T1. */
      const NOW = T1;

      it('takes a free lease and stores it', async () => {
        const link = aLink({ pipedrive: aPipedriveGrant() });
        expectRight(await repo.insert(link)());

        const leased = expectSome(expectRight(await repo.acquireLease(link.linkId, 'pipedrive', 'me', NOW, T2)()));

        const expected: Link = { ...link, leases: { pipedrive: { holder: 'me', until: T2 } } };
        expect(leased).to.deep.equal(expected);
        expect(expectSome(expectRight(await repo.findById(link.linkId)()))).to.deep.equal(expected);
      });

      it('answers None while another holder has an unexpired lease, and leaves it as it was', async () => {
        const link = aLink({ leases: { vendor: { holder: 'other', until: T2 } } });
        expectRight(await repo.insert(link)());

        expectNone(expectRight(await repo.acquireLease(link.linkId, 'vendor', 'me', NOW, T2)()));

        expect(expectSome(expectRight(await repo.findById(link.linkId)()))).to.deep.equal(link);
      });

      it('takes an expired lease from its holder, from the instant it expires', async () => {
        for (const expiredAt of [T0, NOW]) {
          const link = aLink({ leases: { pipedrive: { holder: 'other', until: expiredAt } } });
          expectRight(await repo.insert(link)());

          const leased = expectSome(expectRight(await repo.acquireLease(link.linkId, 'pipedrive', 'me', NOW, T2)()));

          expect(leased.leases).to.deep.equal({ pipedrive: { holder: 'me', until: T2 } });
          expect(expectSome(expectRight(await repo.findById(link.linkId)())).leases).to.deep.equal(leased.leases);
        }
      });

      it('gives the holder its own lease again, until the new instant', async () => {
        const link = aLink();
        expectRight(await repo.insert(link)());
        expectSome(expectRight(await repo.acquireLease(link.linkId, 'vendor', 'me', T0, NOW)()));

        // At T0 the first lease (until NOW) has not expired: only holding it lets us in.
        const again = expectSome(expectRight(await repo.acquireLease(link.linkId, 'vendor', 'me', T0, T2)()));

        expect(again.leases).to.deep.equal({ vendor: { holder: 'me', until: T2 } });
      });

      it('keeps the leases of the two grant kinds apart', async () => {
        const pipedriveLease = { holder: 'other', until: T2 };
        const link = aLink({ leases: { pipedrive: pipedriveLease } });
        expectRight(await repo.insert(link)());

        const leased = expectSome(expectRight(await repo.acquireLease(link.linkId, 'vendor', 'me', NOW, T2)()));

        expect(leased.leases).to.deep.equal({ pipedrive: pipedriveLease, vendor: { holder: 'me', until: T2 } });
        expectNone(expectRight(await repo.acquireLease(link.linkId, 'pipedrive', 'me', NOW, T2)()));
      });

      it('gives the lease to exactly one of ten concurrent holders', async () => {
        const link = aLink({ pipedrive: aPipedriveGrant() });
        expectRight(await repo.insert(link)());
        const holders = Array.from({ length: 10 }, (_, i) => `holder-${i}`);

        const results = await Promise.all(
          holders.map(async (holder) => expectRight(await repo.acquireLease(link.linkId, 'pipedrive', holder, NOW, T2)())),
        );

        const winners = results.flatMap((result) => (O.isSome(result) ? [result.value] : []));
        expect(winners).to.have.length(1);
        const winner = winners[0]?.leases?.pipedrive?.holder;
        expect(holders).to.include(winner);
        expect(expectSome(expectRight(await repo.findById(link.linkId)())).leases).to.deep.equal({
          pipedrive: { holder: winner, until: T2 },
        });
      });

      it('answers None for an unknown link and creates none', async () => {
        const unknown = aLinkId();

        expectNone(expectRight(await repo.acquireLease(unknown, 'pipedrive', 'me', NOW, T2)()));

        expectNone(expectRight(await repo.findById(unknown)()));
      });

      it('does nothing until the task runs', async () => {
        const link = aLink();
        expectRight(await repo.insert(link)());

        const task = repo.acquireLease(link.linkId, 'pipedrive', 'me', NOW, T2);
        expectSome(expectRight(await repo.acquireLease(link.linkId, 'pipedrive', 'other', NOW, T2)()));

        expectNone(expectRight(await task()));
      });
    });

    describe('completeRefresh', () => {
      it("stores the holder's refreshed Pipedrive grant and frees its lease", async () => {
        const vendorLease = { holder: 'other', until: T2 };
        const link = aLink({
          pipedrive: aPipedriveGrant(),
          vendorGrant: aFullVendorGrant(),
          leases: { pipedrive: { holder: 'me', until: T2 }, vendor: vendorLease },
        });
        expectRight(await repo.insert(link)());
        const grant = aPipedriveGrant();

        const done = expectRight(await repo.completeRefresh(link.linkId, 'me', { kind: 'pipedrive', grant }, T2)());

        expect(done).to.equal(true);
        const expected: Link = { ...link, pipedrive: grant, updatedAt: T2, leases: { vendor: vendorLease } };
        expect(expectSome(expectRight(await repo.findById(link.linkId)()))).to.deep.equal(expected);
      });

      it("stores the holder's refreshed vendor grant and leaves no leases behind", async () => {
        const { leases: _l, ...bare } = aLink({ vendorGrant: aFullVendorGrant() });
        const link: Link = { ...bare, leases: { vendor: { holder: 'me', until: T2 } } };
        expectRight(await repo.insert(link)());
        const grant = aFullVendorGrant();

        expect(expectRight(await repo.completeRefresh(link.linkId, 'me', { kind: 'vendor', grant }, T2)())).to.equal(true);

        const found = expectSome(expectRight(await repo.findById(link.linkId)()));
        expect(found).to.deep.equal({ ...bare, vendorGrant: grant, updatedAt: T2 });
        expect(found).not.to.have.property('leases');
      });

      it('answers false and changes nothing when another holder has the lease, or nobody', async () => {
        const held = aLink({ pipedrive: aPipedriveGrant(), leases: { pipedrive: { holder: 'other', until: T2 } } });
        const free = aLink({ pipedrive: aPipedriveGrant() });
        for (const link of [held, free]) {
          expectRight(await repo.insert(link)());
          const refreshed = { kind: 'pipedrive', grant: aPipedriveGrant() } as const;

          expect(expectRight(await repo.completeRefresh(link.linkId, 'me', refreshed, T2)())).to.equal(false);

          expect(expectSome(expectRight(await repo.findById(link.linkId)()))).to.deep.equal(link);
        }
      });

      it("answers false for the holder of the other kind's lease", async () => {
        const link = aLink({ vendorGrant: aFullVendorGrant(), leases: { pipedrive: { holder: 'me', until: T2 } } });
        expectRight(await repo.insert(link)());
        const refreshed = { kind: 'vendor', grant: aFullVendorGrant() } as const;

        expect(expectRight(await repo.completeRefresh(link.linkId, 'me', refreshed, T2)())).to.equal(false);

        expect(expectSome(expectRight(await repo.findById(link.linkId)()))).to.deep.equal(link);
      });

      it('answers false for an unknown link and creates none', async () => {
        const unknown = aLinkId();
        const refreshed = { kind: 'pipedrive', grant: aPipedriveGrant() } as const;

        expect(expectRight(await repo.completeRefresh(unknown, 'me', refreshed, T2)())).to.equal(false);

        expectNone(expectRight(await repo.findById(unknown)()));
      });
    });

    describe('releaseLease', () => {
      it("frees the holder's own lease, for another holder to take", async () => {
        const link = aLink();
        expectRight(await repo.insert(link)());
        expectSome(expectRight(await repo.acquireLease(link.linkId, 'pipedrive', 'me', T1, T2)()));

        expectRight(await repo.releaseLease(link.linkId, 'pipedrive', 'me')());

        expect(expectSome(expectRight(await repo.findById(link.linkId)()))).to.deep.equal(link);
        expectSome(expectRight(await repo.acquireLease(link.linkId, 'pipedrive', 'other', T1, T2)()));
      });

      it("leaves another holder's lease, and the other kind's, alone", async () => {
        const link = aLink({
          leases: { pipedrive: { holder: 'other', until: T2 }, vendor: { holder: 'me', until: T2 } },
        });
        expectRight(await repo.insert(link)());

        expectRight(await repo.releaseLease(link.linkId, 'pipedrive', 'me')());

        expect(expectSome(expectRight(await repo.findById(link.linkId)()))).to.deep.equal(link);
      });

      it('does nothing for an unknown link', async () => {
        const unknown = aLinkId();

        expectRight(await repo.releaseLease(unknown, 'vendor', 'me')());

        expectNone(expectRight(await repo.findById(unknown)()));
      });
    });

    describe('findByVendorUserId', () => {
      const zoom = aVendorId('zoom');
      const withVendorUser = (vendorUserId: string): VendorGrant => ({ ...aFullVendorGrant(), vendorUserId });

      it('finds every link of that vendor user, across companies, and no other', async () => {
        const inOneCompany = aLink({
          vendor: zoom,
          pipedrive: aPipedriveGrant(),
          vendorGrant: withVendorUser('zoom-user-a'),
        });
        const inAnotherCompany = aLink({ vendor: zoom, status: 'pending', vendorGrant: withVendorUser('zoom-user-a') });
        const otherUser = aLink({ vendor: zoom, vendorGrant: withVendorUser('zoom-user-b') });
        const otherVendor = aLink({ vendor: aVendorId('other-vendor'), vendorGrant: withVendorUser('zoom-user-a') });
        const noVendorGrant = aLink({ vendor: zoom, companyId: inOneCompany.companyId });
        const grantWithoutUser = aLink({ vendor: zoom, vendorGrant: { accessToken: sealed('no-user-id') } });
        for (const link of [inOneCompany, inAnotherCompany, otherUser, otherVendor, noVendorGrant, grantWithoutUser]) {
          expectRight(await repo.insert(link)());
        }

        const found = expectRight(await repo.findByVendorUserId(zoom, 'zoom-user-a')());

        expect(found).to.have.length(2);
        expect(found).to.have.deep.members([inOneCompany, inAnotherCompany]);
        expect(expectRight(await repo.findByVendorUserId(zoom, 'zoom-user-b')())).to.deep.equal([otherUser]);
      });

      it('answers an empty list for a vendor user with no link, and for an empty store', async () => {
        expect(expectRight(await repo.findByVendorUserId(zoom, 'nobody')())).to.deep.equal([]);
        expectRight(await repo.insert(aLink({ vendor: zoom, vendorGrant: withVendorUser('zoom-user-a') }))());

        expect(expectRight(await repo.findByVendorUserId(zoom, 'nobody')())).to.deep.equal([]);
        expect(expectRight(await repo.findByVendorUserId(zoom, 'ZOOM-USER-A')())).to.deep.equal([]);
      });

      it('no longer finds a link once its vendor grant is dropped', async () => {
        const link = aLink({ vendor: zoom, pipedrive: aPipedriveGrant(), vendorGrant: withVendorUser('zoom-user-a') });
        expectRight(await repo.insert(link)());

        expectSome(expectRight(await repo.dropGrants(link.linkId, 'needs_reauth', T2)()));

        expect(expectRight(await repo.findByVendorUserId(zoom, 'zoom-user-a')())).to.deep.equal([]);
      });
    });

    describe('remove', () => {
      it('answers true when it removed the link, then false', async () => {
        const link = aLink();
        const other = aLink();
        expectRight(await repo.insert(link)());
        expectRight(await repo.insert(other)());

        expect(expectRight(await repo.remove(link.linkId)())).to.equal(true);
        expectNone(expectRight(await repo.findById(link.linkId)()));
        expect(expectRight(await repo.remove(link.linkId)())).to.equal(false);
        expect(expectSome(expectRight(await repo.findById(other.linkId)()))).to.deep.equal(other);
      });

      it('frees the company and user for a new link', async () => {
        const link = aLink();
        expectRight(await repo.insert(link)());
        expectRight(await repo.remove(link.linkId)());

        expectRight(await repo.insert(aLink({ companyId: link.companyId, userId: link.userId }))());
      });
    });

    describe('ping', () => {
      it('answers when the store is reachable', async () => {
        expect(expectRight(await repo.ping()())).to.equal(undefined);
      });
    });
  });
}
