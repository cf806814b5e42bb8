import { securityHeaders } from './security-headers.js';

describe('securityHeaders', () => {
  it("gives helmet's headers as one object, with the CSP asked for and no X-Powered-By", () => {
    const headers = securityHeaders({
      contentSecurityPolicy: { directives: { defaultSrc: ["'self'"] } },
    });
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
    });
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers).not.toHaveProperty('x-powered-by');
  });

  it('leaves out what helmet is told to leave out', () => {
    const headers = securityHeaders({
      contentSecurityPolicy: false,
      frameguard: false,
    });
    expect(headers).not.toHaveProperty('content-security-policy');
    expect(headers).not.toHaveProperty('x-frame-options');
    expect(headers['x-content-type-options']).toBe('nosniff');
  });
});
