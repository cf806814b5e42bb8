import {
  StoreUnavailableError,
  type StoreUnavailableReason,
} from './shared-store.js';

/** TLS failures as Node names them (its `code`), or as OpenSSL words them. */
const TLS_CODES =
  /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_OSSL_)/;
const TLS_WORDS = /SSL routines|wrong version number|certificate|TLS/i;

/** Redis's refusals, by the first word of its answer: the cause and the fix. */
const REFUSALS: Record<string, [StoreUnavailableReason, string]> = {
  READONLY: [
    'read-only',
    'Redis refused the write: the server is a read-only replica (READONLY), e.g. after a failover; point REDIS_URL at the master, or use REDIS_SENTINELS to follow failovers.',
  ],
  NOPERM: [
    'no-permission',
    'Redis refused a command for want of permission (NOPERM: %s); give the ACL user the key prefix, the channel and the commands the README lists.',
  ],
  WRONGPASS: [
    'wrong-credentials',
    'Redis refused the credentials (WRONGPASS); check the user and password (in REDIS_URL, or REDIS_USERNAME and REDIS_PASSWORD).',
  ],
  NOAUTH: [
    'wrong-credentials',
    'Redis requires a password (NOAUTH); set it in REDIS_URL, or REDIS_USERNAME and REDIS_PASSWORD.',
  ],
  MOVED: [
    'cluster-redirection',
    'Redis answered with a cluster redirection (MOVED): it is a cluster node; set REDIS_CLUSTER_NODES instead of REDIS_URL.',
  ],
  ASK: [
    'cluster-redirection',
    'Redis answered with a cluster redirection (ASK): it is a cluster node; set REDIS_CLUSTER_NODES instead of REDIS_URL.',
  ],
  CROSSSLOT: [
    'cluster-redirection',
    'Redis Cluster refused keys of different slots (CROSSSLOT); set REDIS_CLUSTER_NODES instead of REDIS_URL.',
  ],
  CLUSTERDOWN: [
    'cluster-redirection',
    'Redis Cluster is down (CLUSTERDOWN): some hash slots have no master; check the cluster.',
  ],
  OOM: [
    'out-of-memory',
    'Redis refused the write: it is out of memory (OOM, maxmemory reached); give it more memory (maxmemory).',
  ],
};

/** Node's or OpenSSL's name of a TLS failure, if the error is one. */
function tlsFailure(error: Error & { code?: unknown }): string | undefined {
  const code = typeof error.code === 'string' ? error.code : '';
  if (TLS_CODES.test(code)) return code;
  if (TLS_WORDS.test(error.message)) return error.message.slice(0, 120);
  return undefined;
}

/**
 * The StoreUnavailableError for an error from ioredis: Redis's own refusal
 * or a TLS failure, named with its fix; anything else (a timeout, a closed
 * connection) is 'unreachable'. No key, password or value is quoted: the
 * NOPERM text names only the user, the command, the key or the channel.
 */
export function describeRedisError(error: unknown): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  if (!(error instanceof Error))
    return new StoreUnavailableError('unreachable');
  const tls = tlsFailure(error);
  if (tls) {
    return new StoreUnavailableError(
      'tls',
      `The TLS connection to Redis failed (${tls}); set REDIS_TLS_CA_FILE to the CA that signed Redis's certificate (and REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE if it asks for a client certificate).`,
    );
  }
  // A script's own refusal ends with where it ran ("script: <sha>, on ...").
  const text = error.message.replace(/\s*script: [0-9a-f]+,.*$/s, '');
  let word = text.split(' ', 1)[0];
  // Redis 7 words a key, channel or command refused to a script as a plain ERR.
  if (
    word === 'ERR' &&
    /can't (publish|access|run)|no permissions/i.test(text)
  ) {
    word = 'NOPERM';
  }
  const known = REFUSALS[word];
  if (!known) return new StoreUnavailableError('unreachable');
  const [reason, message] = known;
  const detail = text
    .slice(text.startsWith(word) ? word.length : 0)
    .replace(/^[\s:-]+/, '')
    .replace(/^ERR\s+/, '')
    .replace(/\.$/, '')
    .slice(0, 160);
  return new StoreUnavailableError(reason, message.replace('%s', detail));
}
