import { startFakeModelServer, type FakeModelServer, type FakeReply } from './fake-model-server.js';

/** A fake model server that holds its first request until the test releases it: a model call caught mid-flight. */
export interface HeldModelServer {
  server: FakeModelServer;
  /** Resolves once a request has arrived (and is being held). */
  requestArrived: Promise<void>;
  /** Answers the held request. */
  release(reply: FakeReply): void;
}

/** Starts a server whose replies wait for `release`. */
export async function startHeldModelServer(): Promise<HeldModelServer> {
  let arrived!: () => void;
  const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
  const held: Array<(reply: FakeReply) => void> = [];
  const server = await startFakeModelServer({
    respond: () => {
      arrived();
      return new Promise<FakeReply>((resolve) => held.push(resolve));
    },
  });
  return { server, requestArrived, release: (reply) => held.splice(0).forEach((answer) => answer(reply)) };
}
