import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ADDRESS_MAX, USER_AGENT_MAX } from '../../store/record-table.js';

/** Where a sign-in or refresh comes from, as a session record keeps it. */
export interface SessionClient {
  /** The User-Agent header, cut to USER_AGENT_MAX characters ('' without one). */
  userAgent: string;
  /** The client address as TRUST_PROXY decides: the one the rate limits count. */
  ipAddress: string;
}

export function sessionClientOf(request: FastifyRequest): SessionClient {
  const agent = request.headers['user-agent'];
  return {
    userAgent: typeof agent === 'string' ? agent.slice(0, USER_AGENT_MAX) : '',
    ipAddress: (request.ip ?? '').slice(0, ADDRESS_MAX),
  };
}

/** The request's SessionClient, for the routes that begin or refresh a session. */
export const CurrentClient = createParamDecorator(
  (_data: unknown, context: ExecutionContext): SessionClient =>
    sessionClientOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
