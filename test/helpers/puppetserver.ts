/**
 * A private Puppet server for tests (ADR 0029): Debian's puppetserver run as a non-root user on
 * 127.0.0.1 with its own confdir, codedir, vardir and CA in a temporary folder, autosigning the
 * given certnames and serving a one-resource catalogue — a file holding the node's certname and
 * hostname. Start it with startPuppetServer, stop it with stop(). The settings follow
 * shared/reference/install-lab-notes.md (metrics.conf is required; the lean JVM needs ~0.5 GiB).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { execFileSync } from 'node:child_process';

const JAR = '/usr/share/puppetserver/puppetserver.jar';
const PACKAGE_CONF = '/etc/puppet/puppetserver';

/** A probe for systemAvailable: undefined when puppetserver, java and puppet are installed. */
export function puppetServerProbe(): string | undefined {
  if (!existsSync(JAR)) return `${JAR} is missing (Debian package puppetserver)`;
  for (const cmd of ['java', 'puppet'])
    try {
      execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    } catch {
      return `'${cmd}' does not run (Debian packages puppetserver, puppet-agent)`;
    }
  return undefined;
}

/** What the test server is started with. */
export interface PuppetServerOptions {
  /** Certnames (or globs such as `*.example.com`) signed without asking. */
  autosign: string[];
  /** The file the catalogue writes on the node: `<certname> <hostname fact>\n`. */
  file: string;
  /** Address to listen on (default 127.0.0.1; VMs behind QEMU's user network reach the host's as 10.0.2.2). */
  host?: string;
  /** Give up waiting for readiness after this long (default 900 s: ~25 s on an idle 2-core machine, ~580 s measured under load 37). */
  readyTimeoutMs?: number;
}

/** A running test server. */
export interface PuppetServer {
  port: number;
  /** Its private folder (logs in `log/`). */
  dir: string;
  /** Milliseconds from start until `/status/v1/simple` said `running`. */
  startMs: number;
  /** The server JVM's resident memory in MiB now. */
  rssMiB(): number;
  /** The agent settings a node needs: server, port and the keep-alive fix (install-lab-notes.md). */
  agentConf(): string;
  /** Stops the JVM (SIGTERM, then SIGKILL) and removes the folder. */
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** Whether https://host:port/status/v1/simple says `running` (any certificate). */
const running = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const req = request(
      { host, port, path: '/status/v1/simple', rejectUnauthorized: false, timeout: 2000 },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body.includes('running')));
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

/** Writes the server's private configuration below `b` (the lab notes' layout). */
function configure(b: string, port: number, host: string, o: PuppetServerOptions): void {
  for (const d of ['conf.d', 'services.d', 'etc', 'ca', 'var', 'run', 'log', 'home', 'gems'])
    mkdirSync(join(b, d), { recursive: true });
  const manifests = join(b, 'code/environments/production/manifests');
  mkdirSync(manifests, { recursive: true });
  for (const f of ['auth', 'ca', 'metrics', 'web-routes'])
    cpSync(join(PACKAGE_CONF, 'conf.d', `${f}.conf`), join(b, 'conf.d', `${f}.conf`));
  for (const f of ['bootstrap', 'ca'])
    cpSync(join(PACKAGE_CONF, 'services.d', `${f}.cfg`), join(b, 'services.d', `${f}.cfg`));
  const files: Record<string, string> = {
    'conf.d/global.conf': `global: { logging-config: "${b}/logback.xml" }\nproduct: { check-for-updates: false }\n`,
    'conf.d/webserver.conf': `webserver: { client-auth: want, ssl-host: "${host}", ssl-port: ${port} }\n`,
    'conf.d/puppetserver.conf': `jruby-puppet: {
  ruby-load-path: [/usr/lib/puppetserver/ruby/vendor_ruby]
  gem-home: "${b}/gems"
  gem-path: [\${jruby-puppet.gem-home}, "/usr/lib/puppetserver/vendored-jruby-gems"]
  server-conf-dir: "${b}/etc", server-code-dir: "${b}/code", server-var-dir: "${b}/var"
  server-run-dir: "${b}/run", server-log-dir: "${b}/log"
  max-active-instances: 1
}
http-client: {}
profiler: {}
`,
    'logback.xml': `<configuration><appender name="F" class="ch.qos.logback.core.FileAppender">
<file>${b}/log/puppetserver.log</file><encoder><pattern>%d %-5p [%c{2}] %m%n</pattern></encoder>
</appender><root level="info"><appender-ref ref="F"/></root></configuration>\n`,
    'etc/puppet.conf': `[main]\nca_server = ${host}\nca_port = ${port}\n[server]\ncertname = puppet.test
dns_alt_names = ${[...new Set(['localhost', 'IP:127.0.0.1', `IP:${host}`, 'IP:10.0.2.2'])].join(',')}\nautosign = ${b}/etc/autosign.conf
ssldir = ${b}/etc/ssl\ncadir = ${b}/ca\n`,
    // A glob list; it must not be executable (Puppet would run it as a policy program).
    'etc/autosign.conf': `${o.autosign.join('\n')}\n`,
    'code/environments/production/manifests/site.pp': `node default {
  file { ${JSON.stringify(o.file)}: content => "\${trusted['certname']} \${facts['networking']['hostname']}\\n" }
}\n`,
  };
  for (const [rel, text] of Object.entries(files)) writeFileSync(join(b, rel), text, { mode: 0o644 });
}

/** The user the server runs as: `puppet` (from the package) when we are root, else ourselves. */
function serverUser(): { uid: number; gid: number } {
  const me = userInfo();
  if (me.uid !== 0) return { uid: me.uid, gid: me.gid };
  const id = (flag: string) => Number(execFileSync('id', [flag, 'puppet'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function chownTree(dir: string, uid: number, gid: number): void {
  execFileSync('chown', ['-R', `${uid}:${gid}`, dir]);
  chownSync(dir, uid, gid);
}

/** Starts a private puppetserver and waits until it is ready (throws with its log if it is not). */
export async function startPuppetServer(o: PuppetServerOptions): Promise<PuppetServer> {
  const host = o.host ?? '127.0.0.1';
  const port = await freePort();
  const b = mkdtempSync(join(tmpdir(), 'razor-puppetserver-'));
  configure(b, port, host, o);
  const user = serverUser();
  chownTree(b, user.uid, user.gid);
  const started = Date.now();
  const out = openSync(join(b, 'log/stdout.log'), 'a');
  // The lean JVM of the lab notes: ready in ~25 s at ~0.5 GiB (the default -Xmx1g takes ~0.85 GiB).
  const child = spawn(
    'java',
    [
      '-Xms256m',
      '-Xmx512m',
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-XX:+CrashOnOutOfMemoryError',
      '-Djruby.logger.class=com.puppetlabs.jruby_utils.jruby.Slf4jLogger',
      '-Djruby.lib=/usr/share/jruby/lib',
      `-Djava.io.tmpdir=${b}/run`,
      '--add-opens',
      'java.base/sun.nio.ch=ALL-UNNAMED',
      '--add-opens',
      'java.base/java.io=ALL-UNNAMED',
      '-jar',
      JAR,
      '--config',
      `${b}/conf.d`,
      '--bootstrap-config',
      `${b}/services.d`,
      '--restart-file',
      `${b}/run/restart`,
    ],
    { uid: user.uid, gid: user.gid, env: { ...process.env, HOME: `${b}/home` }, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited(child);
      clearTimeout(timer);
    }
    rmSync(b, { recursive: true, force: true });
  };
  const log = () =>
    ['puppetserver.log', 'stdout.log']
      .map((f) => join(b, 'log', f))
      .map((f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').slice(-20).join('\n') : ''))
      .join('\n');
  const deadline = started + (o.readyTimeoutMs ?? 900_000);
  while (!(await running(host, port))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      const why = child.exitCode !== null ? `exited ${child.exitCode}` : 'was not ready in time';
      const tail = log();
      await stop();
      throw new Error(`puppetserver ${why}; its log ends:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    port,
    dir: b,
    startMs: Date.now() - started,
    rssMiB: () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Math.round(Number(m[1]) / 1024) : 0;
    },
    agentConf: () => `[main]\nserver = ${host}\nserverport = ${port}\n[agent]\nhttp_keepalive_timeout = 0\n`,
    stop,
  };
}
