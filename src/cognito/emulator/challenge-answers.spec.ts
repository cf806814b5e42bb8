import { createRequire } from 'node:module';

interface Sessions {
  issue(username: string, challengeName: string): string;
  hold(session: string, username: string, challengeName: string): () => void;
}
type StoreFor = (
  services: unknown,
  ctx: unknown,
  clientId: string,
) => Promise<Sessions>;

const { sessionStores } = createRequire(import.meta.url)(
  './challenge-answers.cjs',
) as { sessionStores: (now?: () => number) => StoreFor };

const MINUTE = 60_000;

/** services.cognito as the stores read it: the app clients' records. */
function servicesWith(clients: Record<string, object>) {
  return {
    cognito: {
      getAppClient: (_ctx: unknown, clientId: string) =>
        Promise.resolve(clients[clientId] ?? null),
    },
  };
}

describe("challenge sessions per app client (the client's AuthSessionValidity)", () => {
  let clock: number;
  let storeFor: StoreFor;

  beforeEach(() => {
    clock = 5_000_000;
    storeFor = sessionStores(() => clock);
  });

  /** Whether a session issued now is still taken `ms` later. */
  async function takenAfter(
    services: ReturnType<typeof servicesWith>,
    clientId: string,
    ms: number,
  ): Promise<boolean> {
    const sessions = await storeFor(services, {}, clientId);
    const session = sessions.issue('alice', 'SOFTWARE_TOKEN_MFA');
    clock += ms;
    try {
      (await storeFor(services, {}, clientId)).hold(
        session,
        'alice',
        'SOFTWARE_TOKEN_MFA',
      );
      return true;
    } catch {
      return false;
    }
  }

  it('keeps a session 3 minutes when the client names no validity, as Cognito', async () => {
    const services = servicesWith({ plain: { ClientId: 'plain' } });
    expect(await takenAfter(services, 'plain', 3 * MINUTE - 1)).toBe(true);
    expect(await takenAfter(services, 'plain', 3 * MINUTE)).toBe(false);
  });

  it("keeps a session for the client's AuthSessionValidity minutes", async () => {
    const services = servicesWith({
      slow: { ClientId: 'slow', AuthSessionValidity: 15 },
    });
    expect(await takenAfter(services, 'slow', 15 * MINUTE - 1)).toBe(true);
    expect(await takenAfter(services, 'slow', 15 * MINUTE)).toBe(false);
  });

  it("does not take one client's session for another client", async () => {
    const services = servicesWith({ a: {}, b: {} });
    const session = (await storeFor(services, {}, 'a')).issue(
      'alice',
      'SOFTWARE_TOKEN_MFA',
    );
    const other = await storeFor(services, {}, 'b');
    expect(() => other.hold(session, 'alice', 'SOFTWARE_TOKEN_MFA')).toThrow(
      'Invalid session for the user.',
    );
  });
});
