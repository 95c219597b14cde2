// A quote sent into a club's notebook is told live to whoever may read the notebook (members
// and guests) as a `notes.changed` club event; outsiders following the public club and people
// of other clubs hear nothing of it. The quote is in the database by the time it is told, so a page
// that reloads on the news finds it from any node.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { bodyOf } from '../../../shared/notes-schema.js';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { photo, upload } from '../../helpers/images.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { nextEvent, noneBefore, ok, OpenSockets, type Payload } from '../../helpers/sockets.js';

type Envelope = Payload<'club:event'>;
const isNotes = (e: Envelope) => e.event.type === 'notes.changed';

describe('notebook quotes, live', function () {
  this.timeout(60_000);
  let server: TestServer;
  const open = new OpenSockets(() => server.url);

  before(async () => {
    server = await startTestServer({ env: { MODELS: 'paddleocr-v4', MODELS_WARMUP: 'false' } });
  });
  afterEach(() => open.closeAll());
  after(() => server.close());

  /** A club project with one page photo whose OCR result is stored, as a finished job leaves it. */
  async function pageWithText(cast: ClubCast, line: string) {
    const project = await server.http.post('/api/projects', { name: `Pages ${randomBytes(4).toString('hex')}`, ai_model_id: 'paddleocr-v4', club_id: cast.clubId }, cast.member.access);
    assert.equal(project.status, 201, JSON.stringify(project.body));
    const uploaded = await upload(server.http, project.body.id, cast.member.access, [{ name: 'p.png', data: await photo(), type: 'image/png' }]);
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
    const image = uploaded.body.data[0];
    await server.app.database.db
      .insertInto('image_results')
      .values({ image_id: image.id, job_id: null, model_id: 'paddleocr-v4', orientation: 0, lines: JSON.stringify([{ text: line, confidence: 0.99, box: [] }]), text: line, ms: 10 })
      .execute();
    return `/api/projects/${project.body.id}/results/${image.id}/quote`;
  }

  it("tells the club's members and guests that a quote went into the notebook, and no one else", async () => {
    const cast = await clubWithCast(server.http); // a public club
    const elsewhere = await clubWithCast(server.http);
    const line = `A line nobody else has written ${randomBytes(16).toString('hex')}`;
    const url = await pageWithText(cast, line);
    const doc = `club.${cast.clubId}`;

    const [member, guest, watcher, otherMember] = await Promise.all([open.connect(cast.member), open.connect(cast.guest), open.connect(cast.outsider), open.connect(elsewhere.member)]);
    assert.equal((await ok(member, 'club:watch', { club_id: cast.clubId })).room, 'club');
    assert.equal((await ok(guest, 'club:watch', { club_id: cast.clubId })).role, 'guest');
    // The outsider follows the public club: they hear what the public may see, not its notes.
    assert.equal((await ok(watcher, 'club:watch', { club_id: cast.clubId })).room, 'watchers');

    const toMember = nextEvent(member, 'club:event', isNotes, 20_000);
    // Read from the database the moment the news arrives, as a node without the document loaded would.
    const storedAtNews = new Promise<string>((resolve, reject) => {
      member.on('club:event', (e) => {
        if (isNotes(e)) server.app.notesStore.load(doc).then((stored) => resolve(bodyOf(stored.doc).toString()), reject);
      });
    });
    const toGuest = nextEvent(guest, 'club:event', isNotes, 20_000);
    await noneBefore(watcher, 'club:event', () => noneBefore(otherMember, 'club:event', async () => {
      const quoted = await server.http.post(url, { doc, lines: [0], page: '12' }, cast.notetaker.access);
      assert.equal(quoted.status, 201, JSON.stringify(quoted.body));
      const envelope = await toMember;
      assert.equal(envelope.club_id, cast.clubId);
      assert.equal(envelope.actor_id, cast.notetaker.id);
      // The document and what changed, nothing of the text itself.
      assert.deepEqual(envelope.event, { type: 'notes.changed', doc, change: 'quote_added' });
      assert.deepEqual(await toGuest, envelope);
      assert.ok((await storedAtNews).includes(line), 'the quote is stored before it is told');

      // Positive controls: a later change of each club reaches the watcher and the other club's
      // member, so a notes event sent before it would have arrived first.
      const laterHere = nextEvent(watcher, 'club:event', (e) => e.event.type === 'club.updated', 20_000);
      const laterThere = nextEvent(otherMember, 'club:event', (e) => e.event.type === 'club.updated' && e.club_id === elsewhere.clubId, 20_000);
      assert.equal((await server.http.patch(`/api/clubs/${cast.clubId}`, { summary: 'Now reading Woolf' }, cast.owner.access)).status, 200);
      assert.equal((await server.http.patch(`/api/clubs/${elsewhere.clubId}`, { summary: 'Now reading Austen' }, elsewhere.owner.access)).status, 200);
      await Promise.all([laterHere, laterThere]);
    }, isNotes), isNotes);
  });

  it('says nothing when the quote is refused', async () => {
    const cast = await clubWithCast(server.http);
    const url = await pageWithText(cast, `Refused line ${randomBytes(16).toString('hex')}`);
    const member = await open.connect(cast.member);
    await ok(member, 'club:watch', { club_id: cast.clubId });
    await noneBefore(member, 'club:event', async () => {
      // Members read the notebook but may not write into it.
      assert.equal((await server.http.post(url, { doc: `club.${cast.clubId}`, lines: [0] }, cast.member.access)).status, 403);
      const later = nextEvent(member, 'club:event', (e) => e.event.type === 'club.updated', 20_000);
      assert.equal((await server.http.patch(`/api/clubs/${cast.clubId}`, { summary: 'Still reading' }, cast.owner.access)).status, 200);
      await later;
    }, isNotes);
  });
});
