/**
 * Changes made at the shell in the audit trail (ADR 0025): one line per CLI call that changed the
 * store, appended to the daemon's log (`$RAZOR_HOME/log/razor.log`, where `razor log --audit`
 * reads REST changes), with the local user who made it and the channel `cli`. The command words
 * are logged, never option values or the JSON argument (they may carry secrets). A log made by
 * root in another user's home is handed to that user, so their daemon can still write it.
 */
import { appendFileSync, chownSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';

/** Who runs this process: uid, user name, and the sudo user behind root. */
export interface LocalUser {
  uid: number;
  name: string;
  sudoUser?: string;
}

/** The user running this process (`uid=N` as the name when the system has none for it). */
export function localUser(env: NodeJS.ProcessEnv): LocalUser {
  const uid = process.getuid?.() ?? -1;
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = `uid=${uid}`;
  }
  return { uid, name, ...(uid === 0 && env.SUDO_USER ? { sudoUser: env.SUDO_USER } : {}) };
}

/** The command words of a call: up to the first option or JSON argument. */
export function commandWords(args: readonly string[]): string[] {
  const end = args.findIndex((a) => a.startsWith('-') || /^\s*[{[]/.test(a));
  return [...(end < 0 ? args : args.slice(0, end))];
}

/** One audit line for a CLI change. */
export function cliAuditLine(args: readonly string[], user: LocalUser, status: number, now: Date): string {
  const command = `razor ${commandWords(args).join(' ')}`;
  const line = {
    level: 30,
    time: now.getTime(),
    pid: process.pid,
    hostname: hostname(),
    channel: 'cli',
    who: `cli:${user.name}(uid=${user.uid})`,
    uid: user.uid,
    user: user.name,
    ...(user.sudoUser ? { sudo_user: user.sudoUser } : {}),
    command,
    exit: status,
    audit: true,
    msg: `${command} → exit ${status}`,
  };
  return `${JSON.stringify(line)}\n`;
}

/** Appends `line` to the log `file` (0600, its folder 0700), owned as `home` is. */
export function appendAudit(file: string, home: string, line: string): void {
  const dir = dirname(file);
  const fresh = !existsSync(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  appendFileSync(file, line, { mode: 0o600 });
  if (!fresh || process.getuid?.() !== 0) return;
  const owner = statSync(home);
  if (owner.uid === 0) return;
  chownSync(dir, owner.uid, owner.gid);
  chownSync(file, owner.uid, owner.gid);
}
