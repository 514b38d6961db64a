import * as Comlink from 'comlink';
import type { WorkerLike } from '../../../src/flows/bridge/worker-bridge';

/**
 * A worker stand-in for Node: the API is exposed with Comlink on one end of a real MessageChannel, so
 * calls, proxies and errors cross a real message boundary, as they do with a Web Worker.
 */
export class FakeWorker extends EventTarget implements WorkerLike {
  terminated = false;
  readonly #inside: MessagePort;
  readonly #outside: MessagePort;

  constructor(api: object) {
    super();
    const channel = new MessageChannel();
    this.#inside = channel.port1;
    this.#outside = channel.port2;
    Comlink.expose(api, this.#inside as unknown as Comlink.Endpoint);
  }

  postMessage(message: unknown, transfer?: Transferable[]): void {
    if (this.terminated) return; // like a terminated Worker: messages go nowhere
    this.#outside.postMessage(message, (transfer ?? []) as never);
  }

  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: object,
  ): void {
    if (type === 'message') {
      this.#outside.addEventListener('message', listener as never, options);
      this.#outside.start();
    } else super.addEventListener(type, listener, options);
  }

  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type === 'message') this.#outside.removeEventListener('message', listener as never);
    else super.removeEventListener(type, listener);
  }

  terminate(): void {
    this.terminated = true;
    this.#inside.close();
    this.#outside.close();
  }

  /** What a browser does when the worker's script throws an uncaught error. */
  crash(message: string): void {
    const event = new Event('error', { cancelable: true }) as Event & { message: string };
    event.message = message;
    this.dispatchEvent(event);
  }
}
