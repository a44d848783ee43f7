import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { Logger } from "../../primitives/logger.ts";

export interface MetricsServerOpts {
  host: string;
  port: number;
}

/** Serves the Prometheus registry on `GET /metrics` (Substrate's port 9615). */
export class MetricsServer {
  private readonly opts: MetricsServerOpts;
  private readonly register: Registry;
  private readonly logger: Logger;
  private server: Server | null = null;

  constructor(opts: MetricsServerOpts, deps: { register: Registry; logger: Logger }) {
    this.opts = opts;
    this.register = deps.register;
    this.logger = deps.logger;
  }

  async listen(): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") {
        res.writeHead(404).end("Not found");
        return;
      }
      this.register.metrics().then(
        (body) => res.writeHead(200, { "content-type": this.register.contentType }).end(body),
        (e: unknown) => {
          this.logger.warn("Metrics collection failed", {}, e);
          res.writeHead(500).end();
        },
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    this.logger.info(`Prometheus exporter started at ${address.address}:${address.port}`);
    return address;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
