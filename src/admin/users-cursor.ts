import { HttpStatus } from '@nestjs/common';
import { ApiException } from '../common/errors/api-exception.js';

/** Where a page of users starts: Cognito's page token (none: the first), and how many of it to skip. */
export interface UsersPosition {
  token?: string;
  skip: number;
}

/** The opaque cursor of a position (base64url JSON). */
export function encodeCursor(position: UsersPosition): string {
  return Buffer.from(
    JSON.stringify({ t: position.token, s: position.skip }),
  ).toString('base64url');
}

/** The position of a cursor; 400 VALIDATION_FAILED when it is not one this API gave. */
export function decodeCursor(cursor: string | undefined): UsersPosition {
  if (cursor === undefined) return { skip: 0 };
  try {
    const value: unknown = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    );
    const { t, s } = value as { t?: unknown; s?: unknown };
    if (
      (t === undefined || (typeof t === 'string' && t !== '')) &&
      typeof s === 'number' &&
      Number.isSafeInteger(s) &&
      s >= 0
    ) {
      return { ...(t ? { token: t as string } : {}), skip: s };
    }
  } catch {
    // Falls through to the refusal.
  }
  throw new ApiException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', [
    'cursor must be the nextCursor of a previous page',
  ]);
}
