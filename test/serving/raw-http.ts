import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  body: string;
}

/**
 * A request written by hand with node:http, for what fetch hides: a Content-Length the body does not
 * reach (`end: false` leaves the body unfinished, so an answer proves the server did not wait for
 * it), and chunked bodies (no Content-Length, `chunks` written one by one).
 */
export function rawRequest(
  url: string,
  options: { headers: Record<string, string | number>; chunks: (string | Buffer)[]; end?: boolean },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: options.headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body });
        req.destroy();
      });
      response.on('error', reject);
    });
    // The server may close the connection once it has answered a body it refused; the answer counts.
    req.on('error', (error) => {
      if (!req.writableFinished && (error as NodeJS.ErrnoException).code === 'EPIPE') return;
      reject(error);
    });
    for (const chunk of options.chunks) req.write(chunk);
    if (options.end !== false) req.end();
  });
}
