import { recordFinding } from '../support/findings.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';

/**
 * Paging the users list by cursor: `$skiptoken` names where the last page stopped (creation time
 * and id), not how many users came before, so deleting or creating users between pages never
 * makes a page skip or repeat anyone. Run against both stores (Redis and the in-memory one).
 */

type Listed = { id: string; mail: string; createdDateTime: string };

/**
 * The list's order: creation time, then id bytes. Users created within one millisecond (a fast
 * store) are not in the order they were created in.
 */
function inListOrder(users: Listed[]): Listed[] {
  return users.toSorted((a, b) => Date.parse(a.createdDateTime) - Date.parse(b.createdDateTime) || Buffer.compare(Buffer.from(a.id), Buffer.from(b.id)));
}

describe.each(['redis', 'memory'] as const)('the users list on the %s store', (storeKind) => {
  let idp: RunningIdp;
  let tenant = 0;

  beforeAll(async () => {
    idp = await startIdp(storeKind === 'memory' ? { store: 'memory' } : {});
  });

  afterAll(async () => {
    await idp.close();
  });

  async function newTenant(): Promise<string> {
    tenant += 1;
    const id = `paging-${tenant}`;
    expect((await idp.admin('POST', '/admin/tenants', { id, displayName: 'Paging' })).status).toBe(201);
    return id;
  }

  async function addUser(tenantId: string, mail: string): Promise<Listed> {
    const created = await idp.admin('POST', `/admin/tenants/${tenantId}/users`, { mail });
    expect(created.status).toBe(201);
    return created.body as Listed;
  }

  async function page(url: string): Promise<{ value: Listed[]; next: string | undefined }> {
    const response = await idp.admin('GET', url.replace(idp.baseUrl, ''));
    expect(response.status).toBe(200);
    return { value: response.body.value, next: response.body['@odata.nextLink'] };
  }

  test('deleting a user of page 1 does not make page 2 skip anyone', async () => {
    const tenantId = await newTenant();
    let users: Listed[] = [];
    for (let index = 0; index < 12; index += 1) users.push(await addUser(tenantId, `user${index}@partner.example`));
    users = inListOrder(users);

    const first = await page(`/admin/tenants/${tenantId}/users?$top=5`);
    expect(first.value.map((user) => user.id)).toEqual(users.slice(0, 5).map((user) => user.id));
    expect((await idp.admin('DELETE', `/admin/tenants/${tenantId}/users/${users[1]?.id}`)).status).toBe(204);

    const second = await page(first.next as string);
    expect(second.value.map((user) => user.id)).toEqual(users.slice(5, 10).map((user) => user.id));
    const third = await page(second.next as string);
    expect(third.value.map((user) => user.id)).toEqual(users.slice(10).map((user) => user.id));
    expect(third.next).toBeUndefined();
  });

  test('nobody is skipped or repeated while users are created and deleted between pages', async () => {
    const tenantId = await newTenant();
    let users: Listed[] = [];
    for (let index = 0; index < 30; index += 1) users.push(await addUser(tenantId, `churn${index}@partner.example`));
    users = inListOrder(users);
    const deletedUnseen = new Set<string>();
    const seen: string[] = [];
    let created = 0;
    let deleted = 0;

    let next: string | undefined = `/admin/tenants/${tenantId}/users?$top=4`;
    while (next) {
      const current = await page(next);
      seen.push(...current.value.map((user) => user.id));
      next = current.next;
      // Between pages: two newcomers, one user already listed and one not yet listed leave.
      for (let index = 0; index < 2; index += 1) users.push(await addUser(tenantId, `new${created++}@partner.example`));
      const listedVictim = users.find((user) => seen.includes(user.id) && !deletedUnseen.has(user.id) && user.id !== seen.at(-1));
      const unlistedVictim = users.find((user) => !seen.includes(user.id) && !deletedUnseen.has(user.id) && users.indexOf(user) < 30);
      for (const victim of [listedVictim, unlistedVictim]) {
        if (!victim) continue;
        expect((await idp.admin('DELETE', `/admin/tenants/${tenantId}/users/${victim.id}`)).status).toBe(204);
        users.splice(users.indexOf(victim), 1);
        if (victim === unlistedVictim) deletedUnseen.add(victim.id);
        deleted += 1;
      }
      if (created > 60) break;
    }

    expect(new Set(seen).size).toBe(seen.length);
    // Everyone who was there from the first page to the last was listed, exactly once, in order.
    const original = inListOrder(users.filter((user) => !user.mail.startsWith('new'))).map((user) => user.id);
    expect(seen.filter((id) => original.includes(id))).toEqual(original);
    for (const id of deletedUnseen) expect(seen).not.toContain(id);

    if (storeKind === 'redis') {
      recordFinding({
        kind: 'attack',
        name: 'Users list paging while users change',
        tried: `paged 30 users 4 at a time while creating 2 and deleting 2 users between pages (${created} created, ${deleted} deleted)`,
        times: seen.length,
        result: `${seen.length} users listed, none twice, none of the ${original.length} present throughout skipped; deleted unlisted users never appeared`,
      });
    }
  });

  test('$skiptoken is refused with 400 unless this API issued it for this tenant', async () => {
    const tenantId = await newTenant();
    const other = await newTenant();
    for (let index = 0; index < 3; index += 1) {
      await addUser(tenantId, `token${index}@partner.example`);
      await addUser(other, `token${index}@partner.example`);
    }
    const issued = new URL((await page(`/admin/tenants/${tenantId}/users?$top=1`)).next as string).searchParams.get('$skiptoken') as string;
    const elsewhere = new URL((await page(`/admin/tenants/${other}/users?$top=1`)).next as string).searchParams.get('$skiptoken') as string;
    const [body, tag] = issued.split('.') as [string, string];
    const forgedBody = Buffer.from(JSON.stringify({ t: tenantId, s: 0, i: '' })).toString('base64url');

    for (const token of ['1', 'bm90LWEtbnVtYmVy', elsewhere, `${forgedBody}.${tag}`, `${body}.${tag.slice(0, -2)}AA`, `${body}`, '']) {
      const response = await idp.admin('GET', `/admin/tenants/${tenantId}/users?$skiptoken=${encodeURIComponent(token)}`);
      expect({ token, status: response.status }).toEqual({ token, status: 400 });
      expect(response.body.error.code).toBe('BadRequest');
    }
    expect((await idp.admin('GET', `/admin/tenants/${tenantId}/users?$skiptoken=${encodeURIComponent(issued)}`)).status).toBe(200);
  });
});
