import { ReplyError } from 'ioredis';
import { describeRedisError } from './redis.errors.js';
import { StoreUnavailableError } from './shared-store.js';

/** An error as ioredis gives Redis's answer. */
function reply(message: string): Error {
  return new (ReplyError as new (message: string) => Error)(message);
}

describe('describeRedisError', () => {
  it.each([
    [
      "READONLY You can't write against a read only replica. script: 0123abcd, on @user_script:1.",
      'read-only',
      /read-only replica \(READONLY\).*REDIS_SENTINELS/,
    ],
    [
      'NOPERM this user has no permissions to access one of the channels used as arguments',
      'no-permission',
      /NOPERM: this user has no permissions to access one of the channels used as arguments\)/,
    ],
    [
      "ERR The user executing the script can't publish to the channel mentioned in the command script: 4146638f, on @user_script:1.",
      'no-permission',
      /NOPERM: The user executing the script can't publish to the channel mentioned in the command\)/,
    ],
    [
      "ERR The user executing the script can't access at least one of the keys mentioned in the command script: 4146638f, on @user_script:1.",
      'no-permission',
      /can't access at least one of the keys/,
    ],
    [
      'WRONGPASS invalid username-password pair or user is disabled.',
      'wrong-credentials',
      /REDIS_USERNAME and REDIS_PASSWORD/,
    ],
    ['NOAUTH Authentication required.', 'wrong-credentials', /NOAUTH/],
    ['MOVED 3999 127.0.0.1:6381', 'cluster-redirection', /REDIS_CLUSTER_NODES/],
    [
      "CROSSSLOT Keys in request don't hash to the same slot",
      'cluster-redirection',
      /CROSSSLOT/,
    ],
    [
      "OOM command not allowed when used memory > 'maxmemory'.",
      'out-of-memory',
      /out of memory \(OOM/,
    ],
  ])('names %s', (text, reason, message) => {
    const named = describeRedisError(reply(text));
    expect(named).toBeInstanceOf(StoreUnavailableError);
    expect(named.reason).toBe(reason);
    expect(named.message).toMatch(message);
  });

  it('names a TLS failure by its code, with the CA setting', () => {
    const error = Object.assign(
      new Error('self-signed certificate in certificate chain'),
      {
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
      },
    );
    const named = describeRedisError(error);
    expect(named.reason).toBe('tls');
    expect(named.message).toBe(
      "The TLS connection to Redis failed (SELF_SIGNED_CERT_IN_CHAIN); set REDIS_TLS_CA_FILE to the CA that signed Redis's certificate (and REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE if it asks for a client certificate).",
    );
  });

  it('calls anything else unreachable, quoting nothing of it', () => {
    for (const error of [
      new Error('Connection is closed.'),
      new Error(
        "Stream isn't writeable and enableOfflineQueue options is false",
      ),
      reply('ERR unknown command'),
      'not an error',
    ]) {
      const named = describeRedisError(error);
      expect(named.reason).toBe('unreachable');
      expect(named.message).toBe('The shared store did not answer in time.');
    }
  });
});
