import { noStorePaths } from './no-store.js';

describe('noStorePaths', () => {
  const noStore = noStorePaths(['/api/v1/auth', '/api/v1/dev/outbox']);

  it.each([
    '/api/v1/auth',
    '/api/v1/auth/login',
    '/api/v1/auth/me?x=1',
    '/api/v1/auth?x=1',
    '/api/v1/auth/no-such-route',
    '/api/v1/dev/outbox?email=a%40example.com',
    '/api/v1/dev/outbox',
  ])('marks %s', (url) => {
    expect(noStore(url)).toBe(true);
  });

  it.each([
    '/api/v1/pokemons',
    '/api/v1/authority',
    '/api/v1/admin/users',
    '/health',
    '/',
    '/api/v1/dev/outboxes',
  ])('leaves %s alone', (url) => {
    expect(noStore(url)).toBe(false);
  });
});
