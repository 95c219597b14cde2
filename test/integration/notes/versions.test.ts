// Meeting minutes start from a template (reading, agenda, the notebook's open questions),
// once even when two nodes load the document at once; named versions are saved and read
// back; documents export to Markdown and plain text. Club roles decide throughout.
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { DocumentRegistry } from '../../../server/notes/documents.js';
import { exportNotes } from '../../../server/notes/export.js';
import { NotesStore } from '../../../server/notes/store.js';
import { meetingTemplateSeeder } from '../../../server/notes/template.js';
import { createLogger } from '../../../shared/logger.js';
import {
  addQuestions,
  agendaOf,
  appendBlocks,
  appendTranscript,
  bodyOf,
  heading,
  paragraph,
  readBlocks,
  readMeta,
  readQuestions,
  setMeta,
  text,
  type Block,
} from '../../../shared/notes-schema.js';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { openProvider, type NotesClient } from '../../helpers/notes.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { waitFor } from '../../helpers/wait.js';

describe('notes export (pure)', () => {
  it('renders every block kind, marks, the transcript and the questions as Markdown and as text', () => {
    const doc = new Y.Doc();
    const blocks: Block[] = [
      heading(2, text('Reading')),
      paragraph(text('We read '), text('Dune', { em: true }), text(' and it was '), text('great ', { strong: true }), text('(see '), text('wiki', { link: { href: 'https://example.org/a b' } }), text(').')),
      { type: 'bullet_list', items: [[paragraph(text('first'))], [paragraph(text('second')), { type: 'ordered_list', start: 3, items: [[paragraph(text('nested'))]] }]] },
      { type: 'blockquote', content: [paragraph(text('Fear is the mind-killer.'))] },
      { type: 'code_block', text: 'const spice = 1;', language: 'ts' },
      { type: 'horizontal_rule' },
      paragraph(text('# not a heading, 1. not a list, *not emphasis*')),
      paragraph(text('line one'), { break: true }, text('line two')),
    ];
    doc.transact(() => {
      setMeta(doc, { title: 'Week 1' });
      appendBlocks(doc, blocks);
      appendTranscript(doc, [
        { id: 's2', speaker_id: 2, start_ms: 65_000, end_ms: 70_000, text: 'I disagree.' },
        { id: 's1', speaker_id: 1, start_ms: 5_000, end_ms: 9_000, text: 'Paul is the hero.' },
      ]);
      addQuestions(doc, [
        { id: 'q1', text: 'Is Paul a hero?', status: 'open', asked_by: 1 },
        { id: 'q2', text: 'Who wrote it?', status: 'answered', asked_by: null },
      ]);
    });
    assert.deepEqual(readBlocks(doc), blocks);
    const names = (id: number | null) => (id === 1 ? 'ann' : id === 2 ? 'bo' : 'someone');
    assert.equal(
      exportNotes(doc, 'md', names),
      [
        '# Week 1',
        '',
        '## Reading',
        '',
        'We read *Dune* and it was **great** (see [wiki](https://example.org/a%20b)).',
        '',
        '- first',
        '- second',
        '',
        '  3. nested',
        '',
        '> Fear is the mind-killer.',
        '',
        '```ts',
        'const spice = 1;',
        '```',
        '',
        '---',
        '',
        '\\# not a heading, 1. not a list, \\*not emphasis\\*',
        '',
        'line one\\',
        'line two',
        '',
        '## Transcript',
        '',
        '**[00:05] ann:** Paul is the hero.',
        '',
        '**[01:05] bo:** I disagree.',
        '',
        '## Questions',
        '',
        '- [ ] Is Paul a hero?',
        '- [x] Who wrote it?',
        '',
      ].join('\n'),
    );
    const plain = exportNotes(doc, 'txt', names);
    assert.match(plain, /^Week 1\n\nREADING\n\nWe read Dune and it was great \(see wiki\)\./);
    assert.match(plain, /\[00:05\] ann: Paul is the hero\.\n\[01:05\] bo: I disagree\./);
    assert.match(plain, /- Who wrote it\? \(answered\)/);
    doc.destroy();
  });
});

describe('meeting minutes: template, versions and export', function () {
  this.timeout(60_000);
  let server: TestServer;
  let cast: ClubCast;
  let meetingId: number;
  let bookId: number;
  const open: Array<() => void> = [];
  const track = (c: NotesClient) => (open.push(() => c.close()), c);

  before(async () => {
    server = await startTestServer();
    cast = await clubWithCast(server.http);
    // The club notebook: a standing agenda and questions, one of them already answered.
    const notebook = track(await openProvider(server, cast.notetaker, `club.${cast.clubId}`));
    notebook.doc.transact(() => {
      agendaOf(notebook.doc).push(['Round of first impressions', 'Chapter discussion']);
      addQuestions(notebook.doc, [
        { id: 'q-open', text: 'Why does Stevens never say what he feels?', status: 'open', asked_by: cast.member.id },
        { id: 'q-done', text: 'When is the novel set?', status: 'answered', asked_by: null },
      ]);
    });
    const check = track(await openProvider(server, cast.member, `club.${cast.clubId}`));
    await waitFor(() => readQuestions(check.doc).length === 2, 'the notebook to reach the server');
    const book = await server.http.post('/api/books', { title: 'The Remains of the Day', author: 'Kazuo Ishiguro' }, cast.owner.access);
    assert.equal(book.status, 201, JSON.stringify(book.body));
    bookId = book.body.id;
    const meeting = await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'Week 3', description: 'Bring your copy.', book_id: bookId, chapters: '3-4' }, cast.moderator.access);
    assert.equal(meeting.status, 201, JSON.stringify(meeting.body));
    meetingId = meeting.body.id;
  });
  afterEach(() => {
    for (const close of open.splice(0)) close();
  });
  after(() => server?.close());

  it('starts a meeting document from the template once, even when two nodes load it at the same moment', async () => {
    const db = server.app.database.db;
    const logger = createLogger('silent');
    // Two more "nodes" on the same database race the server itself.
    const nodes = [0, 1].map(() => {
      const store = new NotesStore(db, logger);
      return new DocumentRegistry(store, logger, 60_000, { seed: meetingTemplateSeeder(db) });
    });
    const name = `meeting.${meetingId}`;
    const [a, b, c] = await Promise.all([nodes[0]!.read(name), nodes[1]!.read(name), openProvider(server, cast.member, name)]);
    track(c);
    try {
      for (const doc of [a, b, c.doc]) {
        assert.deepEqual(Y.encodeStateVector(doc), Y.encodeStateVector(a), 'every node holds the same single template');
        const meta = readMeta(doc);
        assert.equal(meta.title, 'Week 3');
        assert.equal(meta.meeting_id, meetingId);
        assert.equal(meta.club_id, cast.clubId);
        assert.deepEqual(meta.book, { id: bookId, title: 'The Remains of the Day', author: 'Kazuo Ishiguro' });
        assert.equal(meta.chapters, '3-4');
        assert.deepEqual(readQuestions(doc), [{ id: 'q-open', text: 'Why does Stevens never say what he feels?', status: 'open', asked_by: cast.member.id, source: `club.${cast.clubId}` }]);
        assert.equal(bodyOf(doc).length, 7, 'description, reading, agenda and notes, once');
      }
      const md = (await server.http.get(`/api/collab/${name}/export?format=md`, cast.member.access)).body as string;
      assert.equal(
        md,
        [
          '# Week 3',
          '',
          'Bring your copy.',
          '',
          '## Reading',
          '',
          '*The Remains of the Day* by Kazuo Ishiguro, chapters 3-4',
          '',
          '## Agenda',
          '',
          '- Round of first impressions',
          '- Chapter discussion',
          '',
          '## Notes',
          '',
          '## Questions',
          '',
          '- [ ] Why does Stevens never say what he feels?',
          '',
        ].join('\n'),
      );
    } finally {
      a.destroy();
      b.destroy();
      for (const node of nodes) await node.closeAll();
    }
  });

  it('exports a meeting nobody opened yet (its template) and refuses outsiders', async () => {
    const meeting = await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'Week 4' }, cast.moderator.access);
    const res = await server.http.get(`/api/collab/meeting.${meeting.body.id}/export?format=txt`, cast.guest.access);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(res.body, /^Week 4\n\nREADING\n\nNo reading assigned\.\n\nAGENDA\n\n- Round of first impressions/);
    assert.equal((await server.http.get(`/api/collab/meeting.${meeting.body.id}/export`, cast.outsider.access)).status, 403);
    assert.equal((await server.http.get(`/api/collab/meeting.${meeting.body.id}/export?format=pdf`, cast.member.access)).status, 400);
    assert.equal((await server.http.get(`/api/collab/not-a-doc/export`, cast.member.access)).status, 404);
  });

  it('saves named versions for writers, lists and exports them for readers', async () => {
    const name = `meeting.${meetingId}`;
    const writer = track(await openProvider(server, cast.notetaker, name));
    const reader = track(await openProvider(server, cast.member, name));
    writer.doc.transact(() => {
      appendBlocks(writer.doc, [paragraph(text('Stevens is '), text('unreliable', { strong: true }), text(', we agreed.'))]);
      appendTranscript(writer.doc, [{ id: 't1', speaker_id: cast.member.id, start_ms: 5_000, end_ms: 8_000, text: 'He hides behind dignity.' }]);
    });
    await waitFor(() => readBlocks(reader.doc).length === 8, 'the reader to see the new paragraph');

    const url = `/api/collab/${name}/versions`;
    assert.equal((await server.http.post(url, { name: 'Member draft' }, cast.member.access)).status, 403, 'readers cannot save versions');
    assert.equal((await server.http.post(url, { name: 'Outsider' }, cast.outsider.access)).status, 403);
    assert.equal((await server.http.post(url, { name: '  ' }, cast.notetaker.access)).status, 400);
    const saved = await server.http.post(url, { name: 'Before the vote' }, cast.notetaker.access);
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    assert.equal(saved.body.name, 'Before the vote');
    assert.equal(saved.body.created_by, cast.notetaker.id);

    writer.doc.transact(() => appendBlocks(writer.doc, [paragraph(text('We voted for Dune next.'))]));
    await waitFor(() => readBlocks(reader.doc).length === 9, 'the reader to see the vote');

    const list = await server.http.get(url, cast.member.access);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items.map((v: { name: string }) => v.name), ['Before the vote']);
    assert.ok(list.body.items[0].bytes > 0);

    const version = await server.http.get(`${url}/${saved.body.id}?format=md`, cast.guest.access);
    assert.equal(version.status, 200);
    assert.match(version.headers.get('content-type') ?? '', /^text\/markdown/);
    assert.match(version.body, /Stevens is \*\*unreliable\*\*, we agreed\./);
    assert.doesNotMatch(version.body, /We voted/);
    assert.match(version.body, new RegExp(`\\*\\*\\[00:05\\] ${cast.member.username}:\\*\\* He hides behind dignity\\.`));

    const current = await server.http.get(`/api/collab/${name}/export?format=md`, cast.member.access);
    assert.match(current.body, /We voted for Dune next\./);

    // The raw state restores the version in any Yjs client.
    const raw = await fetch(`${server.url}${url}/${saved.body.id}?format=yjs`, { headers: { authorization: `Bearer ${cast.member.access}` } });
    const restored = new Y.Doc();
    Y.applyUpdate(restored, new Uint8Array(await raw.arrayBuffer()));
    assert.equal(readBlocks(restored).length, 8);
    restored.destroy();

    assert.equal((await server.http.get(`${url}/${saved.body.id}`, cast.outsider.access)).status, 403);
    assert.equal((await server.http.get(`${url}/999999`, cast.member.access)).status, 404);
    assert.equal((await server.http.get(`/api/collab/club.${cast.clubId}/versions/${saved.body.id}`, cast.member.access)).status, 404, 'a version belongs to its document');
  });
});
