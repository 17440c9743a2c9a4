import { listenPort, NginxStatement, parseNginxConfig } from './nginx-syntax';

/** How a `location` matches the request URI (nginx's modifiers). */
export enum NginxLocationMatch {
  /** `location /path`: the longest matching prefix wins, unless a regex location matches too. */
  PREFIX = 'prefix',
  /** `location = /path`: this URI only; checked first. */
  EXACT = 'exact',
  /** `location ^~ /path`: a prefix that, when it is the longest, stops the regex search. */
  PREFIX_NO_REGEX = 'prefix-no-regex',
  /** `location ~ regex`: case-sensitive regular expression, in config order. */
  REGEX = 'regex',
  /** `location ~* regex`: case-insensitive regular expression, in config order. */
  REGEX_CASE_INSENSITIVE = 'regex-case-insensitive',
}

const MODIFIERS: Record<NginxLocationMatch, string> = {
  [NginxLocationMatch.PREFIX]: '',
  [NginxLocationMatch.EXACT]: '= ',
  [NginxLocationMatch.PREFIX_NO_REGEX]: '^~ ',
  [NginxLocationMatch.REGEX]: '~ ',
  [NginxLocationMatch.REGEX_CASE_INSENSITIVE]: '~* ',
};

/** A `location` block added to the server. */
export interface NginxLocation {
  /** The URI prefix, exact URI, or regular expression the location matches. */
  readonly path: string;
  /**
   * How `path` is matched.
   * @default NginxLocationMatch.PREFIX
   */
  readonly match?: NginxLocationMatch;
  /** nginx directives inside the block, e.g. `proxy_pass http://api:8080;`, verbatim. */
  readonly body: string;
}

/** What the tutorial's `default.conf` needs to know, and what may be added to it. */
export interface NginxServerConfigOptions {
  /** Port nginx serves plain HTTP on inside the container. */
  readonly httpPort: number;
  /** Port nginx serves HTTPS on inside the container. */
  readonly httpsPort: number;
  /** Absolute path of the certificate file (where the TLS Secret is mounted). */
  readonly certificatePath: string;
  /** Absolute path of the private key file (where the TLS Secret is mounted). */
  readonly privateKeyPath: string;
  /**
   * `server_name`; the tutorial uses `localhost` and relies on `default_server`.
   * @default 'localhost'
   */
  readonly serverName?: string;
  /**
   * Document root; the nginx images ship their welcome page here.
   * @default '/usr/share/nginx/html'
   */
  readonly root?: string;
  /**
   * Extra directives placed inside the `server` block, verbatim. They may not repeat a directive
   * the generated config sets, nor add locations (use `locations`).
   * @default none
   */
  readonly extraDirectives?: string;
  /**
   * `location` blocks added after the defaults; none may match what a default location matches.
   * @default none
   */
  readonly locations?: NginxLocation[];
  /**
   * Path of an exact-match location answering `200 ok` without writing to the access log, for
   * the kubelet's probes.
   * @default no health location
   */
  readonly healthCheckPath?: string;
  /**
   * Path of an exact-match `stub_status` location answering only loopback clients (the metrics
   * exporter in the same pod), not logged.
   * @default no stub_status location
   */
  readonly stubStatusPath?: string;
}

/** One problem with config options, named by the option it is in (e.g. `locations[1].path`). */
export interface NginxConfigProblem {
  /** The option (path) the problem is in. */
  readonly field: string;
  /** What nginx would do, and how to fix it. */
  readonly problem: string;
}

/** Directives the generated server block sets; nginx refuses most of them twice in one block. */
const GENERATED_SERVER_DIRECTIVES = ['listen', 'root', 'index', 'server_name', 'ssl_certificate', 'ssl_certificate_key', 'ssl_protocols'];

/**
 * Renders the tutorial's nginx `default.conf`: one server answering HTTP and HTTPS with the
 * mounted certificate, plus the health, stub_status and added locations. Only TLS 1.2 and 1.3 are
 * offered, as modern clients expect. Check the options with {@link nginxServerConfigProblems}.
 */
export function renderNginxServerConfig(options: NginxServerConfigOptions): string {
  const extra = options.extraDirectives?.trim();
  const lines = [
    'server {',
    `    listen ${options.httpPort} default_server;`,
    `    listen ${options.httpsPort} ssl default_server;`,
    '',
    `    root ${options.root ?? '/usr/share/nginx/html'};`,
    '    index index.html;',
    '',
    `    server_name ${options.serverName ?? 'localhost'};`,
    `    ssl_certificate ${options.certificatePath};`,
    `    ssl_certificate_key ${options.privateKeyPath};`,
    '    ssl_protocols TLSv1.2 TLSv1.3;',
    '',
    ...defaultLocations(options).flatMap((location) => [...renderLocation(location), '']),
    ...(options.locations ?? []).flatMap((location) => [...renderLocation(location), '']),
    ...(extra ? [...indent(extra), ''] : []),
  ];
  lines[lines.length - 1] = '}';
  return lines.join('\n') + '\n';
}

/**
 * What nginx would refuse (or silently shadow) in the options: malformed text, a directive the
 * generated config already sets, a location matching what another one matches.
 */
export function nginxServerConfigProblems(options: NginxServerConfigOptions): NginxConfigProblem[] {
  const problems: NginxConfigProblem[] = [];
  const claimed = new Map(defaultLocations(options).map((location) => [locationKey(location), `the generated location ${describeLocation(location)}`]));
  (options.locations ?? []).forEach((location, i) => {
    const field = `locations[${i}]`;
    if (!/^\S+$/.test(location.path) || /[{};]/.test(location.path)) {
      problems.push({ field: `${field}.path`, problem: `${JSON.stringify(location.path)} must be one word without '{', '}' or ';'` });
      return;
    }
    const key = locationKey(location);
    const owner = claimed.get(key);
    if (owner) {
      problems.push({ field: `${field}.path`, problem: `${describeLocation(location)} matches what ${owner} matches (nginx: duplicate location): pick another path, or replace the whole server config with serverConfig` });
    }
    claimed.set(key, `locations[${i}]`);
    const bodyProblem = syntaxProblem(location.body);
    if (bodyProblem) problems.push({ field: `${field}.body`, problem: bodyProblem });
  });
  if (options.extraDirectives !== undefined) problems.push(...extraDirectiveProblems(options.extraDirectives));
  return problems;
}

/**
 * What is wrong with a whole replacement `default.conf`: malformed text, no `server` block, a
 * port nginx would listen on that the container does not declare, or a missing `stub_status`.
 */
export function replacementServerConfigProblems(config: string, declaredPorts: readonly number[], needsStubStatus: boolean): string[] {
  let statements: NginxStatement[];
  try {
    statements = parseNginxConfig(config);
  } catch (error) {
    return [`nginx would refuse it: ${(error as Error).message}`];
  }
  const servers = statements.filter((s) => s.name === 'server' && s.block);
  const problems: string[] = [];
  if (servers.length === 0) problems.push('has no `server { ... }` block: the file is included in nginx\'s http context and must define the server');
  const listens = servers.flatMap((server) => server.block!.filter((s) => s.name === 'listen'));
  for (const port of new Set(listens.map((listen) => listenPort(listen.args[0] ?? '')))) {
    if (port !== undefined && !declaredPorts.includes(port)) {
      problems.push(`listens on port ${port}, which the nginx container does not declare (it declares ${declaredPorts.join(', ')}): listen on containerHttpPort / containerHttpsPort`);
    }
  }
  if (needsStubStatus && !allStatements(statements).some((s) => s.name === 'stub_status')) {
    problems.push('has no `stub_status` location, which the metrics exporter scrapes: add one at metrics.stubStatusPath, or disable metrics');
  }
  return problems;
}

function defaultLocations(options: NginxServerConfigOptions): NginxLocation[] {
  const locations: NginxLocation[] = [{ path: '/', body: 'try_files $uri $uri/ =404;' }];
  if (options.healthCheckPath) {
    locations.push({
      path: options.healthCheckPath,
      match: NginxLocationMatch.EXACT,
      // Probes every few seconds would drown the access log.
      body: 'access_log off;\ndefault_type text/plain;\nreturn 200 "ok\\n";',
    });
  }
  if (options.stubStatusPath) {
    locations.push({
      path: options.stubStatusPath,
      match: NginxLocationMatch.EXACT,
      // Only the exporter in the same pod (same network namespace) reads it.
      body: 'stub_status;\naccess_log off;\nallow 127.0.0.1;\nallow ::1;\ndeny all;',
    });
  }
  return locations;
}

function renderLocation(location: NginxLocation): string[] {
  return [`    location ${MODIFIERS[location.match ?? NginxLocationMatch.PREFIX]}${location.path} {`, ...indent(location.body.trim(), 2), '    }'];
}

function indent(text: string, levels = 1): string[] {
  return text.split('\n').map((line) => (line.trim() ? `${'    '.repeat(levels)}${line.trimEnd()}` : ''));
}

/** Prefix and `^~` locations of one path are the same location to nginx; regexes are keyed by their text. */
function locationKey(location: NginxLocation): string {
  const match = location.match ?? NginxLocationMatch.PREFIX;
  const kind = match === NginxLocationMatch.PREFIX_NO_REGEX ? NginxLocationMatch.PREFIX : match;
  return `${kind} ${location.path}`;
}

function describeLocation(location: NginxLocation): string {
  return `\`location ${MODIFIERS[location.match ?? NginxLocationMatch.PREFIX]}${location.path}\``;
}

function extraDirectiveProblems(text: string): NginxConfigProblem[] {
  const field = 'extraNginxDirectives';
  let statements: NginxStatement[];
  try {
    statements = parseNginxConfig(text);
  } catch (error) {
    return [{ field, problem: `nginx would refuse it: ${(error as Error).message}` }];
  }
  return statements.flatMap((statement): NginxConfigProblem[] => {
    if (statement.name === 'location') {
      return [{ field, problem: `\`location ${statement.args.join(' ')}\`: add locations with the locations prop, which checks them against the generated ones` }];
    }
    if (GENERATED_SERVER_DIRECTIVES.includes(statement.name)) {
      return [{ field, problem: `\`${statement.name}\` is already set by the generated config (nginx: duplicate directive): remove it, or replace the whole server config with serverConfig` }];
    }
    return [];
  });
}

function syntaxProblem(text: string): string | undefined {
  try {
    parseNginxConfig(text);
    return undefined;
  } catch (error) {
    return `nginx would refuse it: ${(error as Error).message}`;
  }
}

function allStatements(statements: readonly NginxStatement[]): NginxStatement[] {
  return statements.flatMap((s) => [s, ...allStatements(s.block ?? [])]);
}
