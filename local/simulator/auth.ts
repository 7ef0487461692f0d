/** API users: IP allow-list, credentials and per-endpoint permissions, checked in Konnektive's order. */
import { isIP } from 'node:net';
import { IP_TEXTS } from './contract.js';
import { DEFAULT_PERMISSION_TEMPLATE, DEMO_USER, type Permission, type SimUser } from './types.js';

/** Thrown by `updateUser` for an unknown loginId. */
export class SimUserNotFoundError extends Error {
  constructor(loginId: string) {
    super(`No API user with loginId "${loginId}"`);
    this.name = 'SimUserNotFoundError';
  }
}

/** Thrown for an allow-list entry that is neither `*`, an IP address nor an IPv4 CIDR block. */
export class InvalidAllowedIpError extends Error {
  constructor(entry: string) {
    super(
      `Invalid allowedIps entry "${entry}" (expected "*", an IP address or an IPv4 CIDR such as 10.0.0.0/8)`,
    );
    this.name = 'InvalidAllowedIpError';
  }
}

interface StoredUser {
  loginId: string;
  password: string;
  allowedIps: '*' | string[];
  permissions: '*' | Permission[];
}

/** `::ffff:127.0.0.1` → `127.0.0.1`; anything else unchanged. */
export const normalizeIp = (ip: string): string => {
  const trimmed = ip.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return mapped?.[1] ?? trimmed.toLowerCase();
};

const ipv4ToInt = (ip: string): number =>
  ip.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);

const validateEntry = (entry: string): void => {
  if (entry === '*') return;
  const [base = '', bits] = entry.split('/');
  if (bits === undefined) {
    if (isIP(base) === 0) throw new InvalidAllowedIpError(entry);
    return;
  }
  const n = Number(bits);
  if (isIP(base) !== 4 || !/^\d{1,2}$/.test(bits) || n > 32) throw new InvalidAllowedIpError(entry);
};

const entryMatches = (entry: string, ip: string): boolean => {
  if (entry === '*') return true;
  const [base = '', bits] = entry.split('/');
  if (bits === undefined) return normalizeIp(base) === ip;
  if (isIP(ip) !== 4) return false;
  const n = Number(bits);
  const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  return (ipv4ToInt(ip) & mask) === (ipv4ToInt(base) & mask);
};

/** Whether `ip` is on the allow-list. */
export const ipAllowed = (allowedIps: '*' | readonly string[], ip: string): boolean => {
  if (allowedIps === '*') return true;
  const normalized = normalizeIp(ip);
  return allowedIps.some((entry) => entryMatches(entry, normalized));
};

/** Refusal templates that replace the directory's own: `{ip}`; `{permission}` and `{endpoint}`. */
export interface RefusalTexts {
  ipTemplate?: string;
  permissionTemplate?: string;
}

export type AuthOutcome =
  | { ok: true; user: StoredUser }
  | { ok: false; message: string; kind: 'ip' | 'credentials' | 'permission' };

/** The API users of one simulated account. */
export class UserDirectory {
  private readonly users = new Map<string, StoredUser>();

  constructor(
    users: readonly SimUser[] = [DEMO_USER],
    private readonly permissionTemplate: string = DEFAULT_PERMISSION_TEMPLATE,
  ) {
    for (const user of users) this.add(user);
  }

  /** Adds or replaces a user. */
  add(user: SimUser): void {
    const allowedIps = user.allowedIps ?? [...(DEMO_USER.allowedIps as string[])];
    if (allowedIps !== '*') allowedIps.forEach(validateEntry);
    this.users.set(user.loginId, {
      loginId: user.loginId,
      password: user.password,
      allowedIps: allowedIps === '*' ? '*' : [...allowedIps],
      permissions: user.permissions === undefined || user.permissions === '*' ? '*' : [...user.permissions],
    });
  }

  update(loginId: string, patch: Partial<Omit<SimUser, 'loginId'>>): void {
    const current = this.users.get(loginId);
    if (!current) throw new SimUserNotFoundError(loginId);
    this.add({
      loginId,
      password: patch.password ?? current.password,
      allowedIps: patch.allowedIps ?? current.allowedIps,
      permissions: patch.permissions ?? current.permissions,
    });
  }

  /** Users without their passwords. */
  list(): Array<Omit<StoredUser, 'password'>> {
    return [...this.users.values()].map(({ password: _password, ...rest }) => rest);
  }

  /**
   * Konnektive's order: IP allow-list (of the named user) → credentials → permission. An unknown loginId fails
   * on credentials, since there is no allow-list to check it against.
   */
  authorize(
    loginId: string | undefined,
    password: string | undefined,
    ip: string,
    permission: Permission,
    endpoint: string,
    texts: RefusalTexts = {},
  ): AuthOutcome {
    const user = loginId === undefined ? undefined : this.users.get(loginId);
    if (user && !ipAllowed(user.allowedIps, ip)) {
      const template = texts.ipTemplate ?? IP_TEXTS.default;
      return { ok: false, kind: 'ip', message: template.replaceAll('{ip}', normalizeIp(ip)) };
    }
    if (!user || password === undefined || user.password !== password) {
      return { ok: false, kind: 'credentials', message: 'Could not authenticate credentials' };
    }
    if (user.permissions !== '*' && !user.permissions.includes(permission)) {
      return {
        ok: false,
        kind: 'permission',
        message: (texts.permissionTemplate ?? this.permissionTemplate)
          .replaceAll('{permission}', permission)
          .replaceAll('{endpoint}', endpoint),
      };
    }
    return { ok: true, user };
  }
}
