import { expect } from 'chai';

import type { LinkRepository } from '../../src/application/ports/link-repository.js';
import { expectLeft, expectNone, expectRight, expectSome } from '../support/either.js';
import { aLink, aLinkId, T2 } from '../support/fixtures.js';

export interface LinkRepositorySubject {
  readonly repo: LinkRepository;
  cleanup(): Promise<void>;
}

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
