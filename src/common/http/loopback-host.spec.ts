import { isLoopbackHostHeader } from './loopback-host.js';

describe('isLoopbackHostHeader', () => {
  it.each([
    'localhost',
    'localhost:3000',
    'LOCALHOST:80',
    '127.0.0.1',
    '127.0.0.1:3000',
    '127.1.2.3:8080',
    '[::1]',
    '[::1]:3000',
  ])('takes %s for this machine', (host) => {
    expect(isLoopbackHostHeader(host)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'evil.example.com',
    'evil.example.com:3000',
    'localhost.evil.example.com',
    'localhost.',
    '127.0.0.1.nip.io',
    '10.0.0.5:3000',
    '0.0.0.0:3000',
    '[::]:3000',
    '[fe80::1]',
    '::1',
    '[::ffff:10.0.0.5]',
    '127.0.0.1:3000:4000',
    'localhost:abc',
    '[::1',
  ])('refuses %j', (host) => {
    expect(isLoopbackHostHeader(host)).toBe(false);
  });
});
