import { listenPort, looksLikeNginxConfig, parseNginxDirectives } from '../src/nginx-directives';

describe('parseNginxDirectives', () => {
  test('flattens blocks, drops comments and unquotes arguments', () => {
    const config = `
      # ssl_certificate /commented/out.crt;
      server {
        listen 8443 ssl; # trailing comment
        ssl_certificate "/etc/nginx/ssl/my cert.crt";
        location / { try_files $uri#fragment =404; }
      }`;

    expect(parseNginxDirectives(config)).toEqual([
      { name: 'server', args: [] },
      { name: 'listen', args: ['8443', 'ssl'] },
      { name: 'ssl_certificate', args: ['/etc/nginx/ssl/my cert.crt'] },
      { name: 'location', args: ['/'] },
      { name: 'try_files', args: ['$uri#fragment', '=404'] },
    ]);
  });

  test('recognises nginx configs', () => {
    expect(looksLikeNginxConfig('server {\n}')).toBe(true);
    expect(looksLikeNginxConfig('ssl_certificate /x;')).toBe(true);
    expect(looksLikeNginxConfig('key: value')).toBe(false);
  });
});

describe('listenPort', () => {
  test.each([
    ['8443', 8443],
    ['[::]:8443', 8443],
    ['127.0.0.1:8080', 8080],
    ['localhost', 80],
    ['unix:/var/run/nginx.sock', undefined],
  ])('%s -> %s', (address, port) => {
    expect(listenPort(address)).toBe(port);
  });
});
