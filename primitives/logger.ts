/**
 * Structured logger. `info` lines read like Substrate's (`Imported #12 (0xab…)`), with the
 * structured context appended as `key=value` pairs; `--log json` prints one JSON object a line.
 */
export type LogLevel = "error" | "warn" | "info" | "debug" | "trace";
export type LogContext = Record<string, unknown>;

export interface Logger {
  error(message: string, context?: LogContext, error?: unknown): void;
  warn(message: string, context?: LogContext, error?: unknown): void;
  info(message: string, context?: LogContext): void;
  debug(message: string, context?: LogContext): void;
  trace(message: string, context?: LogContext): void;
  /** A logger whose lines carry `module` (e.g. "txpool", "rpc"). */
  child(module: string): Logger;
}

const LEVELS: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3, trace: 4 };

export interface LoggerOpts {
  level: LogLevel;
  format: "human" | "json";
  module?: string;
  /** Where lines go; defaults to stderr so stdout stays clean for command output. */
  write?: (line: string) => void;
}

function formatValue(v: unknown): string {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return "0x" + Buffer.from(v).toString("hex");
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

export function createLogger(opts: LoggerOpts): Logger {
  const max = LEVELS[opts.level];
  const write = opts.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const emit = (level: LogLevel, message: string, context?: LogContext, error?: unknown): void => {
    if (LEVELS[level] > max) return;
    const time = new Date().toISOString();
    if (opts.format === "json") {
      const obj: Record<string, unknown> = { time, level, module: opts.module, message, ...context };
      if (error !== undefined) obj.error = errorText(error);
      write(JSON.stringify(obj, (_k, x) => (typeof x === "bigint" ? x.toString() : x instanceof Uint8Array ? formatValue(x) : x)));
      return;
    }
    const ctx = context ? Object.entries(context).map(([k, v]) => `${k}=${formatValue(v)}`).join(" ") : "";
    const mod = opts.module ? `[${opts.module}] ` : "";
    const lvl = level === "info" ? "" : `${level.toUpperCase()} `;
    write(`${time.replace("T", " ").slice(0, 23)} ${lvl}${mod}${message}${ctx ? " " + ctx : ""}${error !== undefined ? "\n" + errorText(error) : ""}`);
  };
  return {
    error: (m, c, e) => emit("error", m, c, e),
    warn: (m, c, e) => emit("warn", m, c, e),
    info: (m, c) => emit("info", m, c),
    debug: (m, c) => emit("debug", m, c),
    trace: (m, c) => emit("trace", m, c),
    child: (module) => createLogger({ ...opts, module: opts.module ? `${opts.module}/${module}` : module }),
  };
}

/** A logger that prints nothing: for tests and library use. */
export function nullLogger(): Logger {
  const noop = (): void => {};
  const logger: Logger = { error: noop, warn: noop, info: noop, debug: noop, trace: noop, child: () => logger };
  return logger;
}
