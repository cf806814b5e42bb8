import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A user as cognito-local stores it (the fields read here). */
export interface StoredUser {
  Attributes: { Name: string; Value: string }[];
  UserStatus: string;
  ConfirmationCode?: string;
}

/** Where cognito-local keeps a pool's users, under its data folder. */
export function poolFile(dataDir: string, userPoolId: string): string {
  return join(dataDir, '.cognito', 'db', `${userPoolId}.json`);
}

/**
 * The users of the emulator's pool file. cognito-local rewrites the whole
 * file on every save, so a read can meet it half written: read again a few
 * times, then give up (undefined) rather than fail the request.
 */
export async function readStoredUsers(
  file: string,
  attempts = 5,
): Promise<Record<string, StoredUser> | undefined> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const { Users } = JSON.parse(await readFile(file, 'utf8')) as {
        Users?: Record<string, StoredUser>;
      };
      return Users ?? {};
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      await new Promise((done) => setTimeout(done, 20 * attempt));
    }
  }
  return undefined;
}
