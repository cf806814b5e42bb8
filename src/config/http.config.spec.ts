import { ConfigValidationError, loadConfig } from './env.validation.js';

function trustProxy(value: string): unknown {
  return loadConfig({ TRUST_PROXY: value }).http.trustProxy;
}

function refusal(value: string): string {
  try {
    loadConfig({ TRUST_PROXY: value });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as Error).message;
  }
  throw new Error(`TRUST_PROXY=${value} was accepted`);
}

describe('TRUST_PROXY', () => {
  it('is false by default, and for false or 0', () => {
    expect(loadConfig({}).http.trustProxy).toBe(false);
    expect(trustProxy('false')).toBe(false);
    expect(trustProxy('0')).toBe(false);
  });

  it('takes a number of proxy hops', () => {
    expect(trustProxy('1')).toBe(1);
    expect(trustProxy(' 2 ')).toBe(2);
  });

  it('takes a comma-separated list of addresses and CIDRs, IPv4 and IPv6, and the names proxy-addr knows', () => {
    expect(trustProxy('10.0.0.0/8, 192.168.1.7,::1,fd00::/8,loopback')).toEqual(
      ['10.0.0.0/8', '192.168.1.7', '::1', 'fd00::/8', 'loopback'],
    );
  });

  it('refuses true with one sentence that says what to set instead', () => {
    const message = refusal('true');
    expect(message).toBe(
      'Invalid configuration: TRUST_PROXY=true would trust every X-Forwarded-For entry, including those a client writes itself: set the number of proxies in front of the app (e.g. 1) or their addresses (e.g. 10.0.0.0/8) instead.',
    );
    expect(refusal('TRUE')).toBe(message);
  });

  it.each([
    ['a word', 'yes'],
    ['a host name', 'proxy.internal'],
    ['a prefix too long', '10.0.0.0/33'],
    ['an IPv6 prefix too long', 'fd00::/129'],
    ['an empty entry', '10.0.0.1,,10.0.0.2'],
    ['a negative count', '-1'],
    ['a count too large', '100'],
  ])('refuses %s (%s), naming the variable', (_what, value) => {
    expect(refusal(value)).toMatch(
      /^Invalid configuration: TRUST_PROXY must be false, a number of proxy hops/,
    );
  });
});
