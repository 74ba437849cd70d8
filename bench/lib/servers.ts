/**
 * The three servers of the boot benchmark, each a child process: the real razor daemon (bound to
 * one node of the fleet through its own REST API, as an operator and a Microkernel would), a bare
 * Express 5 handler, and nginx serving a static file from a generated config in a temp dir; for
 * the image benchmark, nginx serving razor's image folder itself.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RAZOR } from '../../test/helpers/daemon.js';
import { testEnv } from '../../test/helpers/deps.js';
import { OS_IMAGE, type Target } from './fleet.js';

/** A server under test. */
export interface Server {
  name: string;
  url: string;
  pid: number;
  stop: () => Promise<unknown>;
  /** razor only: the RAZOR_* ports it was started with, so a render elsewhere says the same. */
  env?: Record<string, string>;
  /** razor only: the admin token its first start wrote, for admin routes over TCP. */
  token?: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));

/** Pins every thread of `pid` to `cpu` (taskset -a), when `cpu` is given. */
export function pin(pid: number, cpu: number | undefined): void {
  if (cpu === undefined) return;
  const r = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`taskset failed for pid ${pid}: ${r.stderr}`);
}

/** The boot query razor.ipxe sends for `t`: every MAC (empty slots for missing NICs), the DHCP NIC. */
export function bootPath(t: Target): string {
  const hw = t.macs.map(encodeURIComponent).join('_');
  return `/razor/api/boot?hw_id=${hw}______&dhcp_mac=01-${t.macs[0].replace(/:/g, '-')}`;
}

/** GET `url`: status, content type and text. */
export async function get(url: string) {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** Fails unless `s` answers exactly `body` with `type` at `path`. */
export async function expectSame(s: Server, path: string, body: string, type: string) {
  const r = await get(s.url + path);
  if (r.status !== 200 || r.type !== type || r.body !== body)
    throw new Error(`${s.name} does not answer the same bytes: ${r.status} ${r.type} ${r.body.length} bytes`);
}

/** Checks razor's answer is the installer script for the bound node, and stable; returns it. */
export async function installerScript(razor: Server, path: string, imageUuid = OS_IMAGE) {
  const first = await get(razor.url + path); // records dhcp_mac and the boot event (store writes)
  const r = await get(razor.url + path); // steady state: no writes
  // The image service's port is the daemon's (a free one here, see startRazor).
  const image = `http://10\\.0\\.2\\.2:\\d+/razor/image/os/${imageUuid}/debian-installer/amd64`;
  const want = [
    /^#!ipxe\n/,
    new RegExp(`\\nkernel ${image}/linux .*auto=true priority=critical.*/preseed/file`),
    new RegExp(`\\ninitrd ${image}/initrd\\.gz`),
  ];
  const missing = want.filter((w) => !w.test(r.body));
  if (r.status !== 200 || !r.type.startsWith('text/plain') || missing.length || r.body !== first.body)
    throw new Error(`razor's boot answer is not the installer script (no ${missing.join(', ')}):\n${r.body}`);
  return r;
}

/** An admin REST call with the token razor wrote at its first start; the `response` of the envelope. */
export async function api(razor: Server, method: 'GET' | 'POST', path: string, body?: object) {
  const res = await fetch(`${razor.url}/razor/api/${path}`, {
    method,
    headers: {
      ...(razor.token ? { authorization: `Bearer ${razor.token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as { response: unknown };
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json.response as Array<{ uuid: string }> & string;
}

/** Starts the razor daemon (`./bin/razor daemon`, `nodeArgs` for node) on the store in `home`. */
export async function startRazor(
  home: string,
  nodeArgs: string[] = [],
  razorBin = RAZOR,
  name = 'razor',
): Promise<Server> {
  // Real ports, not 0: the daemon tells nodes its API and image ports in the scripts it serves.
  const [port, imagePort] = [await freePort(), await freePort()];
  const args = ['daemon', '--listen', '127.0.0.1', '--port', String(port), '--image-port', String(imagePort)];
  const proc = spawn(process.execPath, [...nodeArgs, razorBin, ...args], {
    env: testEnv(home),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await childOutput(proc, 'razor daemon', /API\s+http:/);
  const tokenFile = join(home, 'admin.token');
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    pid: proc.pid as number,
    stop: stopChild(proc),
    env: { RAZOR_API_PORT: String(port), RAZOR_IMAGE_SVC_PORT: String(imagePort) },
    token: existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined,
  };
}

/** A policy as an operator sets one up over REST: a tag rule on one fact, a model, the policy. */
export interface OperatorPolicy {
  /** The tag (its rule is named after it). */
  tag: string;
  /** The fact the rule compares for equality. */
  matcher: { key: string; value: string };
  /** Model and policy label; also the hostname prefix. */
  label: string;
  /** The debian_bookworm model's image. */
  image: string;
  /** The policy's maximum_count (0: no limit). */
  maximum?: number;
}

/** Sets up `p` through the REST API of `razor` (which holds the admin token). */
export async function operatorPolicy(razor: Server, p: OperatorPolicy): Promise<void> {
  const rule = (await api(razor, 'POST', 'tag', { name: p.tag.replace(/_/g, ' '), tag: p.tag }))[0]?.uuid;
  await api(razor, 'POST', `tag/${rule}/matcher`, { ...p.matcher, compare: 'equal' });
  const model = await api(razor, 'POST', 'model', {
    template: 'debian_bookworm',
    label: p.label,
    image_uuid: p.image,
    req_metadata_hash: {
      hostname_prefix: p.label,
      domainname: 'example.com',
      root_password: 'correct-horse',
    },
  });
  await api(razor, 'POST', 'policy', {
    template: 'linux_deploy',
    label: p.label,
    model_uuid: model[0]?.uuid,
    tags: [p.tag],
    enabled: true,
    ...(p.maximum ? { maximum: p.maximum } : {}),
  });
}

/**
 * Binds the target through razor's REST API as an operator and a Microkernel would: a tag rule on
 * its serial number, a debian_bookworm model, a policy for that tag, then a checkin that binds it.
 */
export async function bindTarget(razor: Server, target: Target, imageUuid = OS_IMAGE): Promise<void> {
  await operatorPolicy(razor, {
    tag: 'bench_target',
    matcher: { key: 'serialnumber', value: target.serial },
    label: 'web',
    image: imageUuid,
  });
  const hw = target.macs.map((m) => m.replace(/:/g, '').toUpperCase()).join('_');
  const checkin = (await api(razor, 'GET', `node/checkin?hw_id=${hw}&last_state=idle`)) as unknown;
  const answer = (checkin as { command_name?: string }).command_name;
  const bound = await api(razor, 'GET', 'active_model');
  if (answer !== 'acknowledge' || bound.length !== 1)
    throw new Error(`binding failed: checkin said ${answer}, ${bound.length} active models`);
}

/** Waits for a child to print something matching `ready`; rejects if it exits first. */
/** Resolves when `proc` prints `ready` on stdout; rejects if it exits first or after 20 s. */
export function childOutput(proc: ChildProcess, what: string, ready: RegExp): Promise<RegExpExecArray> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${out}`)), 20_000);
    proc.stdout?.on('data', (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    proc.stderr?.on('data', (d) => (out += d));
    proc.once('exit', (code) => reject(new Error(`${what} exited with ${code}:\n${out}`)));
  });
}

/** SIGTERM to `proc`, resolving when it has exited. */
export const stopChild = (proc: ChildProcess) => () =>
  new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve(proc.exitCode);
    proc.once('exit', resolve);
    proc.kill('SIGTERM');
  });

/** Starts the bare Express 5 handler (bench/lib/express-server.ts) answering `bodyFile`'s bytes. */
export async function startExpress(bodyFile: string, contentType: string): Promise<Server> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(HERE, 'express-server.ts'), bodyFile, contentType],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const port = Number((await childOutput(proc, 'express', /listening (\d+)/))[1]);
  return { name: 'express', url: `http://127.0.0.1:${port}`, pid: proc.pid as number, stop: stopChild(proc) };
}

/** Starts razor's HTTP layer with a canned invoke (bench/lib/razor-app-server.ts), for the profile. */
export async function startRazorApp(bodyFile: string, logFile: string, logLevel = 'info'): Promise<Server> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(HERE, 'razor-app-server.ts'), bodyFile, logFile, logLevel],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const port = Number((await childOutput(proc, 'razor app', /listening (\d+)/))[1]);
  return {
    name: logLevel === 'info' ? 'razor HTTP layer' : `razor HTTP, log ${logLevel}`,
    url: `http://127.0.0.1:${port}`,
    pid: proc.pid as number,
    stop: stopChild(proc),
  };
}

/** A free loopback TCP port (nginx cannot listen on port 0 and say which it got). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/**
 * Starts nginx in the foreground (one process: no master, one worker's worth of work) serving
 * `body` at `urlPath` from `dir`, every path (pid, logs, temp files) inside `dir`.
 */
export async function startNginx(dir: string, urlPath: string, body: string): Promise<Server> {
  const www = join(dir, 'www');
  mkdirSync(join(www, dirname(urlPath)), { recursive: true });
  writeFileSync(join(www, urlPath), body);
  return runNginx(dir, urlPath, '  default_type text/plain;\n  charset utf-8;', `root ${www};`);
}

/**
 * Starts nginx as startNginx does, serving the files below `imageRoot` at `/razor/image/` (the
 * image service's URL layout, `<type>/<uuid>/<path>`) straight from razor's own image folder, as
 * application/octet-stream; `probePath` is a URL path that must answer 200 once it is up. With
 * `sendfile` false it reads and writes through two 256 KiB buffers, as razor does.
 */
export async function startNginxImages(
  dir: string,
  imageRoot: string,
  probePath: string,
  sendfile: boolean,
): Promise<Server> {
  mkdirSync(dir, { recursive: true });
  const location = `location /razor/image/ {\n      alias ${imageRoot}/;\n    }`;
  const http = '  default_type application/octet-stream;' + (sendfile ? '' : '\n  output_buffers 2 256k;');
  const s = await runNginx(dir, probePath, http, location, sendfile);
  return { ...s, name: sendfile ? 'nginx' : 'nginx_rw' };
}

async function runNginx(
  dir: string,
  probePath: string,
  http: string,
  server: string,
  sendfile = true,
): Promise<Server> {
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `  ${t}_temp_path ${join(dir, `${t}_temp`)};`)
    .join('\n');
  writeFileSync(
    conf,
    `daemon off;
master_process off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
${temps}
  sendfile ${sendfile ? 'on' : 'off'};
  tcp_nopush on;
  keepalive_requests 1000000;
  open_file_cache max=16;
  types { }
${http}
  server {
    listen 127.0.0.1:${port};
    ${server}
  }
}
`,
  );
  const proc = spawn('nginx', ['-p', dir, '-e', join(dir, 'error.log'), '-c', conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`nginx exited with ${proc.exitCode}: ${err}`);
    const ok = await fetch(url + probePath, { method: 'HEAD' }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 100) throw new Error(`nginx did not answer on ${url}: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { name: 'nginx', url, pid: proc.pid as number, stop: stopChild(proc) };
}
