import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Page,
} from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`; .ci/run installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/** Where each step's screenshot goes (git-ignored, under reports/). */
export const SCREENSHOTS = join('reports', 'browser');

/**
 * Headless, offline, no first-run or background traffic. playwright-core
 * gives every launch a fresh, temporary user-data dir of its own.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts the system's chromium; fails (never skips) when it is not there. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the browser specs drive Debian's chromium. ` +
        'Install it with `apt-get install -y chromium` (.ci/run does).',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
}

export interface SeenAnswer {
  method: string;
  path: string;
  status: number;
  /** Date.now() when the answer arrived. */
  at: number;
}

/**
 * What a page did that a user would not see on screen: console errors,
 * uncaught exceptions, and every answer of the API it called.
 */
export class PageWatch {
  readonly errors: string[] = [];
  readonly answers: SeenAnswer[] = [];
  private shots = 0;

  constructor(
    readonly page: Page,
    private readonly name: string,
  ) {
    page.on('console', (message) => {
      if (message.type() === 'error') {
        this.errors.push(`${message.text()} (${message.location().url})`);
      }
    });
    page.on('pageerror', (error) => {
      this.errors.push(`uncaught: ${error.message}`);
    });
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (!url.pathname.startsWith('/api/')) return;
      this.answers.push({
        method: response.request().method(),
        path: url.pathname,
        status: response.status(),
        at: Date.now(),
      });
    });
  }

  /** API answers of 400 or more (the page shows them; the test expects none unless it asks). */
  failedAnswers(): SeenAnswer[] {
    return this.answers.filter((answer) => answer.status >= 400);
  }

  /**
   * Takes back the console lines the browser itself writes for a failed
   * answer the test caused on purpose ("Failed to load resource: ... 401"),
   * and only those: anything else stays an error.
   */
  expectFailedLoad(status: number, path: string): void {
    const line = this.errors.findIndex(
      (error) =>
        error.startsWith(
          `Failed to load resource: the server responded with a status of ${status}`,
        ) && error.includes(path),
    );
    if (line === -1) {
      throw new Error(
        `expected the browser to log the ${status} of ${path}; it logged: ${JSON.stringify(this.errors)}`,
      );
    }
    this.errors.splice(line, 1);
    const answer = this.answers.findIndex(
      (seen) => seen.status === status && seen.path === path,
    );
    this.answers.splice(answer, 1);
  }

  /** A full-page screenshot, numbered in step order. */
  async shot(step: string): Promise<string> {
    this.shots += 1;
    await mkdir(SCREENSHOTS, { recursive: true });
    const file = join(
      SCREENSHOTS,
      `${this.name}-${String(this.shots).padStart(2, '0')}-${step}.png`,
    );
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }
}

/**
 * Everything a script on the page can read that might hold a token:
 * document.cookie and both storages, as one list of strings.
 */
export async function scriptReadable(page: Page): Promise<string[]> {
  // A string, run in the page (this project's types have no DOM).
  return page.evaluate<string[]>(`(() => {
    const values = [document.cookie];
    for (const storage of [localStorage, sessionStorage]) {
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        values.push(key, storage.getItem(key) ?? '');
      }
    }
    return values;
  })()`);
}

/** A JWT anywhere in a string: three base64url parts, the first a JSON header. */
export const JWT = /eyJ[\w-]*\.[\w-]+\.[\w-]+/;

/** The context's cookies that carry a JWT (HttpOnly ones included). */
export async function tokenCookies(
  context: BrowserContext,
): Promise<Awaited<ReturnType<BrowserContext['cookies']>>> {
  return (await context.cookies()).filter((cookie) => JWT.test(cookie.value));
}
