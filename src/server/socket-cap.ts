/** The TCP connection under an upgrade request: it closes when the WebSocket does, or when the upgrade is abandoned. */
export interface Connection {
  readonly destroyed: boolean;
  on(event: 'close', listener: () => void): unknown;
}

/**
 * Open WebSockets per client address (WS_MAX_SOCKETS_PER_ADDRESS), counted from the
 * moment an upgrade is accepted until its TCP connection closes, whichever way it ends.
 * An address is remembered only while it has a socket open, so memory follows the open
 * sockets, whatever addresses clients claim.
 */
export class SocketsPerAddress {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a place for `connection` from `address`; false, taking nothing, when the address has `max` open already. */
  take(address: string, connection: Connection): boolean {
    if (connection.destroyed) return false;
    const count = this.open.get(address) ?? 0;
    if (count >= this.max) return false;
    this.open.set(address, count + 1);
    // `on`, not `once` (a connection closes once): once's wrapper is two more objects per open socket.
    connection.on('close', () => this.release(address));
    return true;
  }

  /** Sockets open from `address`, for tests. */
  count(address: string): number {
    return this.open.get(address) ?? 0;
  }

  /** Addresses with a socket open. */
  get addresses(): number {
    return this.open.size;
  }

  private release(address: string): void {
    const count = (this.open.get(address) ?? 1) - 1;
    if (count > 0) this.open.set(address, count);
    else this.open.delete(address);
  }
}
