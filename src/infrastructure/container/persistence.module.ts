import { ContainerModule } from 'inversify';
import type { Db } from 'mongodb';

import { LinkRepository } from '../../application/ports/link-repository.js';
import { MeetingRepository } from '../../application/ports/meeting-repository.js';
import { UsedOAuthStates } from '../../application/ports/oauth-state.js';
import { CreateClaims } from '../../application/ports/create-claims.js';
import { PendingCreates } from '../../application/ports/pending-creates.js';
import { MemoryCreateClaims } from '../../adapters/persistence/memory/memory-create-claims.js';
import { MemoryPendingCreates } from '../../adapters/persistence/memory/memory-pending-creates.js';
import { MongoCreateClaims } from '../../adapters/persistence/mongo/mongo-create-claims.js';
import { MongoPendingCreates } from '../../adapters/persistence/mongo/mongo-pending-creates.js';
import { gated, OPEN_GATE, type StoreGate } from '../../adapters/persistence/mongo/store-gate.js';
import { MemoryLinkRepository } from '../../adapters/persistence/memory/memory-link-repository.js';
import { MemoryMeetingRepository } from '../../adapters/persistence/memory/memory-meeting-repository.js';
import { MemoryUsedOAuthStates } from '../../adapters/persistence/memory/memory-used-oauth-states.js';
import { MongoLinkRepository } from '../../adapters/persistence/mongo/mongo-link-repository.js';
import { MongoMeetingRepository } from '../../adapters/persistence/mongo/mongo-meeting-repository.js';
import { MongoUsedOAuthStates } from '../../adapters/persistence/mongo/mongo-used-oauth-states.js';

/** The in-process store: development and tests only. */
export const memoryPersistenceModule = (): ContainerModule =>
  new ContainerModule(({ bind }) => {
    bind<LinkRepository>(LinkRepository).toConstantValue(new MemoryLinkRepository());
    bind<MeetingRepository>(MeetingRepository).toConstantValue(new MemoryMeetingRepository());
    bind<UsedOAuthStates>(UsedOAuthStates).toConstantValue(new MemoryUsedOAuthStates());
    bind<PendingCreates>(PendingCreates).toConstantValue(new MemoryPendingCreates());
    bind<CreateClaims>(CreateClaims).toConstantValue(new MemoryCreateClaims());
  });

/** MongoDB through the official driver; the connection is opened and closed by the caller. */
export const mongoPersistenceModule = (db: Db, gate: StoreGate = OPEN_GATE): ContainerModule =>
  new ContainerModule(({ bind }) => {
    bind<LinkRepository>(LinkRepository).toConstantValue(gated(new MongoLinkRepository(db), gate, 'links'));
    bind<MeetingRepository>(MeetingRepository).toConstantValue(gated(new MongoMeetingRepository(db), gate, 'meetings'));
    bind<UsedOAuthStates>(UsedOAuthStates).toConstantValue(gated(new MongoUsedOAuthStates(db), gate, 'oauth_states'));
    bind<PendingCreates>(PendingCreates).toConstantValue(gated(new MongoPendingCreates(db), gate, 'pending_creates'));
    bind<CreateClaims>(CreateClaims).toConstantValue(gated(new MongoCreateClaims(db), gate, 'create_claims'));
  });
