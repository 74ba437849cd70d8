/**
 * Interactive metadata prompts (the original's model/broker add on a terminal): one question per
 * key with its description, example and default; Enter takes the default, SKIP leaves an optional
 * key out, QUIT cancels. Answers are checked against the key's regex and asked again when wrong;
 * secrets are not echoed and are typed twice (two different entries are asked for again).
 */
import { createInterface, type Interface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { RazorError } from '../errors.js';
import type { MetadataSpec } from '../domain/catalog.js';

/** Where the prompts read and write. */
export interface PromptIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** Output that can be muted while a secret is typed. */
function mutableOutput(out: NodeJS.WritableStream): { stream: Writable; mute: (on: boolean) => void } {
  let muted = false;
  const stream = new Writable({
    write(chunk, _enc, done) {
      if (!muted) out.write(chunk);
      done();
    },
  });
  return { stream, mute: (on) => (muted = on) };
}

/** Reads one line without echoing it (a secret, typed a second time to confirm it). */
async function askSecret(
  rl: Interface,
  mute: (on: boolean) => void,
  output: NodeJS.WritableStream,
  question: string,
): Promise<string> {
  const ask = rl.question(question);
  mute(true);
  const answer = (await ask).trim();
  mute(false);
  output.write('\n');
  return answer;
}

/** Asks for every key of `specs`; returns the answers (defaults left to validation). */
export async function promptMetadata(
  title: string,
  specs: Readonly<Record<string, MetadataSpec>>,
  io: PromptIo,
): Promise<Record<string, string>> {
  const { stream, mute } = mutableOutput(io.output);
  const rl = createInterface({ input: io.input, output: stream, terminal: true });
  const answers: Record<string, string> = {};
  try {
    io.output.write(`${title}\n(Enter takes the default; SKIP leaves out an optional value; QUIT cancels)\n`);
    for (const [key, spec] of Object.entries(specs)) {
      const hints = [
        spec.example && `e.g. ${spec.example}`,
        spec.default && `default ${spec.default}`,
        !spec.required && 'optional',
      ]
        .filter(Boolean)
        .join('; ');
      for (;;) {
        io.output.write(`\n${key}: ${spec.description}${hints ? ` (${hints})` : ''}\n`);
        let answer: string;
        if (spec.multiline) {
          io.output.write('Paste the value, then an empty line:\n');
          const lines: string[] = [];
          for (let line = await rl.question(''); line !== ''; line = await rl.question('')) lines.push(line);
          answer = lines.join('\n');
        } else {
          const ask = rl.question(`${key}> `);
          mute(spec.secret === true);
          answer = (await ask).trim();
          mute(false);
          if (spec.secret) io.output.write('\n');
        }
        if (answer === 'QUIT')
          throw new RazorError('UserCancelled', 'cancelled at the prompt; nothing was changed');
        if (answer === 'SKIP' && !spec.required) break;
        if (answer === '' || answer === 'SKIP') {
          if (spec.default !== undefined && spec.default !== '') break;
          if (!spec.required) break;
          io.output.write(`${key} is required.\n`);
          continue;
        }
        if (spec.validation && !new RegExp(spec.validation).test(answer)) {
          io.output.write(`That is not a valid ${key}: ${spec.description}. Try again.\n`);
          continue;
        }
        if (
          spec.secret &&
          !spec.multiline &&
          (await askSecret(rl, mute, io.output, `${key} again> `)) !== answer
        ) {
          io.output.write(`The two ${key} entries differ. Try again.\n`);
          continue;
        }
        answers[key] = answer;
        break;
      }
    }
    return answers;
  } finally {
    rl.close();
  }
}
