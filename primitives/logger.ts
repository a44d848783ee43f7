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
  /** The level of lines from modules no target names. */
  level: LogLevel;
  /** Levels per module (`-l sync=debug,finality=trace`): a logger whose module path has that segment uses it, the innermost segment first. */
  targets?: Readonly<Record<string, LogLevel>>;
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

/** A `-l` / `--log` value as Substrate reads it: `info`, `sync=debug`, `warn,finality=trace,rpc=debug` (levels in any case). */
export interface LogFilter {
  level: LogLevel;
  targets: Record<string, LogLevel>;
}

export function parseLogFilter(spec: string): LogFilter {
  const filter: LogFilter = { level: "info", targets: {} };
  const level = (text: string): LogLevel => {
    const l = text.trim().toLowerCase();
    if (!(l in LEVELS)) throw new Error(`invalid log level "${text}": expected error, warn, info, debug or trace`);
    return l as LogLevel;
  };
  for (const directive of spec.split(",")) {
    if (directive.trim() === "") continue;
    const eq = directive.indexOf("=");
    if (eq < 0) {
      filter.level = level(directive);
      continue;
    }
    const target = directive.slice(0, eq).trim();
    if (!/^[a-z0-9_-]+$/i.test(target)) throw new Error(`invalid log target "${target}" in "${directive}": expected e.g. sync=debug`);
    filter.targets[target.toLowerCase()] = level(directive.slice(eq + 1));
  }
  return filter;
}

/** The level for `module` ("network/sync"): the target naming its innermost segment that has one, else the default. */
function levelFor(opts: LoggerOpts): LogLevel {
  const segments = opts.module?.toLowerCase().split("/") ?? [];
  for (let i = segments.length - 1; i >= 0; i--) {
    const level = opts.targets?.[segments[i]];
    if (level !== undefined) return level;
  }
  return opts.level;
}

export function createLogger(opts: LoggerOpts): Logger {
  const max = LEVELS[levelFor(opts)];
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
