import type { Server } from 'node:http';

/** What a benchmark server tells the orchestrator over IPC. */
export type ServerMessage =
  { type: 'ready'; port: number } | { type: 'stats'; jwksFetches: number };

/** Reports the port, answers `stats` requests, and exits with the orchestrator. */
export function serve(
  server: Server,
  stats: () => { jwksFetches: number } = () => ({ jwksFetches: 0 }),
): void {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ type: 'ready', port } satisfies ServerMessage);
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stats') {
      process.send?.({ type: 'stats', ...stats() } satisfies ServerMessage);
    }
  });
  process.on('disconnect', () => process.exit(0));
}
