import { ApiException } from '../../src/common/errors/api-exception.js';

/**
 * The ApiException `work` (a promise, or a function run and awaited)
 * rejects with; fails the test when it resolves or throws anything else.
 */
export async function rejectionOf(
  work: Promise<unknown> | (() => unknown),
): Promise<ApiException> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiException);
    return error as ApiException;
  }
  throw new Error('expected an ApiException, but it resolved');
}
