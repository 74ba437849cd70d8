/**
 * Metrics from razor's events (lib/events): events by type, binds per policy, state transitions
 * per model type, and install durations — bind to `os_complete` (`install`), `os_complete` to the
 * broker's report (`broker`), and bind to the broker's report (`total`).
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { RazorEvent } from '../lib/events/event-types.js';

/** Installs whose bind time is remembered for their durations (the oldest forgotten first). */
const TRACKED = 100_000;

/** Counts events into `registers`; returns the function the feed calls for each one. */
export function eventMetrics(registers: Registry[]): (e: RazorEvent) => void {
  const events = new Counter({
    name: 'razor_events_total',
    help: 'Events by type (node-registered, node-bound, node-state-changed, …)',
    labelNames: ['type'],
    registers,
  });
  const binds = new Counter({
    name: 'razor_binds_total',
    help: 'Nodes bound, by policy label',
    labelNames: ['policy'],
    registers,
  });
  const transitions = new Counter({
    name: 'razor_state_transitions_total',
    help: 'Install state transitions by model type, state left and state entered',
    labelNames: ['model_type', 'from', 'to'],
    registers,
  });
  const durations = new Histogram({
    name: 'razor_install_duration_seconds',
    help: 'Install durations by model type and phase: install (bind → os_complete), broker, total',
    labelNames: ['model_type', 'phase'],
    buckets: [30, 60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 7200],
    registers,
  });
  const boundAt = new Map<string, { bound: number; installed?: number }>();
  const seconds = (from: number, e: RazorEvent) => Math.max(0, (Date.parse(e.at) - from) / 1000);
  return (e) => {
    events.inc({ type: e.type });
    const am = e.active_model_uuid;
    const type = e.model_type ?? 'unknown';
    if (e.type === 'node-bound' && am) {
      binds.inc({ policy: e.policy_label ?? e.policy_uuid ?? 'unknown' });
      if (boundAt.size >= TRACKED) boundAt.delete(boundAt.keys().next().value as string);
      boundAt.set(am, { bound: Date.parse(e.at) });
    }
    if (e.type === 'node-state-changed')
      transitions.inc({ model_type: type, from: e.old_state ?? '', to: e.state ?? '' });
    const times = am ? boundAt.get(am) : undefined;
    if (!times) return;
    if (e.type === 'node-install-finished') {
      durations.observe({ model_type: type, phase: 'install' }, seconds(times.bound, e));
      times.installed = Date.parse(e.at);
    }
    if (e.type === 'broker-finished') {
      if (times.installed !== undefined)
        durations.observe({ model_type: type, phase: 'broker' }, seconds(times.installed, e));
      durations.observe({ model_type: type, phase: 'total' }, seconds(times.bound, e));
    }
    if (e.type === 'node-unbound' || e.type === 'node-deleted') boundAt.delete(am as string);
  };
}
