// A club event is told after its change is committed: a bus that fails must not turn the saved
// change into an error (the person would do it again and store it twice); it is logged.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { createMemoryBus } from '../../server/bus/memory.js';
import type { ClubAccessService } from '../../server/clubs/access.js';
import { ClubService, type ClubLimits } from '../../server/clubs/service.js';
import type { Bus } from '../../shared/bus.js';
import { createLogger } from '../../shared/logger.js';

const LIMITS: ClubLimits = { maxMembers: 50, ownedPerUser: 10 };

function capturedLogger(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger('info', sink) };
}

/** Only `publish` is used here: the database and the access service are never touched. */
function clubServiceOn(bus: Bus, logger: ReturnType<typeof createLogger>): ClubService {
  return new ClubService(null as unknown as Kysely<Database>, null as unknown as ClubAccessService, bus, LIMITS, logger);
}

describe('club events after a committed change', () => {
  it('resolves and logs when the bus refuses the event, instead of failing the request', async () => {
    const reason = `bus down ${randomBytes(12).toString('hex')}`;
    const working = createMemoryBus(createLogger('silent'));
    const failing: Bus = { ...working, publish: () => Promise.reject(new Error(reason)) };
    const { lines, logger } = capturedLogger();
    await clubServiceOn(failing, logger).publish(7, 3, { type: 'club.deleted' });
    const line = lines.find((l) => l.includes('club event not published'));
    assert.ok(line, `a warning is logged: ${lines.join('')}`);
    assert.match(line, new RegExp(reason));
    assert.match(line, /"type":"club.deleted"/);
  });

  it('still delivers the event when the bus works', async () => {
    const bus = createMemoryBus(createLogger('silent'));
    const heard = new Promise<unknown>((resolve) => bus.subscribe('club.event', (event) => resolve(event)));
    const { lines, logger } = capturedLogger();
    await clubServiceOn(bus, logger).publish(7, 3, { type: 'club.deleted' });
    assert.deepEqual(((await heard) as { club_id: number; event: unknown }).event, { type: 'club.deleted' });
    assert.equal(lines.filter((l) => l.includes('club event not published')).length, 0);
  });
});
