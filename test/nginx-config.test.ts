import { NginxLocationMatch, nginxServerConfigProblems, renderNginxServerConfig, replacementServerConfigProblems } from '../lib/nginx-config';

const OPTIONS = { httpPort: 8080, httpsPort: 8443, certificatePath: '/etc/nginx/ssl/tls.crt', privateKeyPath: '/etc/nginx/ssl/tls.key' };

describe('renderNginxServerConfig', () => {
  test('listens on both ports, TLS on the https one, with the mounted certificate and key', () => {
    const conf = renderNginxServerConfig(OPTIONS);
    expect(conf).toContain('    listen 8080 default_server;\n');
    expect(conf).toContain('    listen 8443 ssl default_server;\n');
    expect(conf).toContain('    ssl_certificate /etc/nginx/ssl/tls.crt;\n');
    expect(conf).toContain('    ssl_certificate_key /etc/nginx/ssl/tls.key;\n');
    expect(conf).toContain('    ssl_protocols TLSv1.2 TLSv1.3;\n');
    expect(conf).toContain('    root /usr/share/nginx/html;\n');
    expect(conf).toContain('    location / {\n        try_files $uri $uri/ =404;\n    }\n}\n');
    expect(conf.startsWith('server {\n')).toBe(true);
  });

  test('server name, root, health and stub_status locations, added locations, then extra directives', () => {
    const conf = renderNginxServerConfig({
      ...OPTIONS, serverName: 'example.com', root: '/srv/www', healthCheckPath: '/healthz', stubStatusPath: '/stub_status',
      locations: [{ path: '/api/', match: NginxLocationMatch.PREFIX_NO_REGEX, body: 'return 204;' }],
      extraDirectives: 'add_header X-Frame-Options DENY;\n',
    });
    expect(conf).toContain('    server_name example.com;\n');
    expect(conf).toContain('    root /srv/www;\n');
    const order = ['location / {', 'location = /healthz {', 'location = /stub_status {', 'location ^~ /api/ {', 'add_header X-Frame-Options DENY;'].map((s) => conf.indexOf(s));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]))).toBe(true);
    expect(conf).toMatch(/    add_header X-Frame-Options DENY;\n\}\n$/);
  });
});

describe('nginxServerConfigProblems', () => {
  test('none for distinct locations and free directives', () => {
    expect(nginxServerConfigProblems({
      ...OPTIONS, healthCheckPath: '/healthz',
      locations: [
        { path: '/', match: NginxLocationMatch.EXACT, body: 'return 302 /index.html;' },
        { path: '/healthz/', body: 'return 204;' },
        { path: '^/img/', match: NginxLocationMatch.REGEX, body: 'expires 1d;' },
      ],
      extraDirectives: 'add_header X-A a;\nclient_max_body_size 1m;',
    })).toEqual([]);
  });

  test('a prefix and a ^~ location of one path are one location to nginx; exact ones differ', () => {
    expect(nginxServerConfigProblems({ ...OPTIONS, locations: [{ path: '/', match: NginxLocationMatch.PREFIX_NO_REGEX, body: 'return 204;' }] }))
      .toEqual([{ field: 'locations[0].path', problem: expect.stringContaining('matches what the generated location `location /` matches') }]);
  });

  test('names each bad field', () => {
    const problems = nginxServerConfigProblems({
      ...OPTIONS, stubStatusPath: '/stub_status',
      locations: [{ path: '/stub_status', match: NginxLocationMatch.EXACT, body: 'return 204;' }, { path: 'a b', body: '' }, { path: '/c', body: 'return' }],
      extraDirectives: 'listen 9000;\nlocation /x { }\nadd_header X-A a',
    });
    expect(problems.map((p) => p.field)).toEqual(['locations[0].path', 'locations[1].path', 'locations[2].body', 'extraNginxDirectives']);
    expect(problems[3].problem).toMatch(/not terminated/);
    expect(nginxServerConfigProblems({ ...OPTIONS, extraDirectives: 'listen 9000;\nlocation /x { }' }).map((p) => p.problem)).toEqual([
      expect.stringMatching(/`listen` is already set by the generated config/),
      expect.stringMatching(/`location \/x`: add locations with the locations prop/),
    ]);
  });
});

describe('replacementServerConfigProblems', () => {
  const good = 'server { listen 8080; listen [::]:8443 ssl; location = /stub_status { stub_status; } }';
  test('a server on the declared ports passes', () => {
    expect(replacementServerConfigProblems(good, [8080, 8443], true)).toEqual([]);
  });
  test('no server, undeclared ports, no stub_status when metrics need it, malformed text', () => {
    expect(replacementServerConfigProblems('gzip on;', [8080], false)).toEqual([expect.stringMatching(/has no `server \{ ... \}` block/)]);
    expect(replacementServerConfigProblems('server { listen 80; }', [8080, 8443], true)).toEqual([
      expect.stringMatching(/listens on port 80, which the nginx container does not declare \(it declares 8080, 8443\)/),
      expect.stringMatching(/has no `stub_status` location/),
    ]);
    expect(replacementServerConfigProblems('server {', [8080], false)).toEqual([expect.stringMatching(/nginx would refuse it: block "server \{" is not closed/)]);
  });
});
