import { describe, expect, it } from 'vitest';
import { isAllowedHookUrl } from '../../../functions/core/triggers/hook-url.js';

const production = ['https://hooks.zapier.com/'];
const local = ['https://hooks.zapier.com/', 'http://127.0.0.1', 'http://localhost'];

describe('isAllowedHookUrl', () => {
  it.each([
    ['https://hooks.zapier.com/hooks/standard/1/abc/', production, true],
    ['https://HOOKS.zapier.com/hooks/standard/1/abc/', production, true],
    ['http://hooks.zapier.com/hooks/standard/1/abc/', production, false],
    ['https://hooks.zapier.com.evil.test/x', production, false],
    ['https://hooks.zapier.com@evil.test/x', production, false],
    ['https://user:pass@hooks.zapier.com/x', production, false],
    ['https://evil.test/?u=https://hooks.zapier.com/', production, false],
    ['https://hooks.zapier.com:8443/x', production, false],
    ['file:///etc/passwd', production, false],
    ['not a url', production, false],
    ['http://169.254.169.254/latest/meta-data/', production, false],
    ['http://127.0.0.1:4567/hook', local, true],
    ['http://localhost:4567/hook', local, true],
    ['http://127.0.0.1.evil.test/hook', local, false],
    ['http://127.0.0.1:4567/hook', production, false],
  ])('%s → %s', (url, allowlist, expected) => {
    expect(isAllowedHookUrl(url, allowlist)).toBe(expected);
  });
});
