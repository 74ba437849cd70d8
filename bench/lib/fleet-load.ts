/**
 * Simulated Microkernels against a daemon's REST API: registrations and checkins exactly as the
 * agent sends them, driven by a fixed number of concurrent clients, with every latency and error.
 */
import { Agent, request } from 'node:http';

/** What one client call measured. */
export interface CallResult {
  ok: boolean;
  ms: number;
  /** When it finished, in ms since the load started. */
  at: number;
  error?: string;
}

/** A keep-alive HTTP call that resolves with status and body (never rejects). */
function call(
  agent: Agent,
  url: URL,
  method: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        agent,
        method,
        headers: body
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
          : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', (err) => resolve({ status: 0, text: err.message }));
    req.end(body);
  });
}

/** A Microkernel's two calls against the API at `base` (`http://host:port`). */
export function mkClient(base: string, connections: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const timed = async (method: string, path: string, body?: string, started = performance.now()) => {
    const r = await call(agent, new URL(path, base), method, body);
    const ok = r.status === 200 || r.status === 201 || r.status === 202;
    return {
      ok,
      ms: performance.now() - started,
      error: ok ? undefined : `${r.status} ${r.text.slice(0, 120)}`,
    };
  };
  return {
    register: (hwId: string, facts: Record<string, string>) =>
      timed(
        'POST',
        '/razor/api/node/register',
        JSON.stringify({ hw_id: hwId, last_state: 'idle', attributes_hash: facts }),
      ),
    checkin: (hwId: string) =>
      timed('GET', `/razor/api/node/checkin?hw_id=${encodeURIComponent(hwId)}&last_state=idle`),
    /** A checkin that also says which command the daemon answered (`acknowledge`, `register`, …). */
    checkinAnswer: async (hwId: string) => {
      const path = `/razor/api/node/checkin?hw_id=${encodeURIComponent(hwId)}&last_state=idle`;
      const r = await call(agent, new URL(path, base), 'GET');
      const command = /"command_name"\s*:\s*"(\w+)"/.exec(r.text)?.[1];
      return r.status === 200 && command
        ? { ok: true, command }
        : { ok: false, command, error: `${r.status} ${r.text.slice(0, 120)}` };
    },
    close: () => agent.destroy(),
  };
}

/**
 * Runs `work(i)` for i = 0, 1, … with `concurrency` at once, until `count` are done or `seconds`
 * have passed (then no new call starts); returns each call's result in completion order.
 */
export async function runLoad(
  concurrency: number,
  count: number,
  seconds: number,
  work: (i: number) => Promise<Omit<CallResult, 'at'>>,
): Promise<CallResult[]> {
  const results: CallResult[] = [];
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let next = 0;
  const worker = async () => {
    while (next < count && performance.now() < deadline) {
      const r = await work(next++);
      results.push({ ...r, at: performance.now() - start });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** The q-quantile (0..1) of latencies, in ms. */
export function quantile(results: readonly CallResult[], q: number): number {
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  return ms.length ? (ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] as number) : NaN;
}

/** Calls per second of one slice of the results (by completion order): `part` of `parts`. */
export function sliceRate(results: readonly CallResult[], part: number, parts: number): number {
  const size = Math.floor(results.length / parts);
  const slice = results.slice(part * size, (part + 1) * size);
  if (slice.length < 2) return NaN;
  const first = part === 0 ? 0 : (results[part * size - 1] as CallResult).at;
  return (slice.length * 1000) / ((slice[slice.length - 1] as CallResult).at - first);
}
