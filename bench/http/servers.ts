// A benchmark target in its own process: `bare` (Express answering JSON, nothing else) or
// `roundtable` (the full server from the composition root). Reports its URL over IPC.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { startRoundtable } from '../../server/compose.js';
import { loadConfig } from '../../shared/config.js';

const mode = process.argv[2];

async function bare(): Promise<string> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function roundtable(): Promise<string> {
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', SFU_WORKERS: '0' });
  return (await startRoundtable(config)).url;
}

const url = mode === 'bare' ? await bare() : mode === 'roundtable' ? await roundtable() : null;
if (!url) throw new Error(`unknown mode ${mode}`);
process.send?.({ url });
