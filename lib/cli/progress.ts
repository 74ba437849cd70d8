/**
 * Progress for people: on a terminal a redrawn bar with bytes, rate and ETA; elsewhere one line per
 * 10 %. Both write to stderr, so stdout stays the command's answer.
 */
import { escapeUnsafe } from './terminal-text.js';
import type { Progress, ProgressFactory } from '../images/progress.js';

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
const eta = (s: number) =>
  Number.isFinite(s)
    ? s >= 60
      ? `${Math.floor(s / 60)}m${Math.round(s % 60)}s`
      : `${Math.round(s)}s`
    : '--';

/** A progress factory writing to `out`; `tty` chooses the bar. */
export function cliProgress(
  out: NodeJS.WritableStream & { columns?: number },
  tty: boolean,
  now = () => Date.now(),
): ProgressFactory {
  return (rawLabel, total) => {
    // The label names a file, maybe from inside an image: shown escaped.
    const label = escapeUnsafe(rawLabel);
    const started = now();
    let done = 0;
    let lastTenth = -1;
    let lastDraw = 0;
    const line = () => {
      const secs = Math.max((now() - started) / 1000, 0.001);
      const rate = done / secs;
      const pct = total > 0 ? Math.min(100, (done / total) * 100) : 100;
      return {
        pct,
        text: `${pct.toFixed(0).padStart(3)}% ${mb(done)}/${mb(total)} ${mb(rate)}/s ETA ${eta((total - done) / rate)}`,
      };
    };
    if (!tty) out.write(`${label}: ${mb(total)}\n`);
    const p: Progress = {
      advance(bytes) {
        done += bytes;
        const { pct, text } = line();
        if (tty) {
          if (now() - lastDraw < 100 && done < total) return;
          lastDraw = now();
          const width = Math.max(10, Math.min(40, (out.columns ?? 80) - text.length - 4));
          const full = Math.round((pct / 100) * width);
          out.write(
            `\r[${'='.repeat(full)}${full < width ? '>' : ''}${' '.repeat(Math.max(0, width - full - 1))}] ${text}`,
          );
        } else {
          const tenth = Math.floor(pct / 10);
          if (tenth > lastTenth) {
            lastTenth = tenth;
            out.write(`${text}\n`);
          }
        }
      },
      finish() {
        if (tty) out.write(`\r${line().text.padEnd(60)}\n`);
      },
    };
    return p;
  };
}
