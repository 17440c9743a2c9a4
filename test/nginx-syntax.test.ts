import { parseNginxConfig } from '../lib/nginx-syntax';

describe('parseNginxConfig', () => {
  test('statements with their blocks, comments dropped, quotes removed', () => {
    expect(parseNginxConfig('# c\nadd_header X-A "a b";\nlocation /x { if ($a) { return 204; } }')).toEqual([
      { name: 'add_header', args: ['X-A', 'a b'] },
      { name: 'location', args: ['/x'], block: [{ name: 'if', args: ['($a)'], block: [{ name: 'return', args: ['204'] }] }] },
    ]);
  });

  test.each([
    ['return 200', /directive "return 200" is not terminated by ";"/],
    ['location / { return 200;', /block "location \/ \{" is not closed by "\}"/],
    ['return 200; }', /unexpected "\}" with no block open/],
    ['{ return 200; }', /unexpected "\{" with no directive before it/],
    ['location / { return 200 }', /directive "return 200" is not terminated by ";"/],
  ])('refuses %j', (text, message) => {
    expect(() => parseNginxConfig(text)).toThrow(message);
  });
});
