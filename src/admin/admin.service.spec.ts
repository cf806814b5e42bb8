import type { AuthService } from '../auth/auth.service.js';
import type { PoolUserRecord } from '../cognito/cognito.types.js';
import { ApiException } from '../common/errors/api-exception.js';
import {
  fakeCognitoGateway,
  type FakeCognitoGateway,
} from '../../test/support/fake-cognito-gateway.js';
import { AdminService } from './admin.service.js';
import type { ListUsersQuery } from './dto/admin.dto.js';

const ACTOR = { sub: 'admin-sub', requestId: 'req-1' };

function user(n: number): PoolUserRecord {
  return {
    username: `u${n}`,
    sub: `s${n}`,
    email: `u${n}@example.com`,
    name: null,
    status: 'CONFIRMED',
    enabled: true,
    createdAt: null,
  };
}

/** Cognito's pages: page i holds `sizes[i]` users, token `p<i>` names page i. */
function pagedGateway(sizes: number[]): FakeCognitoGateway {
  const gateway = fakeCognitoGateway();
  const pages: PoolUserRecord[][] = [];
  let n = 0;
  for (const size of sizes)
    pages.push(Array.from({ length: size }, () => user(n++)));
  gateway.adminListUsers.mockImplementation(({ pageToken }) => {
    const i = pageToken ? Number(pageToken.slice(1)) : 0;
    return Promise.resolve({
      users: pages[i],
      ...(i + 1 < pages.length ? { nextToken: `p${i + 1}` } : {}),
    });
  });
  gateway.adminListGroups.mockResolvedValue([]);
  return gateway;
}

const auth = { endSessionsOf: vi.fn() } as unknown as AuthService;
const query = (limit: number, cursor?: string): ListUsersQuery =>
  ({ limit, ...(cursor ? { cursor } : {}) }) as ListUsersQuery;

/** Every username, page after page of `limit`, following the cursors. */
async function walk(service: AdminService, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await service.list(ACTOR, query(limit, cursor));
    pages.push(page.items.map((item) => item.username));
    cursor = page.nextCursor;
  } while (cursor && pages.length < 50);
  return pages;
}

describe('AdminService.list paging', () => {
  it('cuts one long answer (the emulator ignores Limit) into pages of the limit', async () => {
    const service = new AdminService(pagedGateway([5]), auth);
    expect(await walk(service, 2)).toEqual([
      ['u0', 'u1'],
      ['u2', 'u3'],
      ['u4'],
    ]);
  });

  it('follows Cognito page tokens across pages of another size', async () => {
    const service = new AdminService(pagedGateway([3, 3, 1]), auth);
    expect(await walk(service, 4)).toEqual([
      ['u0', 'u1', 'u2', 'u3'],
      ['u4', 'u5', 'u6'],
    ]);
  });

  it('gives no nextCursor when the last page is exactly full', async () => {
    const service = new AdminService(pagedGateway([2]), auth);
    const page = await service.list(ACTOR, query(2));
    expect(page.items.map((item) => item.username)).toEqual(['u0', 'u1']);
    expect(page.nextCursor).toBeUndefined();
  });

  it('passes the email prefix to every page', async () => {
    const gateway = pagedGateway([1, 1]);
    await new AdminService(gateway, auth).list(ACTOR, {
      limit: 5,
      email: 'ash',
    } as ListUsersQuery);
    expect(gateway.adminListUsers.mock.calls).toEqual([
      [{ emailPrefix: 'ash' }],
      [{ emailPrefix: 'ash', pageToken: 'p1' }],
    ]);
  });

  it('refuses a cursor it did not give: 400 VALIDATION_FAILED', async () => {
    const service = new AdminService(pagedGateway([1]), auth);
    for (const cursor of [
      'bm90LWpzb24',
      Buffer.from('{"s":-1}').toString('base64url'),
    ]) {
      const error = await service
        .list(ACTOR, query(2, cursor))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiException);
      expect((error as ApiException).code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('AdminService group changes', () => {
  it('ends the sessions of a user removed from a group (their tokens carry the old groups), after Cognito removed it', async () => {
    const gateway = fakeCognitoGateway();
    gateway.adminGetUser.mockResolvedValue(user(7));
    const order: string[] = [];
    gateway.adminRemoveFromGroup.mockImplementation(() => {
      order.push('remove');
      return Promise.resolve();
    });
    const endSessionsOf = vi.fn((sub: string) => {
      order.push(`end ${sub}`);
      return Promise.resolve(true);
    });
    const service = new AdminService(gateway, {
      endSessionsOf,
    } as unknown as AuthService);
    await service.removeFromGroup(ACTOR, 'u7', 'admin');
    expect(gateway.adminRemoveFromGroup).toHaveBeenCalledWith('u7', 'admin');
    expect(order).toEqual(['remove', 'end s7']);
  });

  it('ends nothing when Cognito refuses the removal', async () => {
    const gateway = fakeCognitoGateway();
    gateway.adminGetUser.mockResolvedValue(user(7));
    gateway.adminRemoveFromGroup.mockRejectedValue(new Error('no such group'));
    const endSessionsOf = vi.fn();
    const service = new AdminService(gateway, {
      endSessionsOf,
    } as unknown as AuthService);
    await expect(service.removeFromGroup(ACTOR, 'u7', 'x')).rejects.toThrow();
    expect(endSessionsOf).not.toHaveBeenCalled();
  });

  it('ends no session of a user added to a group', async () => {
    const gateway = fakeCognitoGateway();
    gateway.adminAddToGroup.mockResolvedValue(undefined);
    const endSessionsOf = vi.fn();
    const service = new AdminService(gateway, {
      endSessionsOf,
    } as unknown as AuthService);
    await service.addToGroup(ACTOR, 'u7', 'admin');
    expect(gateway.adminAddToGroup).toHaveBeenCalledWith('u7', 'admin');
    expect(endSessionsOf).not.toHaveBeenCalled();
  });
});
