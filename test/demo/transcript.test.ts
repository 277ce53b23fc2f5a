import { describe, expect, it } from 'vitest';
import { stepTranscript } from '../../src/demo/transcript.js';
import { buttons, line, view } from './lines.js';

describe('stepTranscript', () => {
  it('prints new messages, and a card edited since the last step again with its newest text', () => {
    const card = line(2, { text: '▶ build: running', buttons: buttons('Refresh', 'Kill') });
    const before = view([line(1, { from: 'you', text: '/new build' }), card]);
    const after = view(
      [
        line(1, { from: 'you', text: '/new build' }),
        { ...card, text: '■ build: exited 0\ndone', edits: 3, buttons: [] },
        line(3, { from: 'you', text: '/tail build', reactions: ['👀'] }),
        line(4, { text: '', document: { name: 'build.txt', size: 5000 }, replyTo: { id: 3, preview: '/tail build' } }),
      ],
      { notices: [{ text: 'refreshed', alert: false }] },
    );
    // Chat order: the edited card (id 2) before the new messages; the unchanged message 1 is left out.
    expect(stepTranscript(before, after, false)).toEqual([
      'bot › (updated) ■ build: exited 0',
      '      done',
      'you › /tail build  👀',
      'bot › (reply to "/tail build") 📄 build.txt (4.9 KB)',
      'ⓘ refreshed',
    ]);
  });

  it('labels lines with their topic in a forum', () => {
    const topics = [{ threadId: null, name: 'General' }, { threadId: 7, name: 'build' }];
    const after = view([line(8, { threadId: 7, text: 'card' }), line(9, { text: 'hi' })], { topics });
    expect(stepTranscript(view([]), after, true)).toEqual(['bot › [build] card', 'bot › [General] hi']);
  });
});
