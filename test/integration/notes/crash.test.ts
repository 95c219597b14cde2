// A server process receiving a steady stream of edits is killed with SIGKILL. After a
// restart, every update acknowledged by a group commit must be there; what was lost is
// measured (in edits and in milliseconds of typing).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { HttpClient } from '../../helpers/http.js';
import { signUpAndLogin } from '../../helpers/accounts.js';

const EDIT_INTERVAL_MS = 2;

function startChild(dataDir: string): Promise<{ child: ChildProcess; url: string; lines: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/notes-server.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, PORT: '0', SFU_WORKERS: '0', MODELS: 'none', LOG_LEVEL: 'debug', JWT_SECRET: 'crash-test-secret-long-enough-0123456789', NOTES_GROUP_COMMIT_MS: '5', ENV_FILE: '/nonexistent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let partial = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString();
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (line.includes('test notes server listening')) resolve({ child, url: JSON.parse(line).url as string, lines });
      }
    });
    child.on('exit', (code) => reject(new Error(`notes server exited with ${code}`)));
  });
}

function connect(url: string, ticket: string, doc: Y.Doc): Promise<WebsocketProvider> {
  const provider = new WebsocketProvider(`${url.replace('http', 'ws')}/collab`, 'test.crash', doc, {
    params: { ticket },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  return new Promise((resolve) => provider.once('sync', () => resolve(provider)));
}

describe('notes durability under SIGKILL', function () {
  this.timeout(120_000);

  it('keeps every update acknowledged by a group commit', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-crash-'));
    try {
      const first = await startChild(dataDir);
      const http = new HttpClient(first.url);
      const user = await signUpAndLogin(http);
      const ticket = (await http.post('/api/collab/tickets', { doc: 'test.crash' }, user.access)).body.ticket;
      const doc = new Y.Doc();
      const text = doc.getText('minutes');
      const provider = await connect(first.url, ticket, doc);

      // One edit every 2 ms, each a numbered marker, for a second and a half; then SIGKILL.
      let sent = 0;
      const sentAt: number[] = [];
      const typing = setInterval(() => {
        text.insert(text.length, `${sent};`);
        sentAt.push(Date.now());
        sent += 1;
      }, EDIT_INTERVAL_MS);
      await new Promise((r) => setTimeout(r, 1500));
      const killedAt = Date.now();
      first.child.kill('SIGKILL');
      clearInterval(typing);
      provider.destroy();
      doc.destroy(); // stops its Awareness timer
      await new Promise((r) => first.child.once('exit', r));
      const acknowledged = Math.max(0, ...first.lines.filter((l) => l.includes('notes group committed')).map((l) => JSON.parse(l).committed as number));
      assert.ok(acknowledged > 100, `edits were being committed (${acknowledged})`);

      const second = await startChild(dataDir);
      try {
        const http2 = new HttpClient(second.url);
        const login = await http2.post('/auth/jwt/create', { username: user.username, password: user.password });
        const ticket2 = (await http2.post('/api/collab/tickets', { doc: 'test.crash' }, login.body.access)).body.ticket;
        const reloaded = new Y.Doc();
        const provider2 = await connect(second.url, ticket2, reloaded);
        const markers = reloaded.getText('minutes').toString().split(';').filter(Boolean).map(Number);
        provider2.destroy();
        reloaded.destroy();
        // Every acknowledged update is there, in order and without gaps.
        assert.deepEqual(markers.slice(0, acknowledged), Array.from({ length: acknowledged }, (_, i) => i));
        const kept = markers.length;
        const lostEdits = sent - kept;
        const lastKept = sentAt[kept - 1] ?? 0;
        console.log(`      [crash: sent ${sent} edits, ${acknowledged} acknowledged by a commit, ${kept} survived; lost ${lostEdits} edits = the last ${killedAt - lastKept} ms of typing]`);
        assert.ok(killedAt - lastKept <= 100, `lost ${killedAt - lastKept} ms of edits (target ≤ 100 ms)`);
      } finally {
        second.child.kill('SIGKILL');
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
