/**
 * Prometheus metrics (`GET /metrics`, prom-client): the Node.js process, and per answered REST call
 * its verb, status and latency — from which the node-facing counts (boots, checkins,
 * registrations, callbacks) follow — plus image bytes served. One registry per daemon, passed in
 * (never prom-client's global one), so tests and several apps in a process do not share counts.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { eventMetrics } from './event-metrics.js';
import type { RazorEvent } from '../lib/events/event-types.js';

/** One answered REST call, as the REST handler saw it. */
export interface ObservedCall {
  /** `<slice> <verb>` (`node checkin`), or `unrouted` when the path named no verb. */
  route: string;
  method: string;
  status: number;
  seconds: number;
}

/** The daemon's metrics. */
export interface RazorMetrics {
  observe(call: ObservedCall): void;
  /** Bytes of image files sent. */
  imageBytes(n: number): void;
  /** Counts one of razor's events (daemon/event-metrics.ts). */
  event(e: RazorEvent): void;
  /** One attempt to deliver an event to hook `hook` (ADR 0032), and whether it succeeded. */
  hookDelivery(hook: string, ok: boolean): void;
  /** The exposition text and its content type. */
  render(): Promise<{ text: string; contentType: string }>;
}

/** What node-facing calls count as, by route. */
const NODE_EVENTS: Record<string, string> = {
  'boot default': 'boot',
  'node checkin': 'checkin',
  'node register': 'register',
  'policy callback': 'callback',
};

/** A fresh registry with razor's metrics and the process's. */
export function razorMetrics(): RazorMetrics {
  const register = new Registry();
  collectDefaultMetrics({ register });
  const registers = [register];
  const latency = new Histogram({
    name: 'razor_http_request_duration_seconds',
    help: 'REST API request latency by verb, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const nodeCalls = new Counter({
    name: 'razor_node_requests_total',
    help: 'Node-facing calls answered (boot, checkin, register, callback) by outcome',
    labelNames: ['kind', 'outcome'],
    registers,
  });
  const images = new Counter({
    name: 'razor_image_bytes_sent_total',
    help: 'Bytes of image files sent to nodes',
    registers,
  });
  const event = eventMetrics(registers);
  const hookDeliveries = new Counter({
    name: 'razor_hook_deliveries_total',
    help: 'Attempts to deliver an event to a hook, by hook and outcome (ok or error)',
    labelNames: ['hook', 'outcome'],
    registers,
  });
  return {
    event,
    observe(c) {
      latency.observe({ route: c.route, method: c.method, status: String(c.status) }, c.seconds);
      const kind = NODE_EVENTS[c.route];
      if (kind) nodeCalls.inc({ kind, outcome: c.status < 400 ? 'ok' : 'error' });
    },
    imageBytes(n) {
      images.inc(n);
    },
    hookDelivery(hook, ok) {
      hookDeliveries.inc({ hook, outcome: ok ? 'ok' : 'error' });
    },
    async render() {
      return { text: await register.metrics(), contentType: register.contentType };
    },
  };
}
