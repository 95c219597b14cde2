// The sockets connected to this node, by user. Bus events are delivered on every node, so
// each node acts on its own sockets only (see relay.ts).
import type { ClientSession } from './client.js';
import type { SignalingSocket } from './types.js';

export class ClientIndex {
  private readonly byUser = new Map<number, Set<ClientSession>>();
  private readonly bySocket = new WeakMap<SignalingSocket, ClientSession>();

  add(client: ClientSession): void {
    let set = this.byUser.get(client.userId);
    if (!set) {
      set = new Set();
      this.byUser.set(client.userId, set);
    }
    set.add(client);
    this.bySocket.set(client.socket, client);
  }

  remove(client: ClientSession): void {
    const set = this.byUser.get(client.userId);
    set?.delete(client);
    if (set?.size === 0) this.byUser.delete(client.userId);
    this.bySocket.delete(client.socket);
  }

  of(socket: SignalingSocket): ClientSession | undefined {
    return this.bySocket.get(socket);
  }

  /** This node's sockets of a user, including those still in their handshake. */
  ofUser(userId: number): ClientSession[] {
    return [...(this.byUser.get(userId) ?? [])];
  }

  all(): ClientSession[] {
    return [...this.byUser.values()].flatMap((set) => [...set]);
  }
}
