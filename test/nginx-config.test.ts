import { renderNginxServerConfig } from '../lib/nginx-config';

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
    expect(conf.startsWith('server {\n')).toBe(true);
    expect(conf.endsWith('}\n')).toBe(true);
  });

  test('server name, root and extra directives inside the server block', () => {
    const conf = renderNginxServerConfig({
      ...OPTIONS, serverName: 'example.com', root: '/srv/www', extraDirectives: 'location /healthz {\n    return 200;\n}\n',
    });
    expect(conf).toContain('    server_name example.com;\n');
    expect(conf).toContain('    root /srv/www;\n');
    expect(conf).toMatch(/    location \/healthz \{\n        return 200;\n    \}\n\}\n$/);
  });
});
