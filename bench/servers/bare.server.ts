import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { serve } from './protocol.js';

/** (a) node:http alone, serving the guarded route's exact bytes. */
const body = readFileSync(process.argv[2]);
const server = createServer((_request, response) => {
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
  });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => serve(server));
