import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The README's walkthroughs as data: the bash blocks marked
 * `<!-- walkthrough -->`, split into commands, each with the answer its
 * comment states (CONTRIBUTING.md, "README walkthroughs are tested").
 *
 * A command is a line, or lines joined by a trailing backslash. Its
 * expectation is the comment at the end of its last line, or the comment
 * lines right below it: first the status (`# 200`), then on the same line,
 * optionally, the body as JSON (`# 200 {"status":"success"}`), and on the
 * lines right below, optionally, headers (`# x-total-count: 81`). In the
 * JSON, `…` stands for what changes from run to run: inside a string, any
 * characters (`"eyJ…"`); as an object member, more keys; as the last item
 * of an array, more items. Anything else must be equal. Words after the
 * status or the JSON are prose.
 */

/** A value as the README shows it. */
export type Shape =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'pattern'; text: string }
  | { kind: 'object'; entries: [string, Shape][]; more: boolean }
  | { kind: 'array'; items: Shape[]; more: boolean };

export interface Expectation {
  status: number;
  body?: Shape;
  /** Header names lower-cased, values as shown (`…` allowed). */
  headers: [string, string][];
  /** Whether words follow the status (or the body): then no header lines follow. */
  prose?: boolean;
}

export interface Command {
  /** 1-based line of the README where the command starts. */
  line: number;
  text: string;
  /** Whether it runs curl (then it must state its answer, and make one request). */
  callsCurl: boolean;
  expected?: Expectation;
}

export interface Block {
  /** 1-based line of the opening fence. */
  line: number;
  commands: Command[];
}

export const MARKER = '<!-- walkthrough -->';
export const ELLIPSIS = '…';

/** The marked blocks, in the README's order. Throws on a marker without a bash block below it. */
export function walkthroughBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== MARKER) continue;
    const fence = i + 1;
    if (lines[fence]?.trim() !== '```bash')
      throw new Error(
        `README line ${i + 1}: ${MARKER} must be followed by a \`\`\`bash block`,
      );
    const end = lines.findIndex(
      (line, n) => n > fence && line.trim() === '```',
    );
    if (end < 0)
      throw new Error(`README line ${fence + 1}: the block is never closed`);
    blocks.push({
      line: fence + 1,
      commands: commandsOf(lines.slice(fence + 1, end), fence + 2),
    });
    i = end;
  }
  return blocks;
}

/** Splits a block's lines (the first at README line `firstLine`) into commands. */
export function commandsOf(lines: string[], firstLine: number): Command[] {
  const commands: Command[] = [];
  let current: { line: number; parts: string[] } | undefined;
  /** The command whose expectation the next comment lines may still give. */
  let open: Command | undefined;
  let readingHeaders = false;
  /** The command being read ends on a line without a trailing backslash. */
  const endUnlessContinued = (
    command: { line: number; parts: string[] },
    line: string,
  ): void => {
    if (splitComment(line).code.trimEnd().endsWith('\\')) return;
    open = finish(command, line);
    commands.push(open);
    readingHeaders = open.expected?.prose === false;
    current = undefined;
  };
  lines.forEach((line, index) => {
    if (current) {
      current.parts.push(line);
      endUnlessContinued(current, line);
      return;
    }
    const trimmed = line.trim();
    if (trimmed === '') {
      open = undefined;
      return;
    }
    if (trimmed.startsWith('#')) {
      if (!open) return;
      const comment = trimmed.replace(/^#\s?/, '');
      if (!open.expected) {
        open.expected = parseStatusComment(comment, firstLine + index);
        readingHeaders = open.expected?.prose === false;
        if (!open.expected) open = undefined;
        return;
      }
      const header = readingHeaders
        ? /^([A-Za-z][A-Za-z0-9-]*):\s+(.*)$/.exec(comment)
        : null;
      if (header)
        open.expected.headers.push([header[1].toLowerCase(), header[2]]);
      else {
        readingHeaders = false;
        open = undefined;
      }
      return;
    }
    current = { line: firstLine + index, parts: [line] };
    endUnlessContinued(current, line);
  });
  if (current)
    throw new Error(
      `README line ${current.line}: the command ends with a backslash and nothing after it`,
    );
  return commands;
}

function finish(
  command: { line: number; parts: string[] },
  lastLine: string,
): Command {
  const text = command.parts.join('\n');
  const code = command.parts.map((part) => splitComment(part).code).join('\n');
  const { comment } = splitComment(lastLine);
  return {
    line: command.line,
    text,
    callsCurl: /(^|[\s;|&(`])curl\s/.test(code),
    expected:
      comment === undefined
        ? undefined
        : parseStatusComment(comment, command.line + command.parts.length - 1),
  };
}

/**
 * A line's code and its trailing comment (a `#` that starts a word outside
 * quotes), as bash reads them; enough for the README's commands (no nested
 * quotes inside `$(...)` within double quotes).
 */
export function splitComment(line: string): {
  code: string;
  comment?: string;
} {
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quote === "'") {
      if (char === "'") quote = undefined;
    } else if (char === '\\') i++;
    else if (quote === '"') {
      if (char === '"') quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '#' && (i === 0 || /\s/.test(line[i - 1])))
      return {
        code: line.slice(0, i),
        comment: line.slice(i + 1).replace(/^\s/, ''),
      };
  }
  return { code: line };
}

/** `200`, `200 {...} prose`, `204: prose`; undefined when the comment starts with no status. */
function parseStatusComment(
  comment: string,
  line: number,
): Expectation | undefined {
  const match = /^(\d{3})(?!\d)(.*)$/s.exec(comment.trim());
  if (!match) return undefined;
  const rest = match[2].trimStart();
  const expected: Expectation = { status: Number(match[1]), headers: [] };
  let after = rest;
  if (rest.startsWith('{') || rest.startsWith('[')) {
    try {
      const { shape, end } = parseShape(rest);
      expected.body = shape;
      after = rest.slice(end);
    } catch (error) {
      throw new Error(
        `README line ${line}: the body after the status is not JSON (with … for what changes): ${(error as Error).message}`,
      );
    }
  }
  // Prose after the status or the body: the lines below are prose too.
  expected.prose = after.trim() !== '';
  return expected;
}

/** Parses JSON with `…` where the README elides; answers the shape and where it ends. */
export function parseShape(text: string): { shape: Shape; end: number } {
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at character ${at + 1} of ${text}`);
  };
  const space = (): void => {
    while (/\s/.test(text[at] ?? '')) at++;
  };
  const take = (token: string): boolean => {
    space();
    if (!text.startsWith(token, at)) return false;
    at += token.length;
    return true;
  };
  const string = (): string => {
    space();
    const match = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(at));
    if (!match) return fail('expected a string');
    at += match[0].length;
    return JSON.parse(match[0]) as string;
  };
  const value = (): Shape => {
    space();
    const char = text[at];
    if (char === '{') {
      at++;
      const entries: [string, Shape][] = [];
      let more = false;
      if (take('}')) return { kind: 'object', entries, more };
      do {
        if (take(ELLIPSIS)) {
          more = true;
          continue;
        }
        const key = string();
        if (!take(':')) fail('expected :');
        entries.push([key, value()]);
      } while (take(','));
      if (!take('}')) fail('expected , or }');
      return { kind: 'object', entries, more };
    }
    if (char === '[') {
      at++;
      const items: Shape[] = [];
      let more = false;
      if (take(']')) return { kind: 'array', items, more };
      do {
        if (more) fail('… must be the last item');
        if (take(ELLIPSIS)) more = true;
        else items.push(value());
      } while (take(','));
      if (!take(']')) fail('expected , or ]');
      return { kind: 'array', items, more };
    }
    if (char === '"') {
      const parsed = string();
      return parsed.includes(ELLIPSIS)
        ? { kind: 'pattern', text: parsed }
        : { kind: 'literal', value: parsed };
    }
    const scalar = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      text.slice(at),
    );
    if (!scalar) return fail('expected a value');
    at += scalar[0].length;
    return {
      kind: 'literal',
      value: JSON.parse(scalar[0]) as number | boolean | null,
    };
  };
  const shape = value();
  return { shape, end: at };
}

/** Where `actual` differs from `shape`: one sentence per difference, [] when it matches. */
export function differences(
  shape: Shape,
  actual: unknown,
  path = '$',
): string[] {
  const show = (value: unknown): string => JSON.stringify(value) ?? 'nothing';
  switch (shape.kind) {
    case 'literal':
      return actual === shape.value
        ? []
        : [`${path}: expected ${show(shape.value)}, got ${show(actual)}`];
    case 'pattern':
      return typeof actual === 'string' && textMatches(shape.text, actual)
        ? []
        : [
            `${path}: expected a string like ${show(shape.text)}, got ${show(actual)}`,
          ];
    case 'array': {
      if (!Array.isArray(actual))
        return [`${path}: expected an array, got ${show(actual)}`];
      const length = shape.more
        ? actual.length >= shape.items.length
        : actual.length === shape.items.length;
      const found = shape.items.flatMap((item, index) =>
        differences(item, actual[index], `${path}[${index}]`),
      );
      return length
        ? found
        : [
            `${path}: expected ${shape.more ? 'at least ' : ''}${shape.items.length} items, got ${actual.length}`,
            ...found,
          ];
    }
    case 'object': {
      if (
        typeof actual !== 'object' ||
        actual === null ||
        Array.isArray(actual)
      )
        return [`${path}: expected an object, got ${show(actual)}`];
      const record = actual as Record<string, unknown>;
      const found = shape.entries.flatMap(([key, item]) =>
        key in record
          ? differences(item, record[key], `${path}.${key}`)
          : [`${path}.${key}: missing`],
      );
      if (!shape.more) {
        const shown = new Set(shape.entries.map(([key]) => key));
        for (const key of Object.keys(record))
          if (!shown.has(key))
            found.push(
              `${path}.${key}: not in the README (${show(record[key])})`,
            );
      }
      return found;
    }
  }
}

/** Whether `actual` is `expected` with each `…` standing for any characters. */
export function textMatches(expected: string, actual: string): boolean {
  const pattern = expected
    .split(ELLIPSIS)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`, 's').test(actual);
}

/**
 * The marked blocks as one bash script, as a user pastes them in order.
 * Before each command that runs curl, the script notes the command's index;
 * curl is wrapped in a function that records, per request, that index, the
 * response head (`-D`) and what curl printed, then prints it as curl does.
 * `replace` maps text of the README (its URLs) to the test's.
 */
export function walkthroughScript(
  commands: readonly Command[],
  recordDir: string,
  replace: ReadonlyMap<string, string>,
): string {
  const quoted = `'${recordDir.replace(/'/g, `'\\''`)}'`;
  const lines = [
    'set -euo pipefail',
    `__walk_dir=${quoted}`,
    '__walk_command=-1',
    'echo 0 > "$__walk_dir/count"',
    'curl() {',
    '  local n',
    '  n=$(( $(cat "$__walk_dir/count") + 1 ))',
    '  echo "$n" > "$__walk_dir/count"',
    '  echo "$__walk_command" > "$__walk_dir/$n.command"',
    '  command curl -D "$__walk_dir/$n.head" "$@" | tee "$__walk_dir/$n.out"',
    '  return "${PIPESTATUS[0]}"',
    '}',
  ];
  commands.forEach((command, index) => {
    let text = command.text;
    for (const [from, to] of replace) text = text.split(from).join(to);
    if (command.callsCurl) lines.push(`__walk_command=${index}`);
    lines.push(text);
  });
  return lines.join('\n') + '\n';
}

/** One request the script made. */
export interface Call {
  /** Index of the command (in the list given to walkthroughScript). */
  command: number;
  status: number;
  headers: Map<string, string>;
  /** What curl printed, without the response head that -i adds. */
  body: string;
}

/** The requests recorded in `recordDir`, in the order they were made. */
export async function recordedCalls(recordDir: string): Promise<Call[]> {
  const count = Number(
    (await readFile(join(recordDir, 'count'), 'utf8').catch(() => '0')).trim(),
  );
  const calls: Call[] = [];
  for (let n = 1; n <= count; n++) {
    const read = (name: string): Promise<string> =>
      readFile(join(recordDir, `${n}.${name}`), 'utf8').catch(() => '');
    const head = await read('head');
    const out = await read('out');
    // With redirects or 100 Continue, -D holds several heads: the last one answers.
    const heads = head.split(/\r?\n\r?\n/).filter((part) => part.trim());
    const last = heads.at(-1) ?? '';
    const [statusLine = '', ...fields] = last.split(/\r?\n/);
    const headers = new Map<string, string>();
    for (const field of fields) {
      const colon = field.indexOf(':');
      if (colon > 0)
        headers.set(
          field.slice(0, colon).trim().toLowerCase(),
          field.slice(colon + 1).trim(),
        );
    }
    calls.push({
      command: Number((await read('command')).trim()),
      status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(statusLine)?.[1] ?? 0),
      headers,
      body: head && out.startsWith(head) ? out.slice(head.length) : out,
    });
  }
  return calls;
}
