// Where the user is signed in (GET /auth/sessions): one line per session,
// "this device" marked, an End button on each, and "Sign out everywhere
// else" (POST /auth/logout/others).

import { busy, byId, say, show } from './dom.js';

/**
 * `call(method, path, body)` is a guarded call (app.js: refresh once on
 * 401); `ended(text)` leaves the session (when this device ends itself).
 */
export function createSessions({ call, ended }) {
  const list = byId('sessions-list');
  const note = byId('sessions-note');

  const describe = (item) => {
    const when = new Date(item.lastActiveAt).toLocaleString();
    const agent = item.userAgent || 'Unknown client';
    return `${agent}, ${item.ipAddress || 'unknown address'}, last active ${when}`;
  };

  const render = (items) => {
    list.replaceChildren(
      ...items.map((item) => {
        const line = document.createElement('li');
        const text = document.createElement('span');
        text.textContent = describe(item);
        if (item.current) {
          const mark = document.createElement('strong');
          mark.textContent = 'This device: ';
          line.append(mark);
        }
        const end = document.createElement('button');
        end.type = 'button';
        end.textContent = 'End';
        end.setAttribute('aria-label', `End the session: ${describe(item)}`);
        end.addEventListener('click', () =>
          busy(end, async () => {
            await call(
              'DELETE',
              `/auth/sessions/${encodeURIComponent(item.id)}`,
            );
            if (item.current) return ended('This session has ended.');
            say('That session has ended.');
            await reload();
          }),
        );
        line.append(text, ' ', end);
        return line;
      }),
    );
  };

  const reload = async () => {
    try {
      const { body } = await call('GET', '/auth/sessions');
      show(note, false);
      render(body.items);
    } catch (error) {
      // e.g. 501: the app client issues no origin_jti; the card says so.
      list.replaceChildren();
      note.textContent = error.message;
      show(note);
    }
  };

  byId('logout-others').addEventListener('click', (event) =>
    busy(event.currentTarget, async () => {
      await call('POST', '/auth/logout/others');
      say('Every other session has ended.');
      await reload();
    }),
  );

  return {
    reload,
    clear: () => {
      list.replaceChildren();
      show(note, false);
    },
  };
}
