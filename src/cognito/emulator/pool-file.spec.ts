import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { poolFile, readStoredUsers } from './pool-file.js';

const USER = {
  Attributes: [{ Name: 'email', Value: 'ash@example.com' }],
  UserStatus: 'UNCONFIRMED',
  ConfirmationCode: '043810',
};

describe('readStoredUsers (the emulator pool file)', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pool-file-'));
    file = join(dir, 'pool.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('is the file cognito-local writes under its data folder', () => {
    expect(poolFile('/data', 'local_abc')).toBe(
      '/data/.cognito/db/local_abc.json',
    );
  });

  it('reads the users of a whole file', async () => {
    await writeFile(file, JSON.stringify({ Users: { u1: USER } }));
    expect(await readStoredUsers(file)).toEqual({ u1: USER });
  });

  it('reads again when it meets the file half written, and gets the whole one', async () => {
    const whole = JSON.stringify({ Users: { u1: USER } });
    await writeFile(file, whole.slice(0, 20));
    setTimeout(() => void writeFile(file, whole), 10);
    expect(await readStoredUsers(file)).toEqual({ u1: USER });
  });

  it('gives up (undefined) when the file stays unreadable, rather than throwing', async () => {
    await writeFile(file, '{"Users":');
    expect(await readStoredUsers(file, 2)).toBeUndefined();
  });

  it('throws what is not a half-written file (a missing file)', async () => {
    await expect(readStoredUsers(join(dir, 'missing.json'))).rejects.toThrow(
      /ENOENT/,
    );
  });
});
