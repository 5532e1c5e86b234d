/**
 * I/O worker thread entry (io-threads > 0): a connection thread that receives accepted sockets
 * from the main thread by handle transfer and serves them until told to stop.
 */
import type { Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { ConnThread, type ConnThreadOptions } from './conn-thread.ts';
import { serverInfoFor, type ServerInfoData } from './server-info.ts';

interface IoWorkerData {
  thread: Omit<ConnThreadOptions, 'server'>;
  info: ServerInfoData;
}

const data = workerData as IoWorkerData;
const thread = new ConnThread({ ...data.thread, server: serverInfoFor(data.info) });

parentPort!.on('message', (msg: { socket?: Socket; stop?: boolean }) => {
  if (msg.socket) thread.adopt(msg.socket);
  if (msg.stop) {
    thread.closeAll();
    parentPort!.close();
    process.exit(0);
  }
});
