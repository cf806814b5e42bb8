import { setTimeout as sleep } from 'node:timers/promises';
import { send, type Answer, type Req } from './soak-traffic.js';

/** The soak's real users and its counts of answers. */
export interface User {
  email: string;
  password: string;
  /** The user's own client address (X-Forwarded-For), in 10.0.0.0/24. */
  address: string;
  accessToken: string;
}

const PASSWORD = 'Passw0rd!';
const JSON_TYPE = { 'content-type': 'application/json' };

/** Answers by status; 0 = no HTTP answer (reset, timeout). */
export class Tally {
  total = 0;
  serverErrors = 0;
  transport = 0;
  private readonly byStatus = new Map<number, number>();
  private readonly serverErrorKinds = new Map<string, number>();

  count(status: number, kind = '?'): void {
    this.total += 1;
    if (status >= 500) {
      this.serverErrors += 1;
      this.serverErrorKinds.set(
        kind,
        (this.serverErrorKinds.get(kind) ?? 0) + 1,
      );
    }
    if (status === 0) this.transport += 1;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }

  describe(): string {
    return [...this.byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status || 'none'}: ${n}`)
      .join(', ');
  }

  /** 5xx answers by request kind, most first. */
  describeServerErrors(): string {
    return (
      [...this.serverErrorKinds.entries()]
        .sort(([, a], [, b]) => b - a)
        .map(([kind, n]) => `${n} x ${kind}`)
        .join('; ') || 'none'
    );
  }
}

/** Signs up, confirms and logs in `count` users, each from its own address. */
export async function createUsers(
  port: number,
  count: number,
): Promise<User[]> {
  const users: User[] = [];
  for (let i = 0; i < count; i++) {
    const email = `soak-${i}-${Date.now()}@example.com`;
    const address = `10.0.0.${i + 1}`;
    const post = async (route: string, body: unknown, want: number) => {
      const answer = await send(port, authPost(route, body, address));
      if (answer.status !== want) {
        throw new Error(
          `${route} for ${email}: ${answer.status} ${answer.body}`,
        );
      }
      return answer;
    };
    await post('register', { name: 'Soak', email, password: PASSWORD }, 201);
    let code: string | undefined;
    for (let wait = 0; !code && wait < 50; wait++) {
      const outbox = await send(port, {
        method: 'GET',
        path: `/api/v1/dev/outbox?email=${encodeURIComponent(email)}`,
        headers: {},
      });
      if (outbox.status === 200) {
        code = (JSON.parse(outbox.body) as { code: string }[])[0]?.code;
      }
      if (!code) await sleep(100);
    }
    await post('confirm-registration', { email, code }, 200);
    const login = await post('login', { email, password: PASSWORD }, 200);
    const { accessToken } = JSON.parse(login.body) as { accessToken: string };
    users.push({ email, password: PASSWORD, address, accessToken });
  }
  return users;
}

function authPost(route: string, body: unknown, address: string): Req {
  return {
    method: 'POST',
    path: `/api/v1/auth/${route}`,
    headers: { ...JSON_TYPE, 'x-forwarded-for': address },
    body: JSON.stringify(body),
  };
}

/**
 * The legitimate traffic: logins, and guarded reads with the latest access
 * token of each user. Any answer but 200 is a refusal.
 */
export class Legit {
  served = 0;
  refused = 0;
  serverErrors = 0;
  private next = 0;
  private readonly pending = new Set<Promise<void>>();
  private readonly refusals = new Map<string, number>();
  private readonly latencies = { login: [] as number[], read: [] as number[] };

  constructor(
    private readonly port: number,
    private readonly users: User[],
  ) {}

  login(): Promise<void> {
    const user = this.users[this.next++ % this.users.length];
    return this.track(
      'login',
      'login',
      authPost(
        'login',
        { email: user.email, password: user.password },
        user.address,
      ),
      (answer) => {
        const { accessToken } = JSON.parse(answer.body) as {
          accessToken?: string;
        };
        if (!accessToken) return false;
        user.accessToken = accessToken;
        return true;
      },
    );
  }

  read(): Promise<void> {
    const user = this.users[this.next++ % this.users.length];
    const path =
      this.next % 5 === 0 ? '/api/v1/auth/me' : '/api/v1/pokemons?limit=20';
    return this.track('read', path, {
      method: 'GET',
      path,
      headers: {
        authorization: `Bearer ${user.accessToken}`,
        'x-forwarded-for': user.address,
      },
    });
  }

  async settle(): Promise<void> {
    await Promise.all(this.pending);
  }

  describeRefusals(): string {
    return (
      [...this.refusals.entries()]
        .map(([what, n]) => `${what}: ${n}`)
        .join(', ') || 'none'
    );
  }

  p99(kind: 'login' | 'read'): string {
    const sorted = [...this.latencies[kind]].sort((a, b) => a - b);
    if (sorted.length === 0) return '-';
    return sorted[
      Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))
    ].toFixed(0);
  }

  private track(
    kind: 'login' | 'read',
    what: string,
    req: Req,
    accept: (answer: Answer) => boolean = () => true,
  ): Promise<void> {
    const started = Date.now();
    const done = send(this.port, req).then((answer) => {
      this.latencies[kind].push(Date.now() - started);
      if (answer.status >= 500) this.serverErrors += 1;
      let ok = false;
      try {
        ok = answer.status === 200 && accept(answer);
      } catch {
        // An answer that is not the JSON it should be: refused.
      }
      if (ok) {
        this.served += 1;
      } else {
        this.refused += 1;
        const key = `${what} ${answer.status || 'no answer'}`;
        this.refusals.set(key, (this.refusals.get(key) ?? 0) + 1);
      }
      this.pending.delete(done);
    });
    this.pending.add(done);
    return done;
  }
}
