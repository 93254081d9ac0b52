import { randomBytes } from 'node:crypto';

/** A key namespace of its own for each test file, so runs never see each other's data. */
export function uniqueNamespace(): string {
  return `gi-test-${randomBytes(6).toString('hex')}`;
}
