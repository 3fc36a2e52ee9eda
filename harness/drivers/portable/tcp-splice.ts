/**
 * Two TCP legs joined byte for byte, as one connection would behave: data and FIN pass through
 * the pipes (a leg with allowHalfOpen keeps its other direction open), and a reset on one leg is
 * a reset on the other. Used where tlsgate stands between a client and a real server without
 * being a TLS end: the one-read front, the bridge into gnutls-serv's private network.
 */
import type { Socket } from 'node:net';

export function splice(a: Socket, b: Socket): void {
  for (const [from, to] of [[a, b], [b, a]] as const) {
    from.pipe(to);
    from.on('error', () => passReset(to));
  }
}

/** resets the socket once the bytes it was given are written (they came before the reset) */
export function passReset(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.writableLength > 0 && !socket.writableEnded) socket.write(Buffer.alloc(0), () => resetSocket(socket));
  else resetSocket(socket);
}

/**
 * A TCP RST (SO_LINGER 0) where Node can send one (resetAndDestroy: Node >= 16.17), else a plain
 * close. A socket whose own FIN is under way (it ended) cannot be reset: libuv refuses (EINVAL)
 * and Node then drops the handle without closing it, which hangs the process at exit. Such a
 * socket is closed instead.
 */
export function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  const withReset = socket as Socket & { resetAndDestroy?: () => Socket };
  if (socket.writableEnded || typeof withReset.resetAndDestroy !== 'function') return void socket.destroy();
  try {
    withReset.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
