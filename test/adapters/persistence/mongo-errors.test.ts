import { expect } from 'chai';
import { MongoNetworkError, MongoServerSelectionError } from 'mongodb';

import { toStoreUnavailable } from '../../../src/adapters/persistence/mongo/errors.js';

describe('MongoDB failures as values', () => {
  it('turns driver errors into StoreUnavailable naming the operation', () => {
    const failure = toStoreUnavailable('links.findById', new MongoNetworkError('connection 3 to 10.0.0.5:27017 closed'));
    expect(failure._tag).to.equal('StoreUnavailable');
    expect(failure.message).to.match(/^links\.findById failed: MongoNetworkError: connection 3/);
  });

  it('turns a bare socket error (EPIPE while the server goes away) into StoreUnavailable', () => {
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    expect(toStoreUnavailable('meetings.insert', epipe).message).to.equal(
      'meetings.insert failed: the connection to the store broke (EPIPE)',
    );
  });

  it('never repeats a connection string from a driver message', () => {
    const error = new MongoServerSelectionError('could not reach mongodb://admin:hunter2@db.internal:27017/app', {
      type: 'Unknown',
      servers: new Map(),
      stale: false,
      compatible: true,
      heartbeatFrequencyMS: 10000,
      localThresholdMS: 15,
      setName: null,
      maxElectionId: null,
      maxSetVersion: null,
      commonWireVersion: 0,
      logicalSessionTimeoutMinutes: null,
    } as never);
    const message = toStoreUnavailable('ping', error).message;
    expect(message).not.to.contain('hunter2');
    expect(message).to.contain('<connection string>');
  });

  it('rethrows what is not a store failure: a defect must reach the defect handler', () => {
    const bug = new TypeError('cannot read properties of undefined');
    expect(() => toStoreUnavailable('links.insert', bug)).to.throw(TypeError);
    const unrelated = Object.assign(new Error('no such file'), { code: 'ENOENT' });
    expect(() => toStoreUnavailable('links.insert', unrelated)).to.throw('no such file');
  });
});
