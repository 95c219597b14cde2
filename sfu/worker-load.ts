// What one mediasoup worker carries, counted from mediasoup's observer events so that every
// router, transport, producer and consumer is seen, whoever created it (meetings, pipes, taps).
import type * as mediasoup from 'mediasoup';

type Transport = mediasoup.types.Transport;

export class WorkerLoad {
  routers = 0;
  producers = 0;
  consumers = 0;
  /** Live transports, for byte counters; a closed one leaves its last seen bytes to `retired…`. */
  readonly transports = new Set<Transport>();
  readonly lastBytes = new Map<Transport, { received: number; sent: number }>();
  retiredBytesReceived = 0;
  retiredBytesSent = 0;

  constructor(worker: mediasoup.types.Worker) {
    worker.observer.on('newrouter', (router: mediasoup.types.Router) => {
      this.routers += 1;
      router.observer.once('close', () => (this.routers -= 1));
      router.observer.on('newtransport', (transport: Transport) => this.watchTransport(transport));
    });
  }

  private watchTransport(transport: Transport): void {
    this.transports.add(transport);
    transport.observer.once('close', () => {
      this.transports.delete(transport);
      const last = this.lastBytes.get(transport);
      if (last) {
        this.retiredBytesReceived += last.received;
        this.retiredBytesSent += last.sent;
        this.lastBytes.delete(transport);
      }
    });
    transport.observer.on('newproducer', (producer: mediasoup.types.Producer) => {
      this.producers += 1;
      producer.observer.once('close', () => (this.producers -= 1));
    });
    transport.observer.on('newconsumer', (consumer: mediasoup.types.Consumer) => {
      this.consumers += 1;
      consumer.observer.once('close', () => (this.consumers -= 1));
    });
  }
}
