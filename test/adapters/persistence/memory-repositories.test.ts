import { MemoryLinkRepository } from '../../../src/adapters/persistence/memory/memory-link-repository.js';
import { MemoryMeetingRepository } from '../../../src/adapters/persistence/memory/memory-meeting-repository.js';
import { describeLinkRepositoryContract } from '../../contract/link-repository.contract.js';
import { describeMeetingRepositoryContract } from '../../contract/meeting-repository.contract.js';

const nothingToClean = (): Promise<void> => Promise.resolve();

describeLinkRepositoryContract('MemoryLinkRepository', () =>
  Promise.resolve({ repo: new MemoryLinkRepository(), cleanup: nothingToClean }),
);

describeMeetingRepositoryContract('MemoryMeetingRepository', () =>
  Promise.resolve({ repo: new MemoryMeetingRepository(), cleanup: nothingToClean }),
);
