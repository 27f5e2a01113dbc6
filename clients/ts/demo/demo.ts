/**
 * Tandem demo room: chat (`ROOM/chat`), an agent streaming its thinking (`ROOM/agent`), and the
 * room's canvas document (`ROOM/canvas`, Automerge): strokes, a counter and a focus timer
 * (canvas.ts).
 *
 * The page takes its join token from the URL: `/?token=...` (and `&transport=sse` to force SSE,
 * `&docs=json` to edit the canvas with JSON operations instead of an Automerge replica).
 * It never sees the API key: tokens are minted by a backend (here: bin/run).
 */
import { TandemClient, TandemError, type Snapshot, type Status, type TandemEvent, type TransportOption } from '../src/index.js';
import { setupCanvas } from './canvas.js';

interface ChatData { text: string; name?: string }
interface AgentData { kind: 'start' | 'thinking' | 'final'; run: string; prompt?: string; delta?: string; text?: string; name?: string }

const $ = <T extends HTMLElement>(selector: string): T => {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`missing ${selector}`);
  return el;
};

const params = new URLSearchParams(location.search);
const token = params.get('token');
const transportParam = params.get('transport');
const transport: TransportOption = transportParam === 'sse' || transportParam === 'websocket' ? transportParam : 'auto';

const statusEl = $('#status');
const statusText = $('#status-text');

if (!token) {
  $('#app').hidden = true;
  $('#no-token').hidden = false;
  statusText.textContent = 'no token';
} else {
  start(token).catch((e) => showFatal(e));
}

function showFatal(e: unknown): void {
  const error = e instanceof TandemError ? `${e.code}: ${e.message}` : String(e);
  statusEl.dataset.state = 'closed';
  statusText.textContent = `cannot connect — ${error}`;
}

function initials(name: string): string {
  return name.split(/\s+/).map((p) => p[0] ?? '').join('').slice(0, 2).toUpperCase();
}

function hue(identity: string): number {
  let h = 0;
  for (const c of identity) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

function time(ts?: number): string {
  return ts ? new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '';
}

async function start(token: string): Promise<void> {
  const client = new TandemClient({ token, transport, log: params.has('debug') ? console.log : undefined });
  (window as unknown as { tandemDemo: unknown }).tandemDemo = { client };

  client.on('status', (s: Status) => renderStatus(s));
  await client.connect();
  const room = params.get('room') ?? client.welcome?.rooms[0];
  if (!room) throw new TandemError('forbidden', 'the token grants no room');
  $('#room-name').textContent = room;
  document.title = `Tandem · ${room}`;
  const me = client.identity ?? '?';
  $('#me').textContent = me;
  $('#me-avatar').textContent = initials(me);
  $('#me-avatar').style.setProperty('--hue', String(hue(me)));

  setupChat(client, room, me);
  setupAgent(client, room, me);
  $<HTMLButtonElement>('#drop').addEventListener('click', () => client.dropConnection());
  const canvas = await setupCanvas(client, room, me, `hsl(${hue(me)} 70% 62%)`, flash, params.get('docs') === 'json');
  (window as unknown as { tandemDemo: unknown }).tandemDemo = { client, room, canvas, ready: true };
}

function renderStatus(s: Status): void {
  statusEl.dataset.state = s.state;
  $('#transport').textContent = s.transport ?? '—';
  $('#transport').dataset.kind = s.transport ?? '';
  const extra = s.state === 'reconnecting' && s.attempt ? ` (attempt ${s.attempt})` : '';
  statusText.textContent = `${s.state}${extra}${s.error && s.state !== 'connected' ? ` — ${s.error.code}` : ''}`;
}

// --- chat -------------------------------------------------------------------------------------

function setupChat(client: TandemClient, room: string, me: string): void {
  const list = $('#chat-list');
  const form = $<HTMLFormElement>('#chat-form');
  const input = $<HTMLInputElement>('#chat-input');
  const seqs = new Set<number>();

  const add = (seq: number, from: string | undefined, data: ChatData | undefined, ts?: number, redacted?: boolean) => {
    if (seqs.has(seq)) return;
    seqs.add(seq);
    const who = from ?? 'server';
    const li = document.createElement('li');
    li.className = 'msg' + (who === me ? ' mine' : '');
    li.dataset.seq = String(seq);
    li.dataset.from = who;
    const avatar = document.createElement('span');
    avatar.className = 'avatar';
    avatar.textContent = initials(data?.name ?? who);
    avatar.style.setProperty('--hue', String(hue(who)));
    const body = document.createElement('div');
    body.className = 'bubble';
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = `${data?.name ?? who} · ${time(ts)} · #${seq}`;
    const text = document.createElement('div');
    text.className = 'text';
    text.textContent = redacted ? '(a private message)' : String(data?.text ?? JSON.stringify(data));
    body.append(meta, text);
    li.append(avatar, body);
    list.append(li);
    list.scrollTop = list.scrollHeight;
    $('#chat-count').textContent = String(seqs.size);
  };

  client.subscribe<ChatData>(`${room}/chat`, {
    onSnapshot(snapshot: Snapshot<ChatData>) {
      // A snapshot is the topic's state: keep what we have of the same history, add what it holds.
      for (const e of snapshot.events ?? []) add(e.seq, e.from, e.data, e.ts, e.redacted);
    },
    onEvent(event: TandemEvent<ChatData>) {
      add(event.seq, event.from, event.data, event.ts, event.redacted);
    },
    onReset() {
      list.replaceChildren();
      seqs.clear();
      const note = document.createElement('li');
      note.className = 'note';
      note.textContent = 'history was reset — showing the latest messages';
      list.append(note);
    },
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    client.publish(`${room}/chat`, { text, name: me }).catch((err: TandemError) => {
      input.value = text;
      flash(`not sent: ${err.code}`);
    });
  });
}

function flash(message: string): void {
  const el = $('#toast');
  el.textContent = message;
  el.classList.add('show');
  setTimeout(() => el.classList.remove('show'), 2500);
}

// --- agent ------------------------------------------------------------------------------------

const THOUGHTS = [
  'Reading the last messages in the room… ',
  'The team seems to be planning a short sync. ',
  'Checking the shared timer and counter state… ',
  'A focused 25 minute block would fit. ',
  'Drafting a suggestion that everyone can see.',
];

function setupAgent(client: TandemClient, room: string, me: string): void {
  const stream = $('#agent-stream');
  const button = $<HTMLButtonElement>('#agent-ask');
  const runs = new Map<string, { el: HTMLElement; text: HTMLElement }>();

  const runEl = (run: string, prompt: string | undefined, by: string | undefined) => {
    let r = runs.get(run);
    if (!r) {
      const el = document.createElement('article');
      el.className = 'run thinking';
      const head = document.createElement('header');
      head.textContent = `${by ?? 'agent'} asked${prompt ? `: “${prompt}”` : ''}`;
      const text = document.createElement('p');
      el.append(head, text);
      stream.prepend(el);
      r = { el, text };
      runs.set(run, r);
      while (stream.children.length > 4) stream.lastElementChild?.remove();
    }
    return r;
  };

  const apply = (data: AgentData | undefined, from?: string) => {
    if (!data || !data.run) return;
    const r = runEl(data.run, data.prompt, data.name ?? from);
    if (data.kind === 'thinking' && data.delta) r.text.textContent += data.delta;
    if (data.kind === 'final') {
      r.el.classList.remove('thinking');
      const answer = document.createElement('strong');
      answer.textContent = data.text ?? '';
      r.el.append(answer);
    }
  };

  client.subscribe<AgentData>(`${room}/agent`, {
    onSnapshot(s) { for (const e of s.events ?? []) apply(e.data, e.from); },
    onEvent(e) { apply(e.data, e.from); },
    onReset() { stream.replaceChildren(); runs.clear(); },
  });

  button.addEventListener('click', async () => {
    button.disabled = true;
    const run = `${me}-${Date.now().toString(36)}`;
    const topic = `${room}/agent`;
    try {
      await client.publish(topic, { kind: 'start', run, prompt: 'What should we do next?', name: me });
      for (const thought of THOUGHTS) {
        for (const word of thought.match(/\S+\s*/g) ?? []) {
          await client.publish(topic, { kind: 'thinking', run, delta: word });
          await new Promise((r) => setTimeout(r, 60));
        }
      }
      await client.publish(topic, { kind: 'final', run, text: 'Suggestion: start a 25 minute focus timer.' });
    } catch (err) {
      flash(`agent stopped: ${(err as TandemError).code}`);
    } finally {
      button.disabled = false;
    }
  });
}
