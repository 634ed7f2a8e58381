#!/usr/bin/python3
"""MongoDB-wire-compatible stand-in server for tests (mockupdb + mongomock).

What it is
    An in-memory server that the official MongoDB drivers accept as a standalone mongod
    (maxWireVersion 17, i.e. MongoDB 6.0). No real mongod can be installed on our build
    machines, so persistence tests talk to this over a real TCP socket instead.
      - mockupdb (MongoDB's own wire-protocol test server for PyMongo) parses OP_MSG and the
        legacy OP_QUERY handshake, and frames replies.
      - mongomock evaluates filters, update operators, projections, sorts and aggregation.
      - This file owns everything in between: command routing and reply shapes, cursors,
        index metadata, unique-index enforcement with real E11000 errors, and TTL expiry.
    Commands run one at a time, so each single-document operation is atomic.

What it cannot do
    - Transactions and change streams (like any standalone mongod), causal consistency.
    - arrayFilters, pipeline-style updates, collation (other than "simple"), `let`.
    - $text and geo queries, validators/$jsonSchema, views, capped or time-series
      collections, explain, serverStatus, authentication, TLS, wire compression.
    - Persistence: data lives in this process only; a restart starts empty.
    - Dates outside years 1-9999 (e.g. new Date(8.64e15) as "never"): Python cannot hold
      them, so the connection that sends one is closed (the driver sees a network error).
    - Field names containing "." or starting with "$" (mongod 5.0+ accepts some).
    - mongomock is a re-implementation of the query language, not MongoDB: comparisons on
      Decimal128, $expr over documents missing a field, and other exotic operators or
      type-mixing edge cases may differ or fail (code 238 NotImplemented, or 1 with a
      traceback on stderr).
    Everything it rejects fails loudly (an error reply) rather than being silently ignored.
    A green run here does not prove the code on MongoDB: run the same suites against a real
    server (MONGODB_URI) wherever one exists.

Usage
    /usr/bin/python3 server.py [--port N] [--verbose] [--exit-on-stdin-eof]
    Binds 127.0.0.1 (port 0 or absent: a free port) and prints exactly one line,
    "LISTENING <port>", on stdout once it accepts connections. SIGTERM/SIGINT exit cleanly.
"""

import argparse
import base64
import datetime
import errno
import itertools
import json
import math
import os
import random
import signal
import sys
import threading
import time
import traceback
from collections import OrderedDict

INSTALL_HINT = 'apt-get install -y --no-install-recommends python3-mockupdb python3-mongomock'
EXIT_MISSING_MODULES = 3  # the Node launcher maps this exit code to INSTALL_HINT

try:
    import bson
    import bson.errors
    import mockupdb
    import mongomock
    import mongomock.collection
    import mongomock.helpers
    from bson.binary import Binary, UuidRepresentation
    from bson.codec_options import CodecOptions
    from bson.decimal128 import Decimal128
    from bson.int64 import Int64
    from bson.objectid import ObjectId
    from mongomock import DuplicateKeyError, InvalidName, OperationFailure
    from mongomock.filtering import filter_applies
except ImportError as missing:
    sys.stderr.write(
        'mongo-standin: cannot import Python module %r (%s).\n'
        'mongo-standin: run it with /usr/bin/python3 and install the modules with: %s\n'
        % (missing.name, missing, INSTALL_HINT))
    sys.exit(EXIT_MISSING_MODULES)


BIND_HOST = '127.0.0.1'
# 17 = MongoDB 6.0: new enough for driver v7 (which needs 8+); keeps the driver from
# expecting 7.0+ server behaviour that mongomock cannot provide.
MAX_WIRE_VERSION = 17
SERVER_VERSION = '6.0.0'
FEATURE_COMPATIBILITY_VERSION = '6.0'
MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024
MAX_MESSAGE_SIZE_BYTES = 48000000
MAX_WRITE_BATCH_SIZE = 100000
SESSION_TIMEOUT_MINUTES = 30  # advertising this is what makes drivers allow sessions
DEFAULT_FIRST_BATCH_SIZE = 101  # mongod's default for find and aggregate
MAX_BATCH_BYTES = MAX_BSON_OBJECT_SIZE  # a reply must stay far below MAX_MESSAGE_SIZE_BYTES
CURSOR_IDLE_TIMEOUT = datetime.timedelta(minutes=10)  # mongod's cursorTimeoutMillis default

# Generic fields any command may carry. Handlers read only what they understand, so these
# are ignored implicitly; the list matters where a command must reject unknown options.
GENERIC_COMMAND_FIELDS = frozenset([
    '$db', 'lsid', '$clusterTime', 'txnNumber', 'writeConcern', 'readConcern',
    '$readPreference', 'apiVersion', 'apiStrict', 'apiDeprecationErrors', 'comment',
    'maxTimeMS',
])


class Code:
    """The MongoDB error codes this server produces (drivers branch on code and codeName)."""
    INTERNAL_ERROR = 1
    BAD_VALUE = 2
    FAILED_TO_PARSE = 9
    UNAUTHORIZED = 13
    ILLEGAL_OPERATION = 20
    NAMESPACE_NOT_FOUND = 26
    INDEX_NOT_FOUND = 27
    CURSOR_NOT_FOUND = 43
    NAMESPACE_EXISTS = 48
    INVALID_ID_FIELD = 53
    COMMAND_NOT_FOUND = 59
    CANNOT_CREATE_INDEX = 67
    INVALID_OPTIONS = 72
    INVALID_NAMESPACE = 73
    INDEX_OPTIONS_CONFLICT = 85
    INDEX_KEY_SPECS_CONFLICT = 86
    NOT_IMPLEMENTED = 238
    DUPLICATE_KEY = 11000


CODE_NAMES = {
    Code.INTERNAL_ERROR: 'InternalError',
    Code.BAD_VALUE: 'BadValue',
    Code.FAILED_TO_PARSE: 'FailedToParse',
    Code.UNAUTHORIZED: 'Unauthorized',
    Code.ILLEGAL_OPERATION: 'IllegalOperation',
    Code.NAMESPACE_NOT_FOUND: 'NamespaceNotFound',
    Code.INDEX_NOT_FOUND: 'IndexNotFound',
    Code.CURSOR_NOT_FOUND: 'CursorNotFound',
    Code.NAMESPACE_EXISTS: 'NamespaceExists',
    Code.INVALID_ID_FIELD: 'InvalidIdField',
    Code.COMMAND_NOT_FOUND: 'CommandNotFound',
    Code.CANNOT_CREATE_INDEX: 'CannotCreateIndex',
    Code.INVALID_OPTIONS: 'InvalidOptions',
    Code.INVALID_NAMESPACE: 'InvalidNamespace',
    Code.INDEX_OPTIONS_CONFLICT: 'IndexOptionsConflict',
    Code.INDEX_KEY_SPECS_CONFLICT: 'IndexKeySpecsConflict',
    Code.NOT_IMPLEMENTED: 'NotImplemented',
    Code.DUPLICATE_KEY: 'DuplicateKey',
}


class CommandError(Exception):
    """A failure to report to the client as {ok: 0, code, codeName, errmsg, ...extra}."""

    def __init__(self, code, message, **extra):
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra


def not_implemented(feature):
    return CommandError(
        Code.NOT_IMPLEMENTED,
        '%s is not supported by the mongo-standin test server (mockupdb+mongomock); '
        'run this test against a real MongoDB via MONGODB_URI' % feature)


def log(message):
    try:
        sys.stderr.write('mongo-standin: %s\n' % message)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # stderr gone (parent exited); never let logging kill a request


# --------------------------------------------------------------------------------------
# BSON fidelity and mongomock adaptations
# --------------------------------------------------------------------------------------

def utcnow_ms():
    """Naive UTC now truncated to BSON's millisecond precision.

    mongomock stamps $currentDate with microseconds; the client only ever sees
    milliseconds, so an optimistic-concurrency filter built from a value read back would
    never match the stored one again.
    """
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def configure_libraries():
    """Adapt mockupdb and mongomock to what a Node driver sends; fail fast if they changed.

    Relies on internals of the Debian bookworm versions (mockupdb 1.8, mongomock 4.1): the
    names checked below, plus MockupDB._address and Collection._store. A newer version
    without them must break here, loudly, rather than in some test much later.
    """
    probe = mongomock.MongoClient()['probe']['probe']
    problems = [name for name, present in [
        ('mockupdb.CODEC_OPTIONS', hasattr(mockupdb, 'CODEC_OPTIONS')),
        ('mockupdb.mock_server_receive_request', hasattr(mockupdb, 'mock_server_receive_request')),
        ('mongomock.collection._updaters', '$inc' in getattr(mongomock.collection, '_updaters', {})),
        ('mongomock Collection._ensure_uniques', hasattr(mongomock.collection.Collection, '_ensure_uniques')),
        ('mongomock Collection._store.indexes',
         isinstance(getattr(getattr(probe, '_store', None), 'indexes', None), dict)),
    ] if not present]
    if problems:
        raise SystemExit(
            'mongo-standin: mockupdb %s / mongomock %s lack internals this bridge relies on '
            '(%s); it was written against mockupdb 1.8 and mongomock 4.1 (Debian bookworm).'
            % (mockupdb.__version__, mongomock.__version__, ', '.join(problems)))

    # PyMongo 3's default (PYTHON_LEGACY) decodes UUID binaries (subtype 4) into uuid.UUID
    # and re-encodes them as subtype 3. UNSPECIFIED keeps every Binary exactly as sent.
    mockupdb.CODEC_OPTIONS = CodecOptions(
        document_class=OrderedDict, uuid_representation=UuidRepresentation.UNSPECIFIED)
    mockupdb.mock_server_receive_request = receive_request_or_disconnect(
        mockupdb.mock_server_receive_request)
    mongomock.utcnow = utcnow_ms
    mongomock.collection._updaters['$inc'] = inc_keeping_int64(mongomock.collection._updaters['$inc'])
    # mongomock's own check ignores partialFilterExpression for existing documents, treats
    # true as equal to 1 and reports no index or key; ours matches mongod.
    mongomock.collection.Collection._ensure_uniques = ensure_unique_indexes


def receive_request_or_disconnect(receive):
    """Turn an unreadable message into a closed connection instead of a hung client.

    mockupdb's connection loop only handles socket errors; anything else (an opcode it
    does not know such as OP_COMPRESSED, a date BSON allows but Python cannot represent)
    kills the connection's thread and leaves the client waiting for a reply forever.
    """
    def receive_or_disconnect(client, server):
        try:
            return receive(client, server)
        except OSError:
            raise
        except Exception as exc:  # pylint: disable=broad-except
            log('closing a connection whose message could not be read: %s: %s' % (type(exc).__name__, exc))
            raise ConnectionResetError(errno.ECONNRESET, str(exc)) from exc
    return receive_or_disconnect


def inc_keeping_int64(increment):
    """$inc that keeps int64 fields int64, as mongod does (Python's Int64 + int is an int)."""
    def value_at(container, field):
        if isinstance(container, dict):
            return field, container.get(field)
        if isinstance(container, list) and field.isdigit() and int(field) < len(container):
            return int(field), container[int(field)]
        return None, None

    def inc(container, field, amount):
        _, before = value_at(container, field)
        increment(container, field, amount)
        key, after = value_at(container, field)
        if type(after) is int and (isinstance(before, Int64) or isinstance(amount, Int64)):
            container[key] = Int64(after)
    return inc


def index_table(collection):
    """The collection's secondary indexes: name -> {'key': [(field, direction)], **options}.

    Index metadata lives in mongomock's store so that drop/dropDatabase and "does this
    collection exist" stay consistent with mongomock. Deliberately bypasses
    CollectionStore.create_index: that would also enable mongomock's own TTL expiry, which
    ignores partialFilterExpression; expire_documents() below does it properly.
    """
    return collection._store.indexes


def with_id_first(document):
    """mongod stores _id as the first field; mongomock appends it (inserts, upserts)."""
    if not document or next(iter(document)) == '_id' or '_id' not in document:
        return document
    reordered = OrderedDict([('_id', document['_id'])])
    reordered.update((key, value) for key, value in document.items() if key != '_id')
    return reordered


def move_stored_id_first(collection, document_id):
    # mongomock keys documents whose _id is a subdocument by a hashable copy of it.
    store_key = mongomock.helpers.hashdict(document_id) if isinstance(document_id, dict) else document_id
    stored = collection._store[store_key]
    reordered = with_id_first(stored)
    if reordered is not stored:
        stored.clear()
        stored.update(reordered)


# --------------------------------------------------------------------------------------
# Index keys: unique enforcement and E11000 errors the way mongod reports them
# --------------------------------------------------------------------------------------

_EMPTY_ARRAY_KEY = ('undefined',)  # mongod indexes [] as undefined, distinct from null


def _values_at(value, parts):
    """Every value a multikey index sees at a dotted path; empty when the path is missing."""
    if not parts:
        return [value]
    head, rest = parts[0], parts[1:]
    if isinstance(value, dict):
        return _values_at(value[head], rest) if head in value else []
    if isinstance(value, list):
        if head.isdigit() and int(head) < len(value):
            return _values_at(value[int(head)], rest)
        found = []
        for element in value:
            if isinstance(element, dict):
                found.extend(_values_at(element, parts))
        return found
    return []


def _index_values(document, field):
    """(present, values) for one indexed field; arrays contribute one key per element."""
    found = _values_at(document, field.split('.'))
    if not found:
        return False, [None]
    values = []
    for value in found:
        if isinstance(value, list):
            values.extend(value if value else [[]])
        else:
            values.append(value)
    return True, values


def comparable(value):
    """A hashable form that is equal exactly when mongod's index considers values equal.

    Python alone gets this wrong: True == 1, and dicts/lists are unhashable. Numbers of
    different BSON types (int32, int64, double, decimal) do compare equal, as in mongod.
    """
    if value is None:
        return ('null',)
    if isinstance(value, bool):
        return ('bool', value)
    if isinstance(value, float) and math.isnan(value):
        return ('nan',)
    if isinstance(value, (int, float)):
        return ('number', value)
    if isinstance(value, Decimal128):
        return ('number', value.to_decimal())
    if isinstance(value, str):
        return ('string', value)
    if isinstance(value, Binary):
        return ('binary', value.subtype, bytes(value))
    if isinstance(value, bytes):
        return ('binary', 0, value)
    if isinstance(value, ObjectId):
        return ('objectId', value)
    if isinstance(value, datetime.datetime):
        return ('date', value)
    if isinstance(value, dict):
        return ('object', tuple((key, comparable(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ('array', tuple(comparable(item) for item in value)) if value else _EMPTY_ARRAY_KEY
    return (type(value).__name__, repr(value))


def index_entries(document, index):
    """{comparable key: raw key values} that `document` contributes to `index`."""
    partial = index.get('partialFilterExpression')
    if partial is not None and not filter_applies(partial, document):
        return {}
    any_present = False
    per_field = []
    for field, _direction in index['key']:
        present, values = _index_values(document, field)
        any_present = any_present or present
        per_field.append(values)
    if index.get('sparse') and not any_present:
        return {}
    return {tuple(comparable(value) for value in combination): combination
            for combination in itertools.product(*per_field)}


def shell_repr(value):
    """Render a key value the way mongod's E11000 messages do."""
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, ObjectId):
        return "ObjectId('%s')" % value
    if isinstance(value, datetime.datetime):
        epoch = datetime.datetime(1970, 1, 1)
        return 'new Date(%d)' % ((value - epoch) // datetime.timedelta(milliseconds=1))
    if isinstance(value, dict):
        return '{ %s }' % ', '.join('%s: %s' % (key, shell_repr(item)) for key, item in value.items())
    if isinstance(value, list):
        return '[ %s ]' % ', '.join(shell_repr(item) for item in value)
    if isinstance(value, bytes):
        subtype = value.subtype if isinstance(value, Binary) else 0
        return 'BinData(%d, %s)' % (subtype, base64.b64encode(bytes(value)).decode())
    return str(value)


class DetailedDuplicateKeyError(DuplicateKeyError):
    """A DuplicateKeyError (so mongomock rolls the write back) carrying what mongod reports.

    PyMongo's own `details` would be appended to str(exc), so they are kept separately.
    """

    def __init__(self, errmsg, key_pattern, key_value):
        super().__init__(errmsg, Code.DUPLICATE_KEY)
        self.errmsg = errmsg
        self.key_fields = OrderedDict([('keyPattern', key_pattern), ('keyValue', key_value)])


def duplicate_key_error(collection, index_name, key, values, prefix=''):
    key_pattern = OrderedDict(key)
    key_value = OrderedDict((field, value) for (field, _), value in zip(key, values))
    message = '%sE11000 duplicate key error collection: %s.%s index: %s dup key: %s' % (
        prefix, collection.database.name, collection.name, index_name, shell_repr(key_value))
    return DetailedDuplicateKeyError(message, key_pattern, key_value)


def duplicate_id_error(collection, document_id):
    return duplicate_key_error(collection, '_id_', [('_id', 1)], [document_id])


def ensure_unique_indexes(self, new_document):
    """Replacement for mongomock's Collection._ensure_uniques (see configure_libraries).

    mongomock calls it with the new or updated document already stored, and rolls the
    write back when it raises.
    """
    own_id = comparable(new_document.get('_id'))
    others = None
    for name, index in index_table(self).items():
        if not index.get('unique'):
            continue
        entries = index_entries(new_document, index)
        if not entries:
            continue
        if others is None:
            # Materialised: abandoning mongomock's document generator mid-way would leave
            # its store's reader lock held and deadlock the rollback that follows.
            others = [doc for doc in self._store.documents
                      if comparable(doc.get('_id')) != own_id]
        for other in others:
            clash = entries.keys() & index_entries(other, index).keys()
            if clash:
                raise duplicate_key_error(self, name, index['key'], entries[next(iter(clash))])


def first_duplicate(collection, index):
    """The first key that violates `index` among existing documents, or None."""
    seen = set()
    for document in collection.find():
        for key, values in index_entries(document, index).items():
            if key in seen:
                return values
            seen.add(key)
    return None


# --------------------------------------------------------------------------------------
# Error translation
# --------------------------------------------------------------------------------------

def error_fields(exc):
    """MongoDB error fields (code, codeName, errmsg, extras) for anything a command raised."""
    extra = {}
    if isinstance(exc, CommandError):
        code, message, extra = exc.code, exc.message, exc.extra
    elif isinstance(exc, DetailedDuplicateKeyError):
        code, message, extra = Code.DUPLICATE_KEY, exc.errmsg, exc.key_fields
    elif isinstance(exc, OperationFailure):
        code, message = exc.code or Code.BAD_VALUE, str(exc)
    elif isinstance(exc, InvalidName):
        code, message = Code.INVALID_NAMESPACE, str(exc)
    elif isinstance(exc, NotImplementedError):
        code, message = Code.NOT_IMPLEMENTED, not_implemented('this operation (%s)' % exc).message
    elif isinstance(exc, (ValueError, bson.errors.InvalidDocument)):
        code, message = Code.BAD_VALUE, str(exc)
    else:
        # A bug or a gap in mongomock, not a client mistake: keep the traceback.
        log('internal error:\n' + ''.join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        code, message = Code.INTERNAL_ERROR, 'mongo-standin internal error: %s: %s' % (
            type(exc).__name__, exc)
    return code, message, extra


def write_error(index, exc):
    code, message, extra = error_fields(exc)
    entry = OrderedDict([('index', index), ('code', code)])
    entry.update(extra)
    entry['errmsg'] = message
    return entry


# --------------------------------------------------------------------------------------
# Engine: the data, cursors and TTL; everything runs under one lock
# --------------------------------------------------------------------------------------

class Cursor:
    """A materialised result set: a snapshot, like a mongod cursor under snapshot reads."""

    def __init__(self, namespace, documents):
        self.namespace = namespace
        self.documents = documents
        self.last_used = time.monotonic()


class Engine:
    def __init__(self):
        self.client = mongomock.MongoClient()
        self.cursors = {}
        # mockupdb already serialises requests, but correctness (atomic findAndModify,
        # unique checks) must not depend on that implementation detail.
        self.lock = threading.Lock()

    def database(self, db_name):
        return self.client[db_name]

    def collection(self, db_name, name):
        if not isinstance(name, str) or not name:
            raise CommandError(Code.INVALID_NAMESPACE,
                               'collection name has invalid type %s' % type(name).__name__)
        return self.client[db_name][name]

    def collection_exists(self, db_name, name):
        return name in self.client[db_name].list_collection_names()

    # Cursors ---------------------------------------------------------------------------

    def open_cursor(self, namespace, documents, batch_size=None, single_batch=False):
        first_batch, rest = split_batch(
            documents, DEFAULT_FIRST_BATCH_SIZE if batch_size is None else batch_size)
        cursor_id = 0
        if rest and not single_batch:
            cursor_id = self._new_cursor_id()
            self.cursors[cursor_id] = Cursor(namespace, rest)
        return {'cursor': OrderedDict([
            ('firstBatch', first_batch), ('id', Int64(cursor_id)), ('ns', namespace)])}

    def next_batch(self, cursor_id, namespace, batch_size):
        cursor = self.cursors.get(cursor_id)
        if cursor is None or cursor.namespace != namespace:
            raise CommandError(Code.CURSOR_NOT_FOUND, 'cursor id %d not found' % cursor_id)
        batch, cursor.documents = split_batch(cursor.documents, batch_size)
        cursor.last_used = time.monotonic()
        if not cursor.documents:
            del self.cursors[cursor_id]
            cursor_id = 0
        return {'cursor': OrderedDict([
            ('nextBatch', batch), ('id', Int64(cursor_id)), ('ns', cursor.namespace)])}

    def kill_cursors(self, namespace, cursor_ids):
        killed, not_found = [], []
        for cursor_id in cursor_ids:
            cursor = self.cursors.get(cursor_id)
            if cursor is not None and cursor.namespace == namespace:
                del self.cursors[cursor_id]
                killed.append(Int64(cursor_id))
            else:
                not_found.append(Int64(cursor_id))
        return killed, not_found

    def forget_cursors(self, namespace_prefix):
        for cursor_id in [cursor_id for cursor_id, cursor in self.cursors.items()
                          if cursor.namespace.startswith(namespace_prefix)]:
            del self.cursors[cursor_id]

    def _new_cursor_id(self):
        while True:
            cursor_id = random.getrandbits(62) + 1  # positive, non-zero int64
            if cursor_id not in self.cursors:
                return cursor_id

    # Background-ish housekeeping, run before every command -----------------------------

    def housekeeping(self):
        self.expire_documents()
        idle_since = time.monotonic() - CURSOR_IDLE_TIMEOUT.total_seconds()
        for cursor_id in [cursor_id for cursor_id, cursor in self.cursors.items()
                          if cursor.last_used < idle_since]:
            del self.cursors[cursor_id]

    def expire_documents(self):
        """Delete documents past their TTL, as mongod's TTL monitor does.

        Runs before every command rather than every 60 s: clients can only observe
        expiry through a command, and tests should not have to wait a minute.
        """
        now = utcnow_ms()
        for db_name in self.client.list_database_names():
            database = self.client[db_name]
            for name in database.list_collection_names():
                collection = database[name]
                for index in list(index_table(collection).values()):
                    seconds = index.get('expireAfterSeconds')
                    if seconds is None or len(index['key']) != 1:
                        continue
                    cutoff = now - datetime.timedelta(seconds=float(seconds))
                    field = index['key'][0][0]
                    scope = index.get('partialFilterExpression') or {}
                    expired = [doc['_id'] for doc in collection.find(scope, {field: 1})
                               if _is_expired(doc, field, cutoff)]
                    if expired:
                        collection.delete_many({'_id': {'$in': expired}})


def _is_expired(document, field, cutoff):
    # For an array, mongod uses the earliest date; non-date values never expire.
    _present, values = _index_values(document, field)
    dates = [value for value in values if isinstance(value, datetime.datetime)]
    return bool(dates) and min(dates) <= cutoff


def split_batch(documents, max_count):
    """Cut a batch like mongod: at most max_count documents (None: no limit), ~16 MiB."""
    size = 0
    count = 0
    for document in documents:
        if max_count is not None and count >= max_count:
            break
        size += len(bson.encode(document))
        if count and size > MAX_BATCH_BYTES:
            break
        count += 1
    return documents[:count], documents[count:]


# --------------------------------------------------------------------------------------
# Command parsing helpers
# --------------------------------------------------------------------------------------

COMMANDS = {}


def command(*names):
    def register(handler):
        for name in names:
            COMMANDS[name] = handler
        return handler
    return register


def collection_name(cmd):
    return next(iter(cmd.values()))


def reject_unsupported_options(spec):
    """Fail on options whose semantics the stand-in would otherwise silently get wrong."""
    collation = spec.get('collation')
    if collation and collation.get('locale') != 'simple':
        raise not_implemented('collation')
    if spec.get('let'):
        raise not_implemented('let variables')
    if spec.get('arrayFilters'):
        raise not_implemented('arrayFilters')


def sort_spec(sort):
    if not sort:
        return None
    spec = []
    for field, direction in sort.items():
        if isinstance(direction, dict):
            raise not_implemented('sorting by %s' % json.dumps(direction, default=str))
        if direction not in (1, -1):
            raise CommandError(Code.BAD_VALUE, '$sort key ordering must be 1 (for ascending) or -1 (for descending)')
        spec.append((field, int(direction)))
    return spec


def projection_spec(projection):
    # PyMongo-3-era mongomock reads an empty projection as "_id only"; mongod returns all.
    return projection or None


def non_negative_int(cmd, field):
    value = cmd.get(field) or 0
    if not isinstance(value, (int, float)) or value < 0:
        raise CommandError(Code.BAD_VALUE, "'%s' must be a non-negative number" % field)
    return int(value)


def batch_size_of(spec):
    value = spec.get('batchSize')
    if value is None:
        return None
    if not isinstance(value, (int, float)) or value < 0:
        raise CommandError(Code.BAD_VALUE, 'batchSize must be non-negative')
    return int(value)


def is_operator_update(update):
    return bool(update) and next(iter(update)).startswith('$')


def upsert_id_candidate(query, update):
    """The _id an upsert would insert, to report a duplicate _id precisely."""
    if is_operator_update(update):
        sources = [query, update.get('$setOnInsert') or {}, update.get('$set') or {}]
    else:
        sources = [query, update]
    for source in sources:
        value = source.get('_id')
        if value is not None and not (isinstance(value, dict) and is_operator_update(value)):
            return value
    return None


def apply_update(collection, statement):
    """Run one update statement ({q, u, upsert, multi}); returns mongomock's raw result."""
    reject_unsupported_options(statement)
    query = statement.get('q') or {}
    update = statement.get('u')
    upsert = bool(statement.get('upsert'))
    multi = bool(statement.get('multi'))
    if isinstance(update, list):
        raise not_implemented('pipeline-style updates')
    if not isinstance(update, dict):
        raise CommandError(Code.FAILED_TO_PARSE, "'u' must be a document")
    try:
        if is_operator_update(update):
            method = collection.update_many if multi else collection.update_one
            raw = method(query, update, upsert=upsert).raw_result
        else:
            if multi:
                raise CommandError(Code.FAILED_TO_PARSE,
                                   'multi update is not supported for replacement-style update')
            raw = collection.replace_one(query, update, upsert=upsert).raw_result
    except DuplicateKeyError as exc:
        if isinstance(exc, DetailedDuplicateKeyError):
            raise
        # mongomock's own _id check reports no details; only an upsert reaches it.
        raise duplicate_id_error(collection, upsert_id_candidate(query, update)) from exc
    if raw.get('upserted') is not None:
        move_stored_id_first(collection, raw['upserted'])
    return raw


def find_by_id(collection, document_id, projection):
    document = collection.find_one({'_id': document_id}, projection_spec(projection))
    return with_id_first(document) if document is not None else None


def write_reply(n, errors, **fields):
    reply = OrderedDict([('n', n)])
    reply.update(fields)
    if errors:
        reply['writeErrors'] = errors
    return reply


# --------------------------------------------------------------------------------------
# Commands: connection and server
# --------------------------------------------------------------------------------------

@command('hello', 'isMaster', 'ismaster')
def cmd_hello(engine, db_name, cmd):
    name = next(iter(cmd))
    # No topologyVersion on purpose: without it drivers poll instead of using the
    # streaming (exhaust) protocol, which mockupdb cannot serve.
    return OrderedDict([
        ('isWritablePrimary' if name == 'hello' else 'ismaster', True),
        ('helloOk', True),
        ('maxBsonObjectSize', MAX_BSON_OBJECT_SIZE),
        ('maxMessageSizeBytes', MAX_MESSAGE_SIZE_BYTES),
        ('maxWriteBatchSize', MAX_WRITE_BATCH_SIZE),
        ('localTime', datetime.datetime.now(datetime.timezone.utc)),
        ('logicalSessionTimeoutMinutes', SESSION_TIMEOUT_MINUTES),
        ('minWireVersion', 0),
        ('maxWireVersion', MAX_WIRE_VERSION),
        ('readOnly', False),
    ])


@command('ping', 'endSessions')
def cmd_noop(engine, db_name, cmd):
    return {}


@command('buildInfo', 'buildinfo')
def cmd_build_info(engine, db_name, cmd):
    return OrderedDict([
        ('version', SERVER_VERSION),
        ('gitVersion', 'mongo-standin (mockupdb %s, mongomock %s)'
         % (mockupdb.__version__, mongomock.__version__)),
        ('versionArray', [int(part) for part in SERVER_VERSION.split('.')] + [0]),
        ('bits', 64),
        ('debug', False),
        ('maxBsonObjectSize', MAX_BSON_OBJECT_SIZE),
        ('storageEngines', ['mongomock']),
        ('modules', []),
    ])


KNOWN_PARAMETERS = {'featureCompatibilityVersion': {'version': FEATURE_COMPATIBILITY_VERSION}}


@command('getParameter')
def cmd_get_parameter(engine, db_name, cmd):
    if cmd['getParameter'] == '*':
        return dict(KNOWN_PARAMETERS)
    requested = [key for key in cmd if key != 'getParameter' and key not in GENERIC_COMMAND_FIELDS]
    found = {key: KNOWN_PARAMETERS[key] for key in requested if key in KNOWN_PARAMETERS}
    if not found:
        raise CommandError(Code.INVALID_OPTIONS, 'no option found to get')
    return found


@command('listDatabases')
def cmd_list_databases(engine, db_name, cmd):
    if db_name != 'admin':
        raise CommandError(Code.UNAUTHORIZED, 'listDatabases may only be run against the admin database.')
    entries = []
    for name in sorted(engine.client.list_database_names()):
        entry = OrderedDict([('name', name)]) if cmd.get('nameOnly') else OrderedDict(
            [('name', name), ('sizeOnDisk', 0), ('empty', False)])
        if filter_applies(cmd.get('filter') or {}, entry):
            entries.append(entry)
    if cmd.get('nameOnly'):
        return {'databases': entries}
    return OrderedDict([('databases', entries), ('totalSize', 0), ('totalSizeMb', 0)])


# --------------------------------------------------------------------------------------
# Commands: writes
# --------------------------------------------------------------------------------------

@command('insert')
def cmd_insert(engine, db_name, cmd):
    collection = engine.collection(db_name, collection_name(cmd))
    ordered = cmd.get('ordered', True)
    inserted, errors = 0, []
    for index, document in enumerate(cmd.get('documents') or []):
        try:
            if isinstance(document.get('_id'), list):
                raise CommandError(Code.INVALID_ID_FIELD, "can't use an array for _id")
            if '_id' not in document:
                document['_id'] = ObjectId()
            try:
                collection.insert_one(with_id_first(document))
            except DuplicateKeyError as exc:
                if isinstance(exc, DetailedDuplicateKeyError):
                    raise
                # mongomock's own _id check reports no details.
                raise duplicate_id_error(collection, document['_id']) from exc
            inserted += 1
        except Exception as exc:  # pylint: disable=broad-except
            errors.append(write_error(index, exc))
            if ordered:
                break
    return write_reply(inserted, errors)


@command('update')
def cmd_update(engine, db_name, cmd):
    collection = engine.collection(db_name, collection_name(cmd))
    reject_unsupported_options(cmd)
    ordered = cmd.get('ordered', True)
    matched, modified, upserted, errors = 0, 0, [], []
    for index, statement in enumerate(cmd.get('updates') or []):
        try:
            raw = apply_update(collection, statement)
        except Exception as exc:  # pylint: disable=broad-except
            errors.append(write_error(index, exc))
            if ordered:
                break
            continue
        matched += raw['n']
        modified += raw['nModified']
        if raw.get('upserted') is not None:
            upserted.append(OrderedDict([('index', index), ('_id', raw['upserted'])]))
    fields = OrderedDict([('nModified', modified)])
    if upserted:
        fields['upserted'] = upserted
    return write_reply(matched, errors, **fields)


@command('delete')
def cmd_delete(engine, db_name, cmd):
    collection = engine.collection(db_name, collection_name(cmd))
    reject_unsupported_options(cmd)
    ordered = cmd.get('ordered', True)
    deleted, errors = 0, []
    for index, statement in enumerate(cmd.get('deletes') or []):
        try:
            reject_unsupported_options(statement)
            limit = statement.get('limit', 0)
            if limit not in (0, 1):
                raise CommandError(Code.FAILED_TO_PARSE, 'The limit field in delete objects must be 0 or 1. Got %s' % limit)
            query = statement.get('q') or {}
            result = collection.delete_one(query) if limit == 1 else collection.delete_many(query)
            deleted += result.deleted_count
        except Exception as exc:  # pylint: disable=broad-except
            errors.append(write_error(index, exc))
            if ordered:
                break
    return write_reply(deleted, errors)


@command('findAndModify', 'findandmodify')
def cmd_find_and_modify(engine, db_name, cmd):
    collection = engine.collection(db_name, collection_name(cmd))
    reject_unsupported_options(cmd)
    query = cmd.get('query') or {}
    update = cmd.get('update')
    remove = bool(cmd.get('remove'))
    upsert = bool(cmd.get('upsert'))
    return_new = bool(cmd.get('new'))
    fields = cmd.get('fields')
    if remove and update is not None:
        raise CommandError(Code.FAILED_TO_PARSE, 'Cannot specify both an update and remove=true')
    if remove and upsert:
        raise CommandError(Code.FAILED_TO_PARSE, 'Cannot specify both upsert=true and remove=true')
    if remove and return_new:
        raise CommandError(Code.FAILED_TO_PARSE,
                           "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document")
    if not remove and update is None:
        raise CommandError(Code.FAILED_TO_PARSE, 'Either an update or remove=true must be specified')

    target = next(collection.find(query, {'_id': 1}, sort=sort_spec(cmd.get('sort')), limit=1), None)
    if target is None:
        if not upsert:
            return OrderedDict([('lastErrorObject', {'n': 0, 'updatedExisting': False}), ('value', None)])
        raw = apply_update(collection, {'q': query, 'u': update, 'upsert': True})
        new_id = raw['upserted']
        return OrderedDict([
            ('lastErrorObject', OrderedDict([('n', 1), ('updatedExisting', False), ('upserted', new_id)])),
            ('value', find_by_id(collection, new_id, fields) if return_new else None),
        ])

    document_id = target['_id']
    before = find_by_id(collection, document_id, fields)
    if remove:
        collection.delete_one({'_id': document_id})
        return OrderedDict([('lastErrorObject', {'n': 1}), ('value', before)])
    # Keep the original query next to the pinned _id: the positional operator ($) resolves
    # the matched array element from it.
    pinned = OrderedDict(query)
    pinned['_id'] = document_id
    apply_update(collection, {'q': pinned, 'u': update})
    return OrderedDict([
        ('lastErrorObject', OrderedDict([('n', 1), ('updatedExisting', True)])),
        ('value', find_by_id(collection, document_id, fields) if return_new else before),
    ])


# --------------------------------------------------------------------------------------
# Commands: reads and cursors
# --------------------------------------------------------------------------------------

@command('find')
def cmd_find(engine, db_name, cmd):
    name = collection_name(cmd)
    collection = engine.collection(db_name, name)
    reject_unsupported_options(cmd)
    for option in ('tailable', 'awaitData', 'returnKey', 'showRecordId', 'min', 'max'):
        if cmd.get(option):
            raise not_implemented("find option '%s'" % option)
    limit = int(cmd.get('limit') or 0)
    single_batch = bool(cmd.get('singleBatch')) or limit < 0
    documents = collection.find(
        cmd.get('filter') or {},
        projection_spec(cmd.get('projection')),
        skip=non_negative_int(cmd, 'skip'),
        limit=abs(limit),
        sort=sort_spec(cmd.get('sort')),
    )
    return engine.open_cursor('%s.%s' % (db_name, name), [with_id_first(doc) for doc in documents],
                              batch_size_of(cmd), single_batch)


@command('getMore')
def cmd_get_more(engine, db_name, cmd):
    namespace = '%s.%s' % (db_name, cmd.get('collection'))
    return engine.next_batch(int(cmd['getMore']), namespace, batch_size_of(cmd))


@command('killCursors')
def cmd_kill_cursors(engine, db_name, cmd):
    namespace = '%s.%s' % (db_name, collection_name(cmd))
    killed, not_found = engine.kill_cursors(namespace, [int(cursor_id) for cursor_id in cmd.get('cursors') or []])
    return OrderedDict([('cursorsKilled', killed), ('cursorsNotFound', not_found),
                        ('cursorsAlive', []), ('cursorsUnknown', [])])


@command('count')
def cmd_count(engine, db_name, cmd):
    collection = engine.collection(db_name, collection_name(cmd))
    reject_unsupported_options(cmd)
    count = max(collection.count_documents(cmd.get('query') or {}) - non_negative_int(cmd, 'skip'), 0)
    limit = abs(int(cmd.get('limit') or 0))
    return {'n': min(count, limit) if limit else count}


@command('distinct')
def cmd_distinct(engine, db_name, cmd):
    collection = engine.collection(db_name, collection_name(cmd))
    reject_unsupported_options(cmd)
    if not isinstance(cmd.get('key'), str):
        raise CommandError(Code.FAILED_TO_PARSE, "'key' must be a string")
    return {'values': collection.distinct(cmd['key'], cmd.get('query') or {})}


def rewrite_stage(stage):
    """Express stages mongomock lacks through equivalent ones it has."""
    if len(stage) != 1:
        raise CommandError(Code.BAD_VALUE, 'A pipeline stage specification object must contain exactly one field.')
    (operator, argument), = stage.items()
    if operator == '$unset':
        fields = [argument] if isinstance(argument, str) else argument
        return {'$project': OrderedDict((field, 0) for field in fields)}
    if operator == '$replaceWith':
        return {'$replaceRoot': {'newRoot': argument}}
    return stage


@command('aggregate')
def cmd_aggregate(engine, db_name, cmd):
    name = cmd['aggregate']
    if not isinstance(name, str):
        raise not_implemented('database-level aggregation (aggregate: 1)')
    if cmd.get('explain'):
        raise not_implemented('explain')
    reject_unsupported_options(cmd)
    pipeline = cmd.get('pipeline')
    if not isinstance(pipeline, list):
        raise CommandError(Code.FAILED_TO_PARSE, "'pipeline' must be an array")
    pipeline = [rewrite_stage(stage) for stage in pipeline]
    documents = list(engine.collection(db_name, name).aggregate(pipeline))
    if pipeline and next(iter(pipeline[-1])) in ('$out', '$merge'):
        documents = []  # mongod returns nothing from a pipeline that writes its output
    return engine.open_cursor('%s.%s' % (db_name, name), documents,
                              batch_size_of(cmd.get('cursor') or {}))


# --------------------------------------------------------------------------------------
# Commands: collections, databases and indexes
# --------------------------------------------------------------------------------------

@command('create')
def cmd_create(engine, db_name, cmd):
    name = collection_name(cmd)
    options = [key for key, value in cmd.items()
               if key != 'create' and key not in GENERIC_COMMAND_FIELDS
               and value not in (None, False) and not (key == 'collation' and value.get('locale') == 'simple')]
    if options:
        raise not_implemented('create option(s) %s' % ', '.join(options))
    if engine.collection_exists(db_name, name):
        raise CommandError(Code.NAMESPACE_EXISTS, 'Collection %s.%s already exists.' % (db_name, name))
    engine.database(db_name).create_collection(name)
    return {}


@command('drop')
def cmd_drop(engine, db_name, cmd):
    name = collection_name(cmd)
    if not engine.collection_exists(db_name, name):
        raise CommandError(Code.NAMESPACE_NOT_FOUND, 'ns not found')
    indexes_was = len(index_table(engine.collection(db_name, name))) + 1
    engine.database(db_name).drop_collection(name)
    engine.forget_cursors('%s.%s' % (db_name, name))
    return OrderedDict([('nIndexesWas', indexes_was), ('ns', '%s.%s' % (db_name, name))])


@command('dropDatabase')
def cmd_drop_database(engine, db_name, cmd):
    engine.client.drop_database(db_name)
    engine.forget_cursors(db_name + '.')
    return {'dropped': db_name}


@command('listCollections')
def cmd_list_collections(engine, db_name, cmd):
    name_only = bool(cmd.get('nameOnly'))
    entries = []
    for name in sorted(engine.database(db_name).list_collection_names()):
        entry = OrderedDict([('name', name), ('type', 'collection')])
        if not name_only:
            entry['options'] = {}
            entry['info'] = {'readOnly': False}
            entry['idIndex'] = OrderedDict([('v', 2), ('key', {'_id': 1}), ('name', '_id_')])
        if filter_applies(cmd.get('filter') or {}, entry):
            entries.append(entry)
    return engine.open_cursor('%s.$cmd.listCollections' % db_name, entries,
                              batch_size_of(cmd.get('cursor') or {}))


ID_INDEX = OrderedDict([('v', 2), ('key', OrderedDict([('_id', 1)])), ('name', '_id_')])
IGNORED_INDEX_OPTIONS = frozenset(['key', 'name', 'v', 'background', 'ns'])
INDEX_TYPES = frozenset(['text', '2dsphere', '2d', 'hashed'])


def parse_index_spec(spec):
    """Validate one createIndexes spec into the stored form {'key': [...], **options}."""
    if not isinstance(spec, dict):
        raise CommandError(Code.FAILED_TO_PARSE, 'index specification must be a document')
    key = spec.get('key')
    if not isinstance(key, dict) or not key:
        raise CommandError(Code.CANNOT_CREATE_INDEX, 'Index keys cannot be empty.')
    for field, direction in key.items():
        valid_number = isinstance(direction, (int, float)) and not isinstance(direction, bool) and direction != 0
        if not (valid_number or direction in INDEX_TYPES):
            raise CommandError(Code.CANNOT_CREATE_INDEX,
                               'Values in the index key pattern can only be non-zero numbers or index type '
                               'strings; got %s for %s' % (shell_repr(direction), field))
    name = spec.get('name')
    if not isinstance(name, str) or not name:
        raise CommandError(Code.FAILED_TO_PARSE,
                           "The 'name' field is a required property of an index specification")
    reject_unsupported_options(spec)
    index = OrderedDict([('key', list(key.items()))])
    for option, value in spec.items():
        if option in IGNORED_INDEX_OPTIONS or option == 'collation':
            continue
        if option in ('unique', 'sparse', 'hidden'):
            if value:
                index[option] = True
            continue
        if option == 'expireAfterSeconds':
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise CommandError(Code.CANNOT_CREATE_INDEX, 'TTL index expireAfterSeconds must be a non-negative number')
            if len(key) != 1 or '_id' in key:
                raise CommandError(Code.CANNOT_CREATE_INDEX, 'TTL indexes are single-field indexes on a field other than _id')
        if option == 'partialFilterExpression' and not isinstance(value, dict):
            raise CommandError(Code.CANNOT_CREATE_INDEX, 'partialFilterExpression must be a document')
        index[option] = value
    return name, index


def describe_index(name, index):
    description = OrderedDict([('v', 2), ('key', OrderedDict(index['key'])), ('name', name)])
    description.update((option, value) for option, value in index.items() if option != 'key')
    return description


@command('createIndexes')
def cmd_create_indexes(engine, db_name, cmd):
    name = collection_name(cmd)
    collection = engine.collection(db_name, name)
    specs = cmd.get('indexes')
    if not isinstance(specs, list) or not specs:
        raise CommandError(Code.BAD_VALUE, 'Must specify at least one index to create')
    requested = [parse_index_spec(spec) for spec in specs]  # validate all before changing anything

    existed = engine.collection_exists(db_name, name)
    if not existed:
        engine.database(db_name).create_collection(name)
    table = index_table(collection)
    indexes_before = len(table) + 1
    for index_name, index in requested:
        if index['key'] == [('_id', 1)] and len(index) == 1:
            continue  # the _id index always exists
        existing = table.get(index_name)
        if existing is not None:
            if existing == index:
                continue  # creating an identical index again is a no-op, as in mongod
            raise CommandError(
                Code.INDEX_KEY_SPECS_CONFLICT,
                'An existing index has the same name as the requested index. Requested index: %s, '
                'existing index: %s' % (shell_repr(describe_index(index_name, index)),
                                        shell_repr(describe_index(index_name, existing))))
        for other_name, other in table.items():
            if other['key'] == index['key'] and \
                    other.get('partialFilterExpression') == index.get('partialFilterExpression'):
                raise CommandError(Code.INDEX_OPTIONS_CONFLICT,
                                   'Index already exists with a different name: %s' % other_name)
        if index.get('unique'):
            duplicate = first_duplicate(collection, index)
            if duplicate is not None:
                exc = duplicate_key_error(collection, index_name, index['key'], duplicate,
                                          prefix='Index build failed: ')
                raise CommandError(Code.DUPLICATE_KEY, exc.errmsg, **exc.key_fields)
        table[index_name] = index

    reply = OrderedDict([
        ('numIndexesBefore', indexes_before),
        ('numIndexesAfter', len(table) + 1),
        ('createdCollectionAutomatically', not existed),
    ])
    if len(table) + 1 == indexes_before:
        reply['note'] = 'all indexes already exist'
    return reply


@command('listIndexes')
def cmd_list_indexes(engine, db_name, cmd):
    name = collection_name(cmd)
    if not engine.collection_exists(db_name, name):
        raise CommandError(Code.NAMESPACE_NOT_FOUND, 'ns does not exist: %s.%s' % (db_name, name))
    table = index_table(engine.collection(db_name, name))
    documents = [ID_INDEX] + [describe_index(index_name, index) for index_name, index in table.items()]
    return engine.open_cursor('%s.$cmd.listIndexes.%s' % (db_name, name), documents,
                              batch_size_of(cmd.get('cursor') or {}))


@command('dropIndexes', 'deleteIndexes')
def cmd_drop_indexes(engine, db_name, cmd):
    name = collection_name(cmd)
    if not engine.collection_exists(db_name, name):
        raise CommandError(Code.NAMESPACE_NOT_FOUND, 'ns not found %s.%s' % (db_name, name))
    table = index_table(engine.collection(db_name, name))
    indexes_was = len(table) + 1
    target = cmd.get('index')
    if target == '*':
        names = list(table)
    elif isinstance(target, str):
        names = [target]
    elif isinstance(target, list):
        names = target
    elif isinstance(target, dict):
        names = [index_name for index_name, index in table.items() if index['key'] == list(target.items())]
        if not names:
            raise CommandError(Code.INDEX_NOT_FOUND, "can't find index with key: %s" % shell_repr(target))
    else:
        raise CommandError(Code.BAD_VALUE, "'index' must be a string, an array of strings or a key pattern")
    for index_name in names:
        if index_name == '_id_':
            raise CommandError(Code.INVALID_OPTIONS, 'cannot drop _id index')
        if index_name not in table:
            raise CommandError(Code.INDEX_NOT_FOUND, 'index not found with name [%s]' % index_name)
    for index_name in names:
        del table[index_name]
    return {'nIndexesWas': indexes_was}


# --------------------------------------------------------------------------------------
# Wire: one mockupdb responder for every request
# --------------------------------------------------------------------------------------

class Bridge:
    def __init__(self, engine, verbose):
        self.engine = engine
        self.verbose = verbose

    def handle(self, request):
        """mockupdb responder; must always reply (or hang up) and return True.

        Returning False would park the request in mockupdb's queue, where nothing ever
        answers it and the client would hang until its socket timeout.
        """
        if not request.is_command:
            log('closing a connection that sent legacy opcode %r; only commands are supported' % request)
            request.hangup()
            return True
        started = time.monotonic()
        cmd = request.doc
        if '$query' in cmd:  # legacy OP_QUERY commands may wrap the command this way
            cmd = cmd['$query']
        name = next(iter(cmd), '')
        db_name = request.namespace
        reply = self.execute(db_name, name, cmd)
        if self.verbose:
            log('%s.%s -> %s (%.1f ms)' % (
                db_name, name,
                'ok' if reply['ok'] else 'error %s: %s' % (reply['code'], reply['errmsg']),
                (time.monotonic() - started) * 1000))
        if isinstance(request, mockupdb.OpMsg) and request.flags & mockupdb.OP_MSG_FLAGS['moreToCome']:
            return True  # unacknowledged write (w: 0): the client expects no reply
        try:
            request.replies(reply)
        except OSError:
            pass  # the client went away mid-request; mockupdb's read loop notices and cleans up
        return True

    def execute(self, db_name, name, cmd):
        try:
            if cmd.get('startTransaction') or 'autocommit' in cmd:
                raise CommandError(Code.ILLEGAL_OPERATION,
                                   'Transaction numbers are only allowed on a replica set member or mongos '
                                   '(the mongo-standin is a standalone server)')
            handler = COMMANDS.get(name)
            if handler is None:
                raise CommandError(Code.COMMAND_NOT_FOUND,
                                   "no such command: '%s' (not implemented by the mongo-standin test server)" % name)
            with self.engine.lock:
                self.engine.housekeeping()
                result = handler(self.engine, db_name, cmd)
            reply = OrderedDict(result)
            reply['ok'] = 1.0
            return reply
        except Exception as exc:  # pylint: disable=broad-except
            code, message, extra = error_fields(exc)
            reply = OrderedDict([('ok', 0.0), ('errmsg', message), ('code', code),
                                 ('codeName', CODE_NAMES.get(code, 'Location%d' % code))])
            reply.update(extra)
            return reply


SHUTDOWN_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def exit_on_stdin_eof():
    """Shut down when the launching process goes away, even if it died without SIGTERM."""
    # os.read on the raw descriptor, not sys.stdin: a daemon thread parked inside the
    # buffered reader holds its lock and makes interpreter shutdown abort.
    try:
        while os.read(sys.stdin.fileno(), 4096):
            pass
    except (OSError, ValueError):
        pass
    os.kill(os.getpid(), signal.SIGTERM)


def parse_args(argv):
    parser = argparse.ArgumentParser(description='MongoDB wire-protocol stand-in for tests.')
    parser.add_argument('--port', type=int, default=0, help='TCP port on 127.0.0.1 (0: pick a free one)')
    parser.add_argument('--verbose', action='store_true', help='log every command to stderr')
    parser.add_argument('--exit-on-stdin-eof', action='store_true',
                        help='exit when stdin closes (set by the launcher so orphans never survive it)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    configure_libraries()
    # Blocked in every thread (threads inherit the mask) and taken synchronously by sigwait()
    # below: a Python-level handler only runs once the main thread wakes up, which was up to
    # a second late whenever the kernel delivered the signal to a connection thread.
    signal.pthread_sigmask(signal.SIG_BLOCK, SHUTDOWN_SIGNALS)

    server = mockupdb.MockupDB(port=args.port or None)
    # mockupdb binds "localhost", which may resolve to something else in odd containers.
    server._address = (BIND_HOST, args.port or None)
    server.autoresponds(Bridge(Engine(), args.verbose).handle)
    try:
        port = server.run()
    except OSError as exc:
        log('cannot listen on %s:%s: %s' % (BIND_HOST, args.port, exc))
        return 1
    if args.exit_on_stdin_eof:
        threading.Thread(target=exit_on_stdin_eof, daemon=True).start()

    print('LISTENING %d' % port, flush=True)
    signal.sigwait(SHUTDOWN_SIGNALS)
    return 0


if __name__ == '__main__':
    exit_code = main()
    # No mockupdb stop() and no interpreter shutdown: data is in memory by design, so there
    # is nothing to save, and the kernel closes the listening socket and every connection
    # at once. stop() would wait up to 1 s for its accept loop's select() timeout, and
    # interpreter shutdown can abort while daemon connection threads hold stdio locks.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_code)
