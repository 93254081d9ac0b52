import { isValidDomain, isValidTenantId } from '../../src/tenants/tenant.ts';

test.each(['contoso', 'contoso-ltd', 'a', '0b1c', '7f0e2d4c-6c4e-4b2a-9d3e-1f2a3b4c5d6e'])('%s is a tenant id', (id) => {
  expect(isValidTenantId(id)).toBe(true);
});

test.each(['Contoso', '-contoso', 'contoso-', 'con_toso', 'contoso.com', 'common', 'organizations', 'consumers', 'admin', '', 'a'.repeat(64)])(
  '%s is not a tenant id',
  (id) => { expect(isValidTenantId(id)).toBe(false); },
);

test.each(['contoso.com', 'mail.contoso.co.uk', 'xn--bcher-kva.example'])('%s is a domain', (domain) => {
  expect(isValidDomain(domain)).toBe(true);
});

test.each(['contoso', 'contoso.', '.com', 'a..b.com', 'contoso.c0m', 'Contoso.com', 'con toso.com', '-a.com', `${'a'.repeat(64)}.com`])(
  '%s is not a domain',
  (domain) => { expect(isValidDomain(domain)).toBe(false); },
);
