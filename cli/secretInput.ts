/**
 * Where a CLI command takes a secret URI from (`key insert`, `tx --signer`), safest first:
 * a file only its owner may read (`--…-file <path>`), an environment variable, standard input
 * (`-`), or the command line itself (visible to every local user in `ps` and kept in shell
 * history, so only for dev keys). One source at most; no error carries the secret.
 */
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { ArkreenError } from "../primitives/errors.ts";

export type SecretInputErrorType =
  | { code: "NO_SECRET"; what: string }
  | { code: "CONFLICTING_SECRET_SOURCES"; sources: string[] }
  | { code: "SECRET_FILE_UNREADABLE"; path: string; reason: string }
  | { code: "SECRET_FILE_TOO_OPEN"; path: string; mode: string };

export class SecretInputError extends ArkreenError<SecretInputErrorType> {}

/**
 * The secret URI in `path`, trailing whitespace trimmed. Refused, as ssh refuses a private key, if
 * the file is not a regular file or if group or others may read or write it (mode read from the
 * open descriptor, so it is the mode of the file actually read).
 */
export function readSecretFile(path: string, what: string): string {
  const text = Buffer.from(readSecretFileBytes(path, what)).toString("utf8").trimEnd();
  if (text === "") throw new SecretInputError({ code: "SECRET_FILE_UNREADABLE", path, reason: "empty" }, `the ${what} file ${path} is empty`);
  return text;
}

/** The bytes of the owner-only file `path` (`readSecretFile`'s checks), for secrets stored raw (a node key written with `--bin`). */
export function readSecretFileBytes(path: string, what: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new SecretInputError({ code: "SECRET_FILE_UNREADABLE", path, reason: (e as NodeJS.ErrnoException).code ?? "open failed" }, `cannot open the ${what} file ${path}: ${(e as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new SecretInputError({ code: "SECRET_FILE_UNREADABLE", path, reason: "not a regular file" }, `the ${what} file ${path} is not a regular file`);
    if ((stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, "0");
      throw new SecretInputError({ code: "SECRET_FILE_TOO_OPEN", path, mode }, `permissions ${mode} for the ${what} file ${path} are too open: it must be readable by its owner only (chmod 600 ${path})`);
    }
    const bytes = new Uint8Array(readFileSync(fd));
    if (bytes.length === 0) throw new SecretInputError({ code: "SECRET_FILE_UNREADABLE", path, reason: "empty" }, `the ${what} file ${path} is empty`);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** All of standard input, trailing whitespace trimmed (`--suri -`, or a pipe with no other source). */
export function readStdinSecret(what: string): string {
  let text: string;
  try {
    text = readFileSync(0, "utf8").trimEnd();
  } catch (e) {
    throw new SecretInputError({ code: "NO_SECRET", what }, `cannot read the ${what} from standard input: ${(e as Error).message}`);
  }
  if (text === "") throw new SecretInputError({ code: "NO_SECRET", what }, `standard input held no ${what}`);
  return text;
}

export interface SecretSources {
  /** What the secret is, for messages: "secret URI", "signer". */
  what: string;
  /** The flag holding the secret itself (`--suri`, `--signer`) and its value; `-` reads standard input. */
  value?: { flag: string; text: string | undefined };
  /** The flag naming a file (`--suri-file`, `--signer-file`) and its value. */
  file?: { flag: string; path: string | undefined };
  /** The environment variable that may hold it; removed from `env` once read. */
  envName?: string;
  env: NodeJS.ProcessEnv;
  /** Read standard input when no source is named (it is a pipe, not a terminal). */
  stdinFallback?: boolean;
}

/** The one secret the sources name; throws `SecretInputError` for none or several. */
export function readSecret(sources: SecretSources): string {
  const named: Array<{ name: string; read: () => string }> = [];
  const { value, file, envName, env, what } = sources;
  if (value?.text !== undefined) {
    const text = value.text;
    named.push({ name: value.flag, read: () => (text === "-" ? readStdinSecret(what) : text) });
  }
  if (file?.path !== undefined) {
    const path = file.path;
    named.push({ name: file.flag, read: () => readSecretFile(path, what) });
  }
  const fromEnv = envName === undefined ? undefined : env[envName];
  if (envName !== undefined && fromEnv !== undefined && fromEnv !== "") {
    named.push({
      name: `$${envName}`,
      read: () => {
        delete env[envName];
        return fromEnv;
      },
    });
  }
  if (named.length > 1) {
    const names = named.map((n) => n.name);
    throw new SecretInputError({ code: "CONFLICTING_SECRET_SOURCES", sources: names }, `the ${what} is given more than once (${names.join(", ")}): keep one`);
  }
  if (named.length === 1) return named[0].read();
  if (sources.stdinFallback && !process.stdin.isTTY) return readStdinSecret(what);
  const options = [file?.flag && `${file.flag} <path>`, envName && `$${envName}`, value?.flag && `${value.flag} - (standard input)`, value?.flag && `${value.flag} <uri>`].filter(Boolean).join(", ");
  throw new SecretInputError({ code: "NO_SECRET", what }, `no ${what} given: use ${options}`);
}
