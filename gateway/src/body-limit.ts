import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { LIMIT_CODES, limitError } from './limits.ts';

function tooLarge(maxBytes: number) {
  // `Connection: close`: the rest of the body is never read, the connection ends with the response.
  return limitError(LIMIT_CODES.body, `Request body larger than ${maxBytes} bytes`, {
    status: 413,
    headers: { connection: 'close' },
  });
}

/** Reads a body of unknown length, giving up (PAYLOAD_TOO_LARGE) as soon as it passes `maxBytes`. */
async function readBounded(body: ReadableStream<Uint8Array<ArrayBuffer>>, maxBytes: number): Promise<Blob> {
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return new Blob(chunks);
}

/**
 * Refuses a request body over `maxBytes` with PAYLOAD_TOO_LARGE (HTTP 413) before it is read: at once when its
 * `Content-Length` says so, else (a chunked body) as soon as the bytes read pass the limit.
 */
export function useBodyLimit(maxBytes: number): GatewayPlugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (request.body === null || requestParser === undefined) return;
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (Number(declared) > maxBytes) throw tooLarge(maxBytes);
        return; // The HTTP parser never delivers more than the declared length.
      }
      setRequestParser(async (unbounded) =>
        requestParser(
          new Request(unbounded.url, {
            method: unbounded.method,
            headers: unbounded.headers,
            body: await readBounded(unbounded.body as ReadableStream<Uint8Array<ArrayBuffer>>, maxBytes),
          }),
        ),
      );
    },
  };
}
