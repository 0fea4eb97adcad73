import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';

type SendCallback = (error?: Error) => void;

/**
 * Makes the messages a server sends on one connection during one turn of the event loop leave in one socket
 * write. A subscription whose source yields several events at once (a pub/sub message carries a batch of
 * signals) otherwise costs a `writev` per event, and a wake-up of the reader per event.
 *
 * The socket is corked at the first `send` of a turn and uncorked once the turn's callbacks have run
 * (`setImmediate`): no timer, the frames leave in the same turn. graphql-ws waits for each message's send callback
 * before it takes the operation's next event, and a corked write calls back only once uncorked, so the callback is
 * answered as soon as the frame is queued on the socket, as an uncorked write that the kernel took at once would
 * be. An error that comes before that (the socket is closed) is passed on; one that comes after it closes the
 * socket, which ends its operations.
 */
export function coalesceWrites(server: WebSocketServer): void {
  server.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const raw = request.socket;
    const send = socket.send.bind(socket) as (data: unknown, options: object, callback?: SendCallback) => void;
    let corked = false;
    const uncork = (): void => {
      corked = false;
      raw.uncork();
    };
    socket.send = ((data: unknown, optionsOrCallback?: object | SendCallback, maybeCallback?: SendCallback) => {
      const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback;
      const options = typeof optionsOrCallback === 'object' ? optionsOrCallback : {};
      if (!corked && !raw.destroyed) {
        corked = true;
        raw.cork();
        setImmediate(uncork);
      }
      if (callback === undefined) {
        send(data, options);
        return;
      }
      let answered = false;
      const answer = (error?: Error): void => {
        if (answered) return;
        answered = true;
        callback(error);
      };
      send(data, options, answer);
      process.nextTick(answer);
    }) as WebSocket['send'];
  });
}
