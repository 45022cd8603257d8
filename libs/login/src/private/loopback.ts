import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { LoginError } from './errors';

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export type CallbackHandler = (url: URL, res: ServerResponse) => void;

/** The loopback listener of one login: the port it took and a way to stop it. */
export interface Loopback {
  readonly port: number;
  readonly redirectUri: string;
  close(): Promise<void>;
}

/**
 * Listens on the first free port of the registered ones, on 127.0.0.1 and, where the machine has
 * IPv6, on ::1 too (browsers may resolve `localhost` to either). Only registered ports work: the IdP
 * accepts exactly the redirect URIs registered on the client.
 */
export async function listenLoopback(ports: readonly number[], path: string, onCallback: CallbackHandler): Promise<Loopback> {
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://localhost`);
    if (req.method !== 'GET' || url.pathname !== path) {
      res.statusCode = 404;
      res.end('not found\n');
      return;
    }
    onCallback(url, res);
  };
  const busy: number[] = [];
  for (const port of ports) {
    const v4 = createServer(handler);
    try {
      await listen(v4, port, '127.0.0.1');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' || (err as NodeJS.ErrnoException).code === 'EACCES') {
        busy.push(port);
        continue;
      }
      throw err;
    }
    const v6 = createServer(handler);
    try {
      await listen(v6, port, '::1');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        // Someone else answers on [::1]:port: a browser resolving localhost to ::1 would reach them.
        await close(v4);
        busy.push(port);
        continue;
      }
      // No IPv6 loopback on this machine (EADDRNOTAVAIL, EAFNOSUPPORT): 127.0.0.1 is enough.
    }
    const servers = v6.listening ? [v4, v6] : [v4];
    return {
      port,
      redirectUri: `http://localhost:${port}${path}`,
      close: async () => {
        await Promise.all(servers.map(close));
      },
    };
  }
  throw new LoginError(
    `all registered redirect ports are in use (${busy.join(', ')}): another metaflow-login may be waiting for a browser, ` +
      `or another program holds them (find it with: lsof -i :${busy[0]}). Close it and retry; only these ports are registered with the identity provider.`,
  );
}

/** Small page shown in the browser after the redirect. */
export function finishPage(res: ServerResponse, ok: boolean, message: string): void {
  const title = ok ? 'metaflow-login: logged in' : 'metaflow-login: login failed';
  const body = message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  res.statusCode = ok ? 200 : 400;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(
    `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${body}</p></body></html>\n`,
  );
}
