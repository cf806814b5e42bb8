import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files of a CA made for one test, and of a server and a client it signed. */
export interface TestCa {
  readonly dir: string;
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  /** A second CA, which signed nothing here (a wrong REDIS_TLS_CA_FILE). */
  readonly otherCaFile: string;
  remove(): Promise<void>;
}

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((done, fail) => {
    execFile('openssl', args, { cwd, timeout: 30_000 }, (error, _o, stderr) =>
      error ? fail(new Error(`openssl ${args[0]}: ${stderr}`)) : done(),
    );
  });
}

/**
 * Makes, with openssl, a CA and a server certificate for 127.0.0.1 and a
 * client certificate signed by it (EC keys: quick on a busy machine).
 */
export async function makeTestCa(): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), 'test-ca-'));
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  const ca = async (name: string): Promise<void> =>
    openssl(
      [
        'req',
        '-x509',
        '-new',
        '-nodes',
        ...key,
        '-keyout',
        `${name}.key`,
      ].concat(['-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`]),
      dir,
    );
  await ca('ca');
  await ca('other-ca');
  await writeFile(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const name of ['server', 'client']) {
    await openssl(
      ['req', '-new', '-nodes', ...key, '-keyout', `${name}.key`].concat([
        '-out',
        `${name}.csr`,
        '-subj',
        `/CN=${name}`,
      ]),
      dir,
    );
    await openssl(
      ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey']
        .concat(['ca.key', '-CAcreateserial', '-out', `${name}.crt`])
        .concat(['-days', '2', '-extfile', 'san.ext']),
      dir,
    );
  }
  const at = (file: string): string => join(dir, file);
  return {
    dir,
    caFile: at('ca.crt'),
    serverCertFile: at('server.crt'),
    serverKeyFile: at('server.key'),
    clientCertFile: at('client.crt'),
    clientKeyFile: at('client.key'),
    otherCaFile: at('other-ca.crt'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
